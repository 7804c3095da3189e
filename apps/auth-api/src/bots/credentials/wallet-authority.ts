import type { ChainClient } from "@sigil/chain";
import { DelegationInactiveError } from "@sigil/core";
import { SignatureInvalidError, SignatureMismatchError, verifyHashSignature } from "@sigil/siwe";
import { getAddress, type Hex } from "viem";

/**
 * J4: whether the contract wallet `address` still accepts the signature that authorised a bot
 * credential (the delegation's own, or the sign-in that created an API key). Asked through the
 * capped, deadline-bound, chain-pinned path (J5): an unreachable RPC throws `rpc_unavailable`.
 * A credential without a recorded digest (created before this check existed) is not accepted.
 * Only the wallet's own "rejected" answer is a no; a revert or a missing contract (a lagging node)
 * refuses this mint without revoking anything.
 */
export async function walletStillAccepts(p: {
  chain: ChainClient;
  address: string;
  digest: string | null;
  signature: string | null;
}): Promise<boolean> {
  if (p.digest === null || p.signature === null) return false;
  try {
    await verifyHashSignature({
      chain: p.chain,
      address: getAddress(p.address),
      hash: p.digest as Hex,
      signature: p.signature as Hex,
    });
    return true;
  } catch (error) {
    if (error instanceof SignatureMismatchError && error.details.reason === "contract_rejected") return false;
    if (error instanceof SignatureMismatchError || error instanceof SignatureInvalidError) {
      throw new DelegationInactiveError("the wallet could not confirm this credential's signer now", {
        cause: error,
      });
    }
    throw error;
  }
}
