// Types only: Fastify is an optional peer, so this entry must load where it is not installed.
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  preHandlerHookHandler,
} from "fastify";
import { refusalOf } from "../errors/refusal-of.js";
import type { SigilVerifierOptions } from "../options/verifier-options.js";
import { attachPrincipal } from "../principal/request-principal.js";
import type { SigilPrincipal } from "../principal/sigil-principal.js";
import { createSigilVerifier, type SigilVerifier } from "../verifier/sigil-verifier.js";

/** `fastify.sigil`, once {@link sigilFastify} is registered. */
export interface SigilFastify {
  readonly verifier: SigilVerifier;
  /**
   * A route `preHandler` admitting requests with a valid Sigil access token holding every one of
   * `scopes` (none: any valid token); sets `request.sigilPrincipal`, or answers the refusal.
   */
  requireScopes(...scopes: string[]): preHandlerHookHandler;
}

/**
 * Options of {@link sigilFastify}: the verifier's, and the plugin starts it on register and closes
 * it with the server; or `{ verifier }`, shared with other servers, which its owner starts and closes.
 */
export type SigilFastifyOptions = SigilVerifierOptions | { verifier: SigilVerifier };

declare module "fastify" {
  interface FastifyInstance {
    sigil: SigilFastify;
  }
  interface FastifyRequest {
    /** The principal a Sigil `preHandler` admitted; null on routes without one. */
    sigilPrincipal: SigilPrincipal | null;
  }
}

const plugin: FastifyPluginAsync<SigilFastifyOptions> = async (fastify: FastifyInstance, options) => {
  const owned = !("verifier" in options);
  const verifier = owned ? createSigilVerifier(options) : options.verifier;
  fastify.decorateRequest("sigilPrincipal", null);
  fastify.decorate("sigil", {
    verifier,
    requireScopes: (...scopes: string[]) => requireScopesOf(verifier, Object.freeze([...new Set(scopes)])),
  } satisfies SigilFastify);
  if (owned) {
    fastify.addHook("onClose", async () => verifier.close());
    await verifier.start();
  }
};

/**
 * Sigil's token check as a Fastify 5 plugin: `fastify.sigil.requireScopes(…)` as a route's
 * `preHandler`. Not encapsulated (as `fastify-plugin` does), so every route of the registering scope sees it.
 */
export const sigilFastify = Object.assign(plugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "@sigil/verify/fastify",
  [Symbol.for("plugin-meta")]: { name: "@sigil/verify/fastify", fastify: "5.x" },
});

function requireScopesOf(verifier: SigilVerifier, scopes: readonly string[]): preHandlerHookHandler {
  return function sigilRequireScopes(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    // Fastify's url is the whole path and query as received, what a DPoP proof's htu names.
    const verifiable = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      protocol: request.protocol,
    };
    let principal: SigilPrincipal | Promise<SigilPrincipal>;
    try {
      principal = verifier.verify(verifiable, scopes);
    } catch (error) {
      return refuse(request, reply, done, error);
    }
    if (principal instanceof Promise) {
      principal.then(
        (resolved) => admit(request, done, resolved),
        (error: unknown) => refuse(request, reply, done, error),
      );
      return;
    }
    admit(request, done, principal);
  };
}

function admit(request: FastifyRequest, done: HookHandlerDoneFunction, principal: SigilPrincipal): void {
  request.sigilPrincipal = principal;
  attachPrincipal(request, principal);
  done();
}

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  error: unknown,
): void {
  const refusal = refusalOf(error, request);
  if (refusal === undefined) return done(error as Error);
  // A callback hook that answers must not call done (Fastify would run the handler too).
  reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
}
