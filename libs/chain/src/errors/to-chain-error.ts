import {
  isSigilError,
  PolicySourceUnavailableError,
  RegistryUnavailableError,
  RpcUnavailableError,
  type SigilError,
} from "@sigil/core";
import { AbiDecodingZeroDataError, BaseError, ContractFunctionRevertedError, RpcRequestError } from "viem";

export interface ToChainErrorParameters {
  error: unknown;
  chainId: number;
  /** What was being done, for the message ("reading access of 0x…"). */
  action: string;
  registry?: `0x${string}`;
  /** A policy source's id and contract: a contract fault is then `policy_source_unavailable`. */
  policySource?: { id: string; address: `0x${string}` };
}

/**
 * Classifies a failed chain read: a missing or reverting registry is `registry_unavailable`, anything
 * else (refused connection, timeout, node error) is `rpc_unavailable`. Never "no roles". An error
 * that is already a Sigil error (e.g. `chain_id_mismatch`) is returned as it is.
 */
export function toChainError({
  error,
  chainId,
  action,
  registry,
  policySource,
}: ToChainErrorParameters): SigilError {
  if (isSigilError(error)) return error;
  const details = { chainId, ...(registry ? { registry } : {}) };
  if (policySource && isRegistryFault(error)) {
    return new PolicySourceUnavailableError(
      `chain ${chainId}: policy source ${policySource.id} (${policySource.address}) does not answer while ${action}`,
      { cause: error, details: { chainId, source: policySource.id, address: policySource.address } },
    );
  }
  if (isRegistryFault(error)) {
    return new RegistryUnavailableError(`chain ${chainId}: no working AccessRegistry while ${action}`, {
      cause: error,
      details,
    });
  }
  return new RpcUnavailableError(`chain ${chainId}: RPC unavailable while ${action}`, {
    cause: error,
    details,
  });
}

function isRegistryFault(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  if (
    error.walk((e) => e instanceof AbiDecodingZeroDataError || e instanceof ContractFunctionRevertedError)
  ) {
    return true;
  }
  // A node answering "execution reverted" (JSON-RPC error 3, or -32000 with that message) is the contract's fault.
  const rpc = error.walk((e) => e instanceof RpcRequestError) as RpcRequestError | null;
  return rpc !== null && (rpc.code === 3 || /revert/i.test(rpc.details ?? ""));
}
