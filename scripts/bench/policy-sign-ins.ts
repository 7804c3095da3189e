// `npm run bench:policy` (P8): sign-ins/s with a policy of five sources on two chains beside the
// registry-only figure, the policy read as JSON-RPC batches and as Multicall3 calls, all auth-apis on
// one database, rounds alternated in the same run.
import {
  deployPolicyDemoExternal,
  deployPolicyDemoOz,
  devAccount,
  DevAccountIndex,
  installMulticall3,
} from "@sigil/chain/dev";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createWalletClient, defineChain, http, keccak256, stringToBytes } from "viem";
import { hardhat } from "viem/chains";
import {
  type BenchChain,
  createDatabase,
  root,
  runBenchMain,
  startAuthApi,
  startChain,
  stopAll,
} from "./bench-environment.js";
import { makeWallets } from "./login-load.js";
import { measureSignInMatrix } from "./sign-in-matrix.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const rounds = Number(process.env.BENCH_SIGNIN_ROUNDS ?? 5);
const log = (line: string) => console.log(`[bench:policy ${new Date().toISOString().slice(11, 19)}] ${line}`);

const chainEntry = (chain: BenchChain, multicall3?: string) => ({
  chainId: chain.chainId,
  name: `bench-${chain.chainId}`,
  rpcUrls: [chain.url],
  registry: chain.registry,
  ...(multicall3 ? { multicall3 } : {}),
});

/** Deploys the demo sources: registry, AccessControl vault and NFT pass on `home`; ERC-20 and EAS on `far`. */
async function writePolicy(home: BenchChain, far: BenchChain): Promise<string> {
  const clients = (chain: BenchChain) => ({
    publicClient: chain.client,
    walletClient: createWalletClient({
      account: devAccount(DevAccountIndex.admin),
      chain: defineChain({ ...hardhat, id: chain.chainId }),
      transport: http(chain.url),
    }),
  });
  const oz = await deployPolicyDemoOz(clients(home));
  const farOz = await deployPolicyDemoOz(clients(far));
  const external = await deployPolicyDemoExternal({ ...clients(far), safeOwners: [devAccount(0).address] });
  const policy = {
    sources: {
      registry: { kind: "sigil-registry", chain: home.chainId, address: home.registry },
      vault: {
        kind: "access-control",
        chain: home.chainId,
        address: oz.vault,
        roles: { [keccak256(stringToBytes("TRADER_ROLE"))]: ["orders:write"] },
      },
      pass: { kind: "erc721", chain: home.chainId, address: oz.pass },
      votes: {
        kind: "erc20",
        chain: far.chainId,
        reach: "eoa-anywhere",
        address: farOz.token,
        measure: "votes",
        threshold: "100",
      },
      kyc: {
        kind: "eas",
        chain: far.chainId,
        reach: "eoa-anywhere",
        address: external.eas,
        schema: external.kycSchema,
        attesters: [devAccount(4).address],
        fromBlock: Number(external.deployedAtBlock),
      },
    },
    rules: [
      { id: "registry", scopesFrom: "registry" },
      { id: "vault", scopesFrom: "vault" },
      { id: "pass", scopes: ["positions:read"], when: [{ anyOf: ["pass", "votes"] }] },
      { id: "trade", scopes: ["orders:write"], when: ["kyc", { anyOf: ["votes", "pass"] }] },
    ],
  };
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), "sigil-bench-policy-")), "policy.json");
  await writeFile(file, JSON.stringify(policy, null, 2));
  return file;
}

async function main(): Promise<void> {
  log("building dist/ …");
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "ignore" });
  log("starting two Hardhat nodes (31337, 31338) and deploying the policy sources …");
  const [home, far] = await Promise.all([startChain(), startChain({ chainId: 31338 })]);
  const policyFile = await writePolicy(home, far);
  const database = await createDatabase();
  try {
    const chains = JSON.stringify([chainEntry(home), chainEntry(far)]);
    const multicall3 = await installMulticall3({ client: home.client });
    await installMulticall3({ client: far.client });
    const multicallChains = JSON.stringify([chainEntry(home, multicall3), chainEntry(far, multicall3)]);
    log("starting the registry-only auth-api and the policy auth-api on one database …");
    const registryOnly = await startAuthApi({ chain: home, databaseUrl: database.url });
    const withPolicy = await startAuthApi({
      chain: home,
      databaseUrl: database.url,
      env: { SIGIL_CHAINS: chains, SIGIL_POLICY: policyFile },
    });
    const withMulticall = await startAuthApi({
      chain: home,
      databaseUrl: database.url,
      env: { SIGIL_CHAINS: multicallChains, SIGIL_POLICY: policyFile },
    });
    const trader = devAccount(DevAccountIndex.trader);
    const wallets = makeWallets(200, [
      { address: trader.address, privateKey: trader.getHdKey().privateKey! },
    ]);
    log(`${rounds} alternated rounds of ${seconds} s each, ${concurrency} concurrent wallets …`);
    const figures = await measureSignInMatrix({
      targets: [
        { label: "registry only", url: registryOnly.url },
        { label: "policy: 5 sources on 2 chains", url: withPolicy.url },
        { label: "policy, multicall3 on both chains", url: withMulticall.url },
      ],
      flows: ["challenge"],
      wallets,
      rounds,
      seconds,
      concurrency,
      onProgress: (line) => log(`  ${line}`),
    });
    const [base, policy, multicall] = figures as [
      (typeof figures)[0],
      (typeof figures)[0],
      (typeof figures)[0],
    ];
    const fewer = 1 - policy.perSecond / base.perSecond;
    const row = (f: typeof base) =>
      `| ${f.target} | ${f.perSecond.toFixed(0)} | ${f.rounds.map((r) => r.toFixed(0)).join(", ")} | ${f.p50Ms.toFixed(0)} / ${f.p99Ms.toFixed(0)} ms | ${JSON.stringify(f.errors)} |`;
    const report = [
      `Sign-ins/s (challenge + login), median of ${rounds} alternated rounds of ${seconds} s, ${concurrency} clients, ${new Date().toISOString()}:`,
      "",
      "| configuration | sign-ins/s | rounds | p50 / p99 | errors |",
      "| --- | ---: | --- | --- | --- |",
      row(base),
      row(policy),
      row(multicall),
      "",
      `Policy vs registry only: ${(policy.perSecond / base.perSecond).toFixed(3)} (${(fewer * 100).toFixed(1)} % fewer; target ≤ 25 %: ${fewer <= 0.25 ? "met" : "missed"}).`,
      `Multicall3 vs JSON-RPC batches: ${(multicall.perSecond / policy.perSecond).toFixed(3)}.`,
    ].join("\n");
    console.log(`\n${report}\n`);
    await mkdir(path.join(root, "bench-results"), { recursive: true });
    await writeFile(path.join(root, "bench-results", "policy.md"), `${report}\n`);
    await writeFile(path.join(root, "bench-results", "policy.json"), JSON.stringify(figures, null, 2));
    await Promise.all([registryOnly.stop(), withPolicy.stop(), withMulticall.stop()]);
  } finally {
    await database.drop().catch(() => undefined);
    stopAll();
  }
}

runBenchMain(main);
