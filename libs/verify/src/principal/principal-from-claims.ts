import { type AccessTokenClaims, InvalidTokenError } from "@sigil/sessions";
import { FrozenSet } from "./frozen-set.js";
import type { SigilPrincipal } from "./sigil-principal.js";

// CAIP-10 for EVM chains: namespace eip155, decimal chain id, 20-byte hex address.
const EIP155_ACCOUNT = /^eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/;

/**
 * Builds the immutable {@link SigilPrincipal} of verified claims. Throws {@link InvalidTokenError}
 * (`claims`) when `sub` is not an EIP-155 CAIP-10 account. A DPoP-bound token (`cnf.jkt`) keeps
 * its binding in `claims.cnf`: the guard checks its proof on every request (RFC 9449 §7.1).
 */
export function principalFromClaims(claims: AccessTokenClaims): SigilPrincipal {
  const match = EIP155_ACCOUNT.exec(claims.sub);
  const chainId = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(chainId)) {
    throw new InvalidTokenError("claims", "token subject is not an eip155 account");
  }
  if (claims.act) Object.freeze(claims.act);
  if (claims.cnf) Object.freeze(claims.cnf);
  Object.freeze(claims);
  return Object.freeze({
    sub: claims.sub,
    address: match[2] as `0x${string}`,
    chainId,
    scopes: new FrozenSet(claims.scope.split(" ").filter((scope) => scope !== "")),
    sid: claims.sid,
    jti: claims.jti,
    ...(claims.act ? { act: claims.act } : {}),
    claims,
  });
}
