import { ChainClients, DEV_CHAIN_ID, readAccess } from "@sigil/chain";
import path from "node:path";
import { getAddress, isAddress } from "viem";
import { readDeployment } from "../dev/ensure-dev-contracts.js";
import { repoRoot } from "../dev/repo-root.js";

export interface RolesParameters {
  address: string;
  chainId?: number;
  /** RPC URL; defaults to the dev chain. */
  rpcUrl?: string;
  /** Registry address; defaults to the dev deployment recorded under .data/. */
  registry?: string;
}

/** `sigil roles <address>`: an account's roles and scopes, read on-chain at a stated block. */
export async function roles(p: RolesParameters): Promise<void> {
  if (!isAddress(p.address, { strict: false })) throw new Error(`not an address: ${p.address}`);
  const dataDir = path.resolve(process.env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const registry = p.registry ?? (await readDeployment(path.join(dataDir, "dev-chain.json")))?.registry;
  if (!registry || !isAddress(registry, { strict: false })) {
    throw new Error("no registry: pass --registry, or start dev mode (npm start) first");
  }
  const chainId = p.chainId ?? DEV_CHAIN_ID;
  const chains = new ChainClients([
    {
      chainId,
      name: `chain-${chainId}`,
      rpcUrls: [p.rpcUrl ?? "http://127.0.0.1:8545"],
      registry: getAddress(registry),
      timeoutMs: 5_000,
    },
  ]);
  const access = await readAccess({ chain: chains.get(chainId), address: getAddress(p.address) });
  console.log(
    JSON.stringify(
      {
        address: access.address,
        chainId,
        block: { number: access.block.number.toString(), hash: access.block.hash },
        roles: access.roles.map(({ name, id, scopes }) => ({ name, id, scopes })),
        scopes: access.scopes,
      },
      null,
      2,
    ),
  );
}
