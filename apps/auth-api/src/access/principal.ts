import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import type { ApiKeyEntity, SessionEntity } from "@sigil/persistence";
import type { AccessTokenClaims, VerifiedDpopProof } from "@sigil/sessions";
import type { Request } from "express";

/** The caller of a Bearer route: verified claims and the live session they belong to. */
export interface Principal {
  claims: AccessTokenClaims;
  scopes: ReadonlySet<string>;
  session: SessionEntity;
  /** The raw access token (for revocation); never logged. */
  token: string;
}

/** The resource server calling a client-authenticated route. */
export interface ResourceClientPrincipal {
  clientId: string;
}

declare module "express" {
  interface Request {
    principal?: Principal;
    resourceClient?: ResourceClientPrincipal;
    /** `proof` routes (bots): the verified DPoP proof, or the API key that signed the request. */
    dpopProof?: VerifiedDpopProof;
    apiKey?: ApiKeyEntity;
  }
}

/** Injects the {@link Principal} of a Bearer route. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<Request>().principal;
    if (!principal) throw new Error("CurrentPrincipal used on a route without a Bearer policy");
    return principal;
  },
);
