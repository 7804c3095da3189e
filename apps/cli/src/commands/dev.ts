import { ChainClients, readPolicy } from "@sigil/chain";
import { DEV_CHAIN_ID, devAccount, DevAccountIndex, installMulticall3 } from "@sigil/chain/dev";
import { loadPolicyFile } from "@sigil/config";
import type { Policy } from "@sigil/core";
import { createDataSource, describeDatabase } from "@sigil/persistence";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { ensureDevContracts } from "../dev/ensure-dev-contracts.js";
import { reconcileDevDatabase } from "../dev/reconcile-dev-database.js";
import { repoRoot } from "../dev/repo-root.js";
import { startService } from "../dev/start-service.js";
import { startDevChain } from "../dev/start-dev-chain.js";
import { writeDevPolicy } from "../dev/write-dev-policy.js";

const DATABASE_OUTCOME = {
  created: "new",
  kept: "kept: it matches the running chain",
  reset: "reset: the chain is new, so the previous dev data no longer matched it",
} as const;

/**
 * `sigil dev`: a local chain on 127.0.0.1:8545 with the contracts, demo roles and policy facts,
 * embedded Postgres under .data/, the auth-api on 127.0.0.1:3000 reading the dev policy, and the
 * example venue. Ctrl-C stops them.
 */
export async function dev(): Promise<void> {
  const dataDir = path.resolve(process.env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data"));
  const host = "127.0.0.1";
  const port = Number(process.env.PORT ?? 3000);
  const chain = await startDevChain({ host, port: Number(process.env.SIGIL_DEV_CHAIN_PORT ?? 8545) });
  let stopApi = async () => {};
  try {
    const { deployment, deployed } = await ensureDevContracts({
      client: chain.client,
      url: chain.url,
      dataDir,
    });

    // PGlite allows one process at a time: reconcile here, close, then hand the folder to the service.
    const pgliteDir = path.join(dataDir, "pglite");
    const databaseUrl = process.env.DATABASE_URL || undefined;
    const dataSource = createDataSource(databaseUrl ? { url: databaseUrl } : { dataDir: pgliteDir });
    const { kind, location } = describeDatabase(dataSource);
    await dataSource.initialize();
    const outcome = await reconcileDevDatabase({ dataSource, client: chain.client, deployment }).finally(() =>
      dataSource.destroy(),
    );

    // At the canonical address, as on mainnet: a sign-in's eth_calls go as one aggregate3 call.
    const multicall3 = await installMulticall3({ client: chain.client });
    const chains = [
      { chainId: DEV_CHAIN_ID, name: "dev", rpcUrls: [chain.url], registry: deployment.registry, multicall3 },
    ];
    const policyFile = await writeDevPolicy({ dataDir, deployment });
    // Checked here too, so a bad policy is reported before any service starts.
    const policy = loadPolicyFile({ path: policyFile, chainIds: [DEV_CHAIN_ID] });
    // The example venue authenticates to Sigil with a client secret made fresh for this run.
    const venueClient = { id: "example-venue", secret: randomBytes(24).toString("hex") };
    const venuePort = Number(process.env.SIGIL_DEV_VENUE_PORT ?? 3001);
    const issuer = `http://${host}:${port}`;
    const api = await startService({
      name: "auth-api",
      main: "apps/auth-api/src/main.js",
      readyPath: "/health/ready",
      url: issuer,
      env: {
        ...process.env,
        SIGIL_ENV: "development",
        HOST: host,
        PORT: String(port),
        SIGIL_DATA_DIR: dataDir,
        SIGIL_CHAINS: JSON.stringify(chains),
        SIGIL_POLICY: policyFile,
        SIGIL_RESOURCE_CLIENTS: JSON.stringify([venueClient]),
        SIGIL_DEMO_VENUE_URL: `http://${host}:${venuePort}`,
      },
    });
    const venue = await startService({
      name: "example-venue",
      main: "apps/example-venue/src/main.js",
      readyPath: "/health",
      url: `http://${host}:${venuePort}`,
      env: {
        ...process.env,
        HOST: host,
        PORT: String(venuePort),
        SIGIL_ISSUER: issuer,
        SIGIL_AUDIENCE: "urn:sigil:venue",
        SIGIL_JWKS_URL: `${issuer}/.well-known/jwks.json`,
        SIGIL_REVOCATIONS_URL: `${issuer}/v1/revocations`,
        VENUE_CLIENT_ID: venueClient.id,
        VENUE_CLIENT_SECRET: venueClient.secret,
        VENUE_CORS_ORIGINS: issuer,
        VENUE_PUBLIC_URL: `http://${host}:${venuePort}`,
      },
    }).catch(async (error: unknown) => {
      await api.stop();
      throw error;
    });
    stopApi = async () => {
      await venue.stop();
      await api.stop();
    };

    const accounts = await describeAccounts(
      new ChainClients(chains.map((c) => ({ ...c, timeoutMs: 5_000 }))),
      policy,
    );
    const sigil = `npm run sigil --${chain.url.endsWith(":8545") ? "" : ` --rpc ${chain.url}`}`;
    const trader = devAccount(DevAccountIndex.trader).address;
    console.log(
      [
        "",
        "Sigil dev mode",
        `  chain      ${chain.url}  id ${DEV_CHAIN_ID}, ${chain.startedHere ? "started here (new, in memory)" : "already running, reused"}`,
        `  contracts  ${deployed ? "deployed and seeded now" : `reused from ${path.join(dataDir, "dev-chain.json")}`}`,
        `             AccessRegistry ${deployment.registry}`,
        `             Governor ${deployment.governor}  Timelock ${deployment.timelock}  Token ${deployment.token}`,
        `             DevPass ${deployment.policy.pass}  EAS ${deployment.policy.eas}  KYC schema ${deployment.policy.kycSchema}`,
        `  policy     ${policyFile} (SIGIL_POLICY): orders:read from a registry role, positions:read`,
        "             from holding a DevPass (erc721), orders:write from a registry role AND KYC (eas)",
        `  database   ${kind === "pglite" ? "PGlite" : "PostgreSQL"} at ${location} (${DATABASE_OUTCOME[outcome]})`,
        `  auth-api   ${issuer}  (readiness: ${issuer}/health/ready, API docs: ${issuer}/docs)`,
        `  demo       ${issuer}/  sign in with a wallet (injected, or a dev wallet of the accounts below)`,
        `  venue      http://${host}:${venuePort}  example resource server trusting Sigil tokens (libs/guard)`,
        "  accounts   Hardhat's default mnemonic; scopes the policy grants now, and the facts they rest on:",
        ...accounts.map((line) => `    ${line}`),
        "  lose a fact on-chain: a live session narrows within a second (GET /v1/me, the venue answers 403):",
        `    ${sigil} dev revoke-kyc 1          the trader loses orders:write`,
        `    ${sigil} dev transfer-pass 1 3     the trader's DevPass goes to account 3, and positions:read with it`,
        `    ${sigil} roles revoke TRADER ${trader}   a revoked role ends the session`,
        "",
        "Ctrl-C stops the service and any chain started here.",
      ].join("\n"),
    );

    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
      api.process.once("exit", () => resolve());
      venue.process.once("exit", () => resolve());
    });
  } finally {
    await stopApi();
    await chain.stop();
  }
}

async function describeAccounts(chains: ChainClients, policy: Policy): Promise<string[]> {
  const chain = chains.get(DEV_CHAIN_ID);
  const head = await chain.client.getBlock({ blockTag: "latest" });
  const lines: string[] = [];
  for (const [label, index] of Object.entries(DevAccountIndex)) {
    const { address } = devAccount(index);
    const { evaluation, readings } = await readPolicy({
      policy,
      account: address,
      signInChainId: DEV_CHAIN_ID,
      walletKind: "eoa",
      chain: (id) => chains.get(id),
      blockOf: async () => ({ number: head.number, hash: head.hash }),
      now: new Date(),
    });
    const roles = evaluation.roles.map((role) => role.name).join(",") || "no role";
    const facts = Object.keys(policy.sources).filter(
      (id) => readings[id]?.applies && readings[id].answer.holds,
    );
    const grounds = evaluation.scopes.map(
      (scope) => `${scope} ← ${evaluation.provenance[scope]!.sources.map((s) => s.source).join("+")}`,
    );
    lines.push(
      `${index} ${label.padEnd(7)} ${address}  ${roles.padEnd(7)} [${evaluation.scopes.join(" ")}] at block ${head.number}`,
      `  ${" ".repeat(8)}facts held: ${facts.join(", ") || "none"}${grounds.length ? `; ${grounds.join(", ")}` : ""}`,
    );
  }
  return lines;
}
