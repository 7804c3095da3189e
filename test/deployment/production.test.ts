// O4: the production example of docs/deployment.md, run as written: sigil deploy over RPC to an
// external chain (a Hardhat node), migrations once, config check, two auth-api instances in
// production and the example venue behind nginx with TLS, a wallet sign-in over HTTPS, a revoke.
import { accessRegistryAbi } from "@sigil/chain";
import { seedDemoRoles } from "@sigil/chain/dev";
import { createSigilClient } from "@sigil/client";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent, fetch as undiciFetch } from "undici";
import { createWalletClient, defineChain, http, keccak256, stringToBytes, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { ensureDebianPackage } from "../fixtures/debian-package.js";
import { freePort } from "../fixtures/free-port.js";
import { type SecondChain, startSecondChain } from "../fixtures/second-chain.js";
import { type ServiceProcess, startServiceProcess } from "../faults/support/auth-api-process.js";
import { waitFor } from "../guard/support/wait.js";
import { runCli } from "./support/cli.js";
import { DEPLOYMENT_DIR, fillEnvTemplate, writeEnvFile } from "./support/env-template.js";
import { NGINX_PATH, type Nginx, startNginx } from "./support/nginx.js";
import { selfSignedCertificate } from "./support/tls.js";

const CHAIN_ID = 31360;
// Production needs a database server (DATABASE_URL); the proxy comes from Debian.
const skipReason = !process.env.TEST_DATABASE_URL
  ? "needs TEST_DATABASE_URL: production refuses embedded PGlite"
  : ensureDebianPackage({ binary: NGINX_PATH, pkg: "nginx-light" });
const withProduction = skipReason ? describe.skip : describe;
// The test client connects from another loopback address than nginx, so the address Sigil records
// shows whether it read X-Forwarded-For from the trusted proxy.
const CLIENT_ADDRESS = "127.0.0.5";

withProduction(`production deployment (docs/deployment.md)${skipReason ? ` — ${skipReason}` : ""}`, () => {
  let dir: string;
  let chain: SecondChain;
  let database: TestDataSource;
  let sigilEnv: Record<string, string>;
  const services: ServiceProcess[] = [];
  let nginx: Nginx | undefined;
  let sigilUrl: string;
  let venueUrl: string;
  let tls: Agent;
  const deployerKey = generatePrivateKey();
  const wallet = privateKeyToAccount(generatePrivateKey());
  let registry: Address;
  let accessToken: string;

  const sigilEnvFile = () => path.join(dir, "sigil.env");

  /** The registry's admin on the external chain (the deployer, as `sigil deploy` left it). */
  const governance = () =>
    createWalletClient({
      account: privateKeyToAccount(deployerKey),
      chain: defineChain({
        id: CHAIN_ID,
        name: "external",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [chain.url] } },
      }),
      transport: http(chain.url),
    });

  /** fetch through the proxy, trusting only the test's certificate, from {@link CLIENT_ADDRESS}. */
  const tlsFetch = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: tls })) as unknown as typeof fetch;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sigil-production-"));
    chain = await startSecondChain(CHAIN_ID);
    // A real chain makes blocks whether or not Sigil sends anything.
    await chain.publicClient.request({ method: "evm_setIntervalMining" as never, params: [300] as never });
    const deployer = privateKeyToAccount(deployerKey);
    await chain.wallet(0).sendTransaction({ to: deployer.address, value: 10n ** 19n });
    await writeFile(path.join(dir, "deployer.key"), `${deployerKey}\n`, { mode: 0o600 });
    await writeFile(path.join(dir, "kek"), `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    database = await createTestDataSource({ migrate: false });
    const certificate = await selfSignedCertificate(dir);
    tls = new Agent({ connect: { ca: certificate.pem }, localAddress: CLIENT_ADDRESS });
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(services.map((service) => service.kill()));
    await tls?.close();
    await chain?.stop();
    await database?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("O4: step 1, sigil deploy puts the contracts on the external chain over RPC", async () => {
    const deployed = await runCli(
      [
        ...["deploy", "--rpc", chain.url, "--chain-id", String(CHAIN_ID), "--name", "external"],
        // The governance of docs/deployment.md: a day's delay and a week's vote at 2 s blocks, 2 days' timelock.
        ...["--voting-delay", "43200", "--voting-period", "302400", "--timelock-delay", "172800"],
        ...["--record", path.join(dir, "deployment.json")],
      ],
      { SIGIL_DEPLOYER_KEY_FILE: path.join(dir, "deployer.key") },
    );
    expect(deployed).toMatchObject({ code: 0 });
    const lines = deployed.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { chainId: number; registry: Address };
    expect(entry).toMatchObject({ chainId: CHAIN_ID, rpcUrls: [chain.url] });
    registry = entry.registry;
    expect(await chain.publicClient.getCode({ address: registry })).toMatch(/^0x[0-9a-f]{100,}$/);

    // The venue's governance (here the deployer, the registry's admin) defines the trader role.
    await seedDemoRoles({
      publicClient: chain.publicClient,
      walletClient: governance(),
      registry,
      trader: wallet.address,
      viewer: privateKeyToAccount(generatePrivateKey()).address,
    });

    sigilUrl = `https://localhost:${await freePort()}`;
    venueUrl = `https://localhost:${await freePort()}`;
    sigilEnv = fillEnvTemplate("sigil.env.example", {
      SIGIL_ISSUER: sigilUrl,
      DATABASE_URL: (database.dataSource.options as { url: string }).url,
      SIGIL_KEK_FILE: path.join(dir, "kek"),
      SIGIL_CHAINS: `[${lines[0]}]`,
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
      SIGIL_METRICS_TOKEN: randomBytes(32).toString("hex"),
      SIGIL_RESOURCE_CLIENTS: JSON.stringify([{ id: "venue", secret: VENUE_SECRET }]),
    });
    await writeEnvFile(sigilEnvFile(), sigilEnv);
  }, 120_000);

  it("O4: step 2, config check lists every problem of the template as shipped, then of the database", async () => {
    // The file itself, as `node --env-file` reads it; the environment wins over it, as for PORT.
    const unfilled = await runCli(
      ["config", "check"],
      { SIGIL_ISSUER: "http://auth.venue.example" },
      path.join(DEPLOYMENT_DIR, "sigil.env.example"),
    );
    expect(unfilled.code).toBe(78);
    expect(problemVariables(unfilled.stderr)).toEqual([
      "SIGIL_CHAINS",
      "DATABASE_URL",
      "SIGIL_KEK",
      "SIGIL_METRICS_TOKEN",
      "SIGIL_ISSUER",
    ]);
    expect(unfilled.stderr).not.toMatch(/^\s+at /m);

    const unmigrated = await runCli(["config", "check", "--json"], {}, sigilEnvFile());
    expect(unmigrated.code).toBe(1);
    expect(failedChecks(unmigrated.stdout)).toEqual([["database", "database_not_migrated"]]);
  }, 60_000);

  it("O4: step 3, sigil migrate runs once, and config check then passes", async () => {
    const migrated = await runCli(["migrate"], {}, sigilEnvFile());
    expect(migrated).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^sigil migrate: applied \d+ /),
    });
    const checked = await runCli(["config", "check", "--json"], {}, sigilEnvFile());
    expect({ code: checked.code, failed: failedChecks(checked.stdout) }).toEqual({ code: 0, failed: [] });
  }, 60_000);

  it("O4: step 4, two instances and the venue start behind nginx; only TLS is public, metrics are not", async () => {
    // Test isolation only: the instances share one Redis prefix of their own.
    const prefix = { SIGIL_REDIS_PREFIX: `sigil-production-${randomBytes(4).toString("hex")}` };
    for (const _ of [1, 2]) {
      services.push(
        await startServiceProcess({
          script: "dist/apps/auth-api/src/main.js",
          nodeArgs: [`--env-file=${sigilEnvFile()}`],
          env: prefix,
          readyPath: "/health/ready",
        }),
      );
    }
    const venueEnv = fillEnvTemplate("venue.env.example", {
      VENUE_PUBLIC_URL: venueUrl,
      SIGIL_ISSUER: sigilUrl,
      SIGIL_JWKS_URL: `${sigilUrl}/.well-known/jwks.json`,
      SIGIL_REVOCATIONS_URL: `${sigilUrl}/v1/revocations`,
      VENUE_CLIENT_SECRET: VENUE_SECRET,
    });
    await writeEnvFile(path.join(dir, "venue.env"), venueEnv);
    const venueUpstreamPort = await freePort();
    const sigilPort = Number(new URL(sigilUrl).port);
    const venuePort = Number(new URL(venueUrl).port);
    nginx = await startNginx({
      runDir: dir,
      values: {
        NGINX_RUN_DIR: dir,
        TLS_CERTIFICATE: path.join(dir, "tls.crt"),
        TLS_CERTIFICATE_KEY: path.join(dir, "tls.key"),
        AUTH_API_1: new URL(services[0]!.url).host,
        AUTH_API_2: new URL(services[1]!.url).host,
        VENUE_UPSTREAM: `127.0.0.1:${venueUpstreamPort}`,
        SIGIL_LISTEN: `127.0.0.1:${sigilPort}`,
        SIGIL_SERVER_NAME: "localhost",
        VENUE_LISTEN: `127.0.0.1:${venuePort}`,
        VENUE_SERVER_NAME: "localhost",
      },
      ports: [sigilPort, venuePort],
    });
    // The venue reads Sigil's keys and revocations through the proxy, trusting its certificate.
    services.push(
      await startServiceProcess({
        script: "dist/apps/example-venue/src/main.js",
        nodeArgs: [`--env-file=${path.join(dir, "venue.env")}`],
        env: { NODE_EXTRA_CA_CERTS: path.join(dir, "tls.crt") },
        readyPath: "/health",
        port: venueUpstreamPort,
      }),
    );

    const ready = await tlsFetch(`${sigilUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect((await tlsFetch(`${sigilUrl}/.well-known/jwks.json`)).status).toBe(200);
    // Metrics answer each instance's scraper, never the public edge.
    expect((await tlsFetch(`${sigilUrl}/metrics`)).status).toBe(404);
    const scraped = await fetch(`${services[0]!.url}/metrics`, {
      headers: { authorization: `Bearer ${sigilEnv.SIGIL_METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    // Plain HTTP on the TLS port is refused by nginx itself, never passed to an instance.
    const plain = await fetch(`${sigilUrl.replace("https:", "http:")}/health/ready`);
    expect({ status: plain.status, type: plain.headers.get("content-type") }).toEqual({
      status: 400,
      type: "text/html",
    });
    // The venue is current with Sigil's keys and revocation feed, read over TLS.
    await waitFor(
      async () => {
        const health = (await (await tlsFetch(`${venueUrl}/health`)).json()) as { guard: { ready: boolean } };
        return health.guard.ready;
      },
      { timeoutMs: 15_000, everyMs: 200 },
    );
  }, 120_000);

  it("O4: step 5, a wallet signs in over HTTPS naming the proxy's domain; the venue accepts the token", async () => {
    const logins: string[] = [];
    const client = createSigilClient({
      baseUrl: sigilUrl,
      fetch: (async (input: string, init?: RequestInit) => {
        if (String(input).endsWith("/v1/auth/login")) logins.push(String(init?.body));
        // A client-chosen X-Forwarded-For must never reach Sigil as the client's address.
        return tlsFetch(input, {
          ...init,
          headers: { ...(init?.headers as object), "x-forwarded-for": "203.0.113.7" },
        });
      }) as typeof fetch,
    });
    const signer = createWalletClient({
      account: wallet,
      chain: governance().chain,
      transport: http(chain.url),
    });
    const tokens = await client.signIn({ walletClient: signer });
    const { message } = JSON.parse(logins[0]!) as { message: string };
    expect(message.split("\n")[0]).toBe(
      `${new URL(sigilUrl).host} wants you to sign in with your Ethereum account:`,
    );
    expect(message).toContain(`\nURI: ${sigilUrl}\n`);
    expect(message).toContain(`\nChain ID: ${CHAIN_ID}\n`);

    const orders = await tlsFetch(`${venueUrl}/orders`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(orders.status).toBe(200);
    // Either instance honours the session: keys and sessions live in the shared database.
    for (const instance of services.slice(0, 2)) {
      const me = await fetch(`${instance.url}/v1/me`, {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      expect(me.status).toBe(200);
    }
    // nginx replaced the client's X-Forwarded-For; Sigil trusted it from the proxy alone.
    const [session] = (await database.dataSource.query(
      `SELECT client_address FROM sessions ORDER BY created_at DESC LIMIT 1`,
    )) as { client_address: string }[];
    expect(session?.client_address).toBe(CLIENT_ADDRESS);
    accessToken = tokens.accessToken;
  }, 60_000);

  it("O4: step 6, a role revoked on-chain ends the session at the venue and at Sigil", async () => {
    const headers = { authorization: `Bearer ${accessToken}` };
    expect((await tlsFetch(`${venueUrl}/orders`, { headers })).status).toBe(200);
    await governance().writeContract({
      address: registry,
      abi: accessRegistryAbi,
      functionName: "revokeRole",
      args: [keccak256(stringToBytes("TRADER")), wallet.address],
    });
    await waitFor(async () => (await tlsFetch(`${venueUrl}/orders`, { headers })).status !== 200, {
      timeoutMs: 10_000,
      everyMs: 50,
    });
    expect((await tlsFetch(`${venueUrl}/orders`, { headers })).status).toBe(401);
    expect((await tlsFetch(`${sigilUrl}/v1/me`, { headers })).status).toBe(401);
  }, 60_000);
});

const VENUE_SECRET = randomBytes(32).toString("hex");

/** The variables `sigil config check` named, one per problem line. */
function problemVariables(stderr: string): string[] {
  return stderr
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(":")[0]!);
}

/** `[check, code]` of every failed live check of a `--json` report. */
function failedChecks(stdout: string): [string, string | undefined][] {
  const report = JSON.parse(stdout) as { checks?: { check: string; ok: boolean; code?: string }[] };
  return (report.checks ?? []).filter((c) => !c.ok).map((c) => [c.check.split(" ")[0]!, c.code]);
}
