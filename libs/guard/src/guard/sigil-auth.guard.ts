import { type CanActivate, type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { InternalError } from "@sigil/core";
import { attachPrincipal, refusalOf, type SigilPrincipal, type SigilVerifier } from "@sigil/verify";
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from "../decorators/metadata-keys.js";
import { type HttpRequest, type HttpResponse, setHeaderOn } from "../http/http-exchange.js";
import { SIGIL_VERIFIER } from "../verifier/sigil-verifier.provider.js";
import type { RouteRequirement } from "./route-requirement.js";

/**
 * Global guard of {@link SigilGuardModule}: every route needs a valid Sigil access token unless
 * marked `@Public()`, plus the scopes of `@RequireScopes`; `@sigil/verify` decides. Attaches the
 * principal for `@CurrentPrincipal()`. On refusal it sets the challenge header itself, so
 * whichever exception filter answers keeps it.
 */
@Injectable()
export class SigilAuthGuard implements CanActivate {
  // Decorator metadata never changes after boot: read it once per controller and handler.
  private readonly policies = new WeakMap<object, WeakMap<object, RouteRequirement>>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(SIGIL_VERIFIER) private readonly verifier: SigilVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.public) return true;
    if (context.getType() !== "http") throw new InternalError("the Sigil guard only protects HTTP routes");
    // The HTTP arguments directly: switchToHttp() would allocate a wrapper on every request.
    const request = context.getArgByIndex<HttpRequest>(0);
    const response = context.getArgByIndex<HttpResponse>(1);
    const verifiable = {
      method: request.method,
      // Express keeps the mount path in originalUrl; Fastify's url is already whole.
      url: request.originalUrl ?? request.url,
      headers: request.headers,
      protocol: request.protocol,
    };
    try {
      const principal = this.verifier.verify(verifiable, policy.scopes);
      if (principal instanceof Promise) {
        return principal.then(
          (resolved) => admit(request, resolved),
          (error: unknown) => refuse(request, response, error),
        );
      }
      return admit(request, principal);
    } catch (error) {
      return refuse(request, response, error);
    }
  }

  private policyOf(context: ExecutionContext): RouteRequirement {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.policies.get(controller);
    if (!byHandler) this.policies.set(controller, (byHandler = new WeakMap()));
    let policy = byHandler.get(handler);
    if (!policy) {
      const targets = [handler, controller];
      policy = Object.freeze({
        public: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true,
        scopes: Object.freeze([
          ...new Set(this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, targets)),
        ]),
      });
      byHandler.set(handler, policy);
    }
    return policy;
  }
}

function admit(request: HttpRequest, principal: SigilPrincipal): true {
  attachPrincipal(request, principal);
  return true;
}

function refuse(request: HttpRequest, response: HttpResponse, error: unknown): never {
  const headers = refusalOf(error, request)?.headers ?? {};
  for (const name in headers) setHeaderOn(response, name, headers[name]!);
  throw error;
}
