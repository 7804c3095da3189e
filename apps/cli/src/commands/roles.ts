import { ChainClients, readAccess } from "@sigil/chain";
import { changeRole, DEV_CHAIN_ID, devAccount, DevAccountIndex } from "@sigil/chain/dev";
import path from "node:path";
import { createPublicClient, createWalletClient, getAddress, http, isAddress, type LocalAccount } from "viem";
import { hardhat } from "viem/chains";
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

/** The registry to use: `--registry`, else the dev deployment recorded under .data/. */
async function registryOf(p: { address: string; registry?: string }) {
  if (!isAddress(p.address, { strict: false })) throw new Error(`not an address: ${p.address}`);
  const dataDir = path.resolve(process.env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const registry = p.registry ?? (await readDeployment(path.join(dataDir, "dev-chain.json")))?.registry;
  if (!registry || !isAddress(registry, { strict: false })) {
    throw new Error("no registry: pass --registry, or start dev mode (npm start) first");
  }
  return getAddress(registry);
}

/** `sigil roles <address>`: an account's roles and scopes, read on-chain at a stated block. */
export async function roles(p: RolesParameters): Promise<void> {
  const registry = await registryOf(p);
  const chainId = p.chainId ?? DEV_CHAIN_ID;
  const chains = new ChainClients([
    {
      chainId,
      name: `chain-${chainId}`,
      rpcUrls: [p.rpcUrl ?? "http://127.0.0.1:8545"],
      registry,
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

export interface ChangeRoleCommandParameters extends RolesParameters {
  action: "grant" | "revoke";
  role: string;
  /** The role's administrator; defaults to the dev admin account (dev chain only). */
  admin?: LocalAccount;
}

/** `sigil roles grant|revoke <ROLE> <address>`: one role change on the dev chain's registry. */
export async function changeRoleCommand(p: ChangeRoleCommandParameters): Promise<void> {
  const registry = await registryOf(p);
  const transport = http(p.rpcUrl ?? "http://127.0.0.1:8545");
  const account = p.admin ?? devAccount(DevAccountIndex.admin);
  const receipt = await changeRole({
    publicClient: createPublicClient({ chain: hardhat, transport }),
    walletClient: createWalletClient({ account, chain: hardhat, transport }),
    registry,
    action: p.action,
    role: p.role,
    account: getAddress(p.address),
  });
  console.log(
    JSON.stringify({
      [p.action === "grant" ? "granted" : "revoked"]: p.role,
      account: getAddress(p.address),
      block: receipt.blockNumber.toString(),
      transaction: receipt.transactionHash,
    }),
  );
}
