import { DEV_CHAIN_ID, devAccount, DevAccountIndex } from "@sigil/chain/dev";
import path from "node:path";
import { type Address, createPublicClient, createWalletClient, getAddress, http, isAddress } from "viem";
import { hardhat } from "viem/chains";
import { type DevPolicyContracts, readDeployment } from "../dev/ensure-dev-contracts.js";
import { repoRoot } from "../dev/repo-root.js";
import { revokeDevKyc } from "../dev/revoke-dev-kyc.js";
import { transferDevPass } from "../dev/transfer-dev-pass.js";

/** The dev-mode facts a tour can take away on-chain, each read by the dev policy. */
export const DEV_FACT_COMMANDS = ["revoke-kyc", "transfer-pass"] as const;
export type DevFactCommand = (typeof DEV_FACT_COMMANDS)[number];

export const DEV_FACT_USAGE = `  sigil dev revoke-kyc <account> [--rpc URL]
                                 revoke the dev KYC attestation of a dev account index or address
                                 (sent by the attester, dev account 0): orders:write narrows away
  sigil dev transfer-pass <from> <to> [--rpc URL]
                                 dev account <from> gives its DevPass (ERC-721) to <to> (index or
                                 address): positions:read moves with it`;

export interface DevFactParameters {
  command: DevFactCommand;
  args: readonly string[];
  /** Defaults to the dev chain on SIGIL_DEV_CHAIN_PORT (8545). */
  rpcUrl?: string;
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}

/** `sigil dev revoke-kyc|transfer-pass`: one on-chain fact of the dev policy taken away. */
export async function devFact({
  command,
  args,
  rpcUrl,
  env = process.env,
  print = console.log,
}: DevFactParameters): Promise<void> {
  const transport = http(rpcUrl ?? `http://127.0.0.1:${env.SIGIL_DEV_CHAIN_PORT ?? 8545}`);
  const publicClient = createPublicClient({ chain: hardhat, transport });
  const policy = await devPolicyContracts(publicClient, env);
  const wallet = (index: number) =>
    createWalletClient({ account: devAccount(index), chain: hardhat, transport });
  if (command === "revoke-kyc") {
    if (args.length !== 1) throw new Error("usage: sigil dev revoke-kyc <account index or address>");
    const recipient = accountOf(args[0]!);
    const revoked = await revokeDevKyc({
      publicClient,
      walletClient: wallet(DevAccountIndex.admin),
      policy,
      recipient,
    });
    print(JSON.stringify({ revokedKyc: recipient, attestations: revoked }));
    return;
  }
  if (args.length !== 2 || !/^\d+$/.test(args[0]!)) {
    throw new Error("usage: sigil dev transfer-pass <from account index> <to account index or address>");
  }
  const walletClient = wallet(Number(args[0]));
  const to = accountOf(args[1]!);
  const tokenId = await transferDevPass({ publicClient, walletClient, policy, to });
  print(JSON.stringify({ transferredPass: tokenId.toString(), from: walletClient.account.address, to }));
}

/** A dev account index (0-19) or an address. */
function accountOf(value: string): Address {
  if (/^\d{1,2}$/.test(value)) return devAccount(Number(value)).address;
  if (!isAddress(value, { strict: false })) throw new Error(`not an address or dev account index: ${value}`);
  return getAddress(value);
}

/** The policy demo dev mode recorded, checked to belong to the chain the RPC serves. */
async function devPolicyContracts(
  client: ReturnType<typeof createPublicClient>,
  env: NodeJS.ProcessEnv,
): Promise<DevPolicyContracts> {
  const dataDir = path.resolve(env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const file = path.join(dataDir, "dev-chain.json");
  const deployment = await readDeployment(file);
  if (!deployment?.policy)
    throw new Error(`no policy demo recorded in ${file}: start dev mode (npm start) first`);
  const [chainId, genesis] = await Promise.all([client.getChainId(), client.getBlock({ blockNumber: 0n })]);
  if (chainId !== DEV_CHAIN_ID || genesis.hash !== deployment.genesisHash) {
    throw new Error(`${file} describes another chain than the RPC serves: restart dev mode (npm start)`);
  }
  return deployment.policy;
}
