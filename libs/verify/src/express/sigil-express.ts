// Types only: Express is an optional peer, so this entry must load where it is not installed.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { refusalOf } from "../errors/refusal-of.js";
import type { SigilVerifierOptions } from "../options/verifier-options.js";
import { attachPrincipal } from "../principal/request-principal.js";
import type { SigilPrincipal } from "../principal/sigil-principal.js";
import { createSigilVerifier, type SigilVerifier } from "../verifier/sigil-verifier.js";

/** What {@link sigilExpress} returns: route middleware, and the verifier's lifecycle. */
export interface SigilExpress {
  readonly verifier: SigilVerifier;
  /**
   * Middleware admitting requests with a valid Sigil access token holding every one of `scopes`
   * (none: any valid token). The principal is then `principalOf(req)`; a refusal is answered here.
   */
  requireScopes(...scopes: string[]): RequestHandler;
  /** Fetches the JWKS and the first feed page; await it before `listen` (until then: 503). */
  start(): Promise<void>;
  /** Stops the background JWKS refresh and feed polls; call it when the server closes. */
  close(): void;
}

/**
 * Sigil's token check as Express middleware, over `verifierOrOptions` (a verifier shared with
 * other servers, or its options). Refusals get the verifier's status, challenge and JSON body;
 * any other error goes to `next(error)`.
 */
export function sigilExpress(verifierOrOptions: SigilVerifier | SigilVerifierOptions): SigilExpress {
  // Duck-typed: a verifier from another copy of this package is still a verifier.
  const verifier =
    typeof (verifierOrOptions as Partial<SigilVerifier>).verify === "function"
      ? (verifierOrOptions as SigilVerifier)
      : createSigilVerifier(verifierOrOptions as SigilVerifierOptions);
  return {
    verifier,
    requireScopes: (...scopes) => requireScopesOf(verifier, Object.freeze([...new Set(scopes)])),
    start: () => verifier.start(),
    close: () => verifier.close(),
  };
}

function requireScopesOf(verifier: SigilVerifier, scopes: readonly string[]): RequestHandler {
  return function sigilRequireScopes(req: Request, res: Response, next: NextFunction): void {
    // originalUrl keeps the mount path of a sub-router: a DPoP proof's htu names the whole path.
    const verifiable = {
      method: req.method,
      url: req.originalUrl,
      headers: req.headers,
      protocol: req.protocol,
    };
    let principal: SigilPrincipal | Promise<SigilPrincipal>;
    try {
      principal = verifier.verify(verifiable, scopes);
    } catch (error) {
      return refuse(req, res, next, error);
    }
    if (principal instanceof Promise) {
      principal.then(
        (resolved) => admit(req, next, resolved),
        (error: unknown) => refuse(req, res, next, error),
      );
      return;
    }
    admit(req, next, principal);
  };
}

function admit(req: Request, next: NextFunction, principal: SigilPrincipal): void {
  attachPrincipal(req, principal);
  next();
}

function refuse(req: Request, res: Response, next: NextFunction, error: unknown): void {
  const refusal = refusalOf(error, req);
  if (refusal === undefined) return next(error);
  res.status(refusal.status).set(refusal.headers).json(refusal.body);
}
