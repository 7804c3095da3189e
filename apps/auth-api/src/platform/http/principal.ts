import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import type { SessionEntity } from "@sigil/persistence";
import type { AccessTokenClaims } from "@sigil/sessions";
import type { HttpRequest } from "./http-types.js";

/** The caller of a Bearer route: verified claims and the live session they belong to. */
export interface Principal {
  claims: AccessTokenClaims;
  /**
   * The token's live scopes (see LiveScopes), computed on first use: throws `role_sync_stale` while
   * the chain's roles are unconfirmed, so routes that need no scope still answer during an outage.
   */
  scopes(): ReadonlySet<string>;
  session: SessionEntity;
  /** The raw access token (for revocation); never logged. */
  token: string;
}

/** The resource server calling a client-authenticated route. */
export interface ResourceClientPrincipal {
  clientId: string;
}

/** Injects the {@link Principal} of a Bearer route. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<HttpRequest>().principal;
    if (!principal) throw new Error("CurrentPrincipal used on a route without a Bearer policy");
    return principal;
  },
);
