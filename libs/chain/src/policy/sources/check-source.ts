import { type PolicySource, PolicySourceUnavailableError } from "@sigil/core";
import type { PublicClient } from "viem";
import type { ChainClient } from "../../clients/chain-client.js";
import { sourceFault } from "./source-fault.js";
import { sourceRef } from "./source-ref.js";

export interface CheckSourceParameters {
  chain: ChainClient;
  source: PolicySource;
  /** The interface the source must answer, for the message ("ERC-721"). */
  expects: string;
  /**
   * One representative call at the latest block, resolving whether the contract claims the
   * interface (`supportsInterface`), or true once any answer decodes. A revert fails the check too.
   */
  probe: (client: PublicClient) => Promise<boolean>;
}

/**
 * `sigil policy check` for one source: the RPC serves the source's chain, the address has code at
 * the latest block and answers the interface. Throws `policy_source_unavailable` naming the source.
 */
export async function checkSource({ chain, source, expects, probe }: CheckSourceParameters): Promise<void> {
  const action = `checking ${source.address} answers ${expects}`;
  try {
    await chain.verifyChainId();
    const code = await chain.client.getCode({ address: source.address });
    if (code === undefined || code === "0x") throw unavailable(chain, source, "has no code");
    if (!(await probe(chain.client))) {
      throw unavailable(chain, source, `says it does not implement ${expects}`);
    }
  } catch (error) {
    throw sourceFault({ error, chain, source, action });
  }
}

function unavailable(chain: ChainClient, source: PolicySource, reason: string): PolicySourceUnavailableError {
  const { id, address } = sourceRef(source);
  return new PolicySourceUnavailableError(
    `chain ${chain.chainId}: policy source ${id} (${address}) ${reason} at the latest block`,
    { details: { chainId: chain.chainId, source: id, address } },
  );
}
