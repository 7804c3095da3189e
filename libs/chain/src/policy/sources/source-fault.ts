import type { PolicySource, SigilError } from "@sigil/core";
import type { ChainClient } from "../../clients/chain-client.js";
import { toChainError } from "../../errors/to-chain-error.js";
import { sourceRef } from "./source-ref.js";

export interface SourceFaultParameters {
  error: unknown;
  chain: ChainClient;
  source: PolicySource;
  /** What was being done, for the message ("reading 0x… at block 12"). */
  action: string;
}

/**
 * Classifies a failed source read: a missing or reverting contract is `policy_source_unavailable`
 * naming the source, a failing RPC `rpc_unavailable`; a Sigil error passes through unchanged.
 */
export function sourceFault({ error, chain, source, action }: SourceFaultParameters): SigilError {
  return toChainError({ error, chainId: chain.chainId, action, policySource: sourceRef(source) });
}
