import { type AccessSnapshot, type BlockRef, type Role, scopesForRoles } from "@sigil/core";
import type { Address, ContractFunctionArgs, ContractFunctionName } from "viem";
import { accessRegistryAbi } from "../abi/generated/AccessRegistry.js";
import type { ChainClient } from "../clients/chain-client.js";
import { toChainError } from "../errors/to-chain-error.js";
import { PinnedReads } from "./pinned-reads.js";
import { readLatestBlock } from "./read-latest-block.js";

export interface ReadAccessParameters {
  chain: ChainClient;
  address: Address;
  /** Read at this block; defaults to the latest block, whose number and hash are recorded. */
  at?: Omit<BlockRef, "chainId">;
  /** The AccessRegistry to read; defaults to the chain's configured one. */
  registry?: Address;
  /** Reads at `at` shared with other sources of a sign-in, so they go out together. */
  reads?: PinnedReads;
}

type RegistryView = ContractFunctionName<typeof accessRegistryAbi, "view">;

/**
 * Reads an account's roles and effective scopes from the AccessRegistry at one block, returning
 * the block's number and hash with them. Every call is pinned to the block *hash* (EIP-1898), so
 * a reorg cannot mix two blocks into one answer. Fails with a typed error, never "no roles".
 */
export async function readAccess({
  chain,
  address,
  at,
  registry = chain.config.registry,
  reads,
}: ReadAccessParameters): Promise<AccessSnapshot> {
  try {
    await chain.verifyChainId();
    const block = at ?? (await readLatestBlock(chain));
    const pinned = reads ?? new PinnedReads(chain, block.hash);
    const call = <F extends RegistryView>(
      functionName: F,
      args: ContractFunctionArgs<typeof accessRegistryAbi, "view", F>,
    ) => pinned.call({ to: registry, abi: accessRegistryAbi, functionName, args });

    // The held roles decide what else to read: a second round, sent with the chain's other reads.
    const [roleIds] = await call("accessOf", [address]);
    const roles: Role[] = await Promise.all(
      roleIds.map(async (id) => {
        const [name, scopes] = await Promise.all([call("roleName", [id]), call("scopesOf", [id])]);
        return { id, name, scopes: [...scopes].sort() };
      }),
    );
    return { address, roles, scopes: scopesForRoles(roles), block: { chainId: chain.chainId, ...block } };
  } catch (error) {
    throw toChainError({ error, chainId: chain.chainId, action: `reading access of ${address}`, registry });
  }
}
