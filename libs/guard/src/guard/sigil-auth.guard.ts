import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { InternalError } from "@sigil/core";
import { InvalidTokenError } from "@sigil/sessions";
import type { Request, Response } from "express";
import { SigilAuthenticator } from "@sigil/verify";
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from "../decorators/metadata-keys.js";
import { challengeHeadersOf } from "@sigil/verify";
import { InsufficientScopeError } from "@sigil/verify";
import { DpopChecker } from "@sigil/verify";
import { accessTokenOf } from "@sigil/verify";
import { RevocationFeed } from "@sigil/verify";
import { attachPrincipal } from "@sigil/verify";
import type { SigilPrincipal } from "@sigil/verify";
import { missingScope, type RouteRequirement } from "@sigil/verify";

/**
 * Global guard of {@link SigilGuardModule}: every route needs a valid Sigil access token in the
 * `Authorization` header unless marked `@Public()`, plus the scopes of `@RequireScopes`. Attaches
 * the principal for `@CurrentPrincipal()`. On refusal it sets the RFC 6750 challenge header
 * itself, so whichever exception filter answers keeps it.
 */
@Injectable()
export class SigilAuthGuard implements CanActivate {
  // Decorator metadata never changes after boot: read it once per controller and handler.
  private readonly policies = new WeakMap<object, WeakMap<object, RouteRequirement>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: SigilAuthenticator,
    private readonly revocations: RevocationFeed,
    private readonly dpop: DpopChecker,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.public) return true;
    if (context.getType() !== "http") throw new InternalError("the Sigil guard only protects HTTP routes");
    // The HTTP arguments directly: switchToHttp() would allocate a wrapper on every request.
    const request = context.getArgByIndex<Request>(0);
    const response = context.getArgByIndex<Response>(1);
    try {
      const { token, scheme } = accessTokenOf(request);
      const principal = this.authenticator.authenticate(token);
      if (principal instanceof Promise) {
        return principal.then(
          (resolved) => this.admitBound(request, response, policy, resolved, token, scheme),
          (error: unknown) => refuse(response, error),
        );
      }
      return this.admitBound(request, response, policy, principal, token, scheme);
    } catch (error) {
      return refuse(response, error);
    }
  }

  /** A DPoP-bound token also needs its proof (RFC 9449 §7.1, B9); a bearer token must not claim DPoP. */
  private admitBound(
    request: Request,
    response: Response,
    policy: RouteRequirement,
    principal: SigilPrincipal,
    token: string,
    scheme: "bearer" | "dpop",
  ): true | Promise<true> {
    const jkt = principal.claims.cnf?.jkt;
    if (jkt === undefined) {
      if (scheme === "dpop")
        refuse(response, new InvalidTokenError("claims", "the DPoP scheme needs a DPoP-bound token"));
      return this.admit(request, response, policy, principal);
    }
    if (scheme !== "dpop") {
      refuse(
        response,
        new InvalidTokenError("claims", "a DPoP-bound token must be sent with the DPoP scheme"),
      );
    }
    return this.dpop.verify({ request, accessToken: token, jkt }).then(
      () => this.admit(request, response, policy, principal),
      (error: unknown) => refuse(response, error),
    );
  }

  private admit(
    request: Request,
    response: Response,
    policy: RouteRequirement,
    principal: SigilPrincipal,
  ): true {
    // A scope check trusts on-chain roles: only while the issuer confirms them, on the sign-in chain
    // and on the chains the token lists for the route's scopes (fail closed, D1, P5).
    if (policy.scopes.length > 0) {
      try {
        this.revocations.assertRolesFresh(principal, policy.scopes);
      } catch (error) {
        refuse(response, error);
      }
    }
    if (missingScope(principal.scopes, policy.scopes) !== undefined) {
      refuse(response, new InsufficientScopeError(policy.scopes));
    }
    attachPrincipal(request, principal);
    return true;
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

function refuse(response: Response, error: unknown): never {
  const headers = challengeHeadersOf(error);
  if (!response.headersSent) for (const name in headers) response.setHeader(name, headers[name]!);
  throw error;
}
