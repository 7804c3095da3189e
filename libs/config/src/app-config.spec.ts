import { ConfigInvalidError } from "@sigil/core";
import { createDataSource } from "@sigil/persistence";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "./app-config.js";

const chains = JSON.stringify([
  {
    chainId: 31337,
    rpcUrls: ["http://127.0.0.1:8545"],
    registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  },
]);

function expectInvalid(env: Record<string, string>, key: string) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    const { problems } = (error as ConfigInvalidError).details as { problems: { key: string }[] };
    expect(problems.map((problem) => problem.key)).toContain(key);
    expect((error as Error).message).toContain(key);
    return;
  }
  throw new Error(`expected ${key} to be rejected`);
}

describe("loadConfig", () => {
  it("applies development defaults and checksums the registry address", () => {
    const config = loadConfig({ SIGIL_CHAINS: chains });
    expect(config).toMatchObject({
      env: "development",
      host: "127.0.0.1",
      port: 3000,
      databaseUrl: undefined,
    });
    expect(config.chains).toEqual([
      {
        chainId: 31337,
        name: "chain-31337",
        rpcUrls: ["http://127.0.0.1:8545"],
        registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        timeoutMs: 5000,
        confirmations: 0,
        fromBlock: 0,
        logRange: 1000,
      },
    ]);
    expect(config.roleSync).toEqual({
      enabled: true,
      pollMs: 250,
      maxStalenessMs: 10_000,
      leaderRetryMs: 1_000,
      reconcileIntervalMs: 300_000,
    });
  });

  it("names the offending key and never echoes its value", () => {
    expectInvalid({ SIGIL_CHAINS: chains, DATABASE_URL: "mysql://user:hunter2@db/x" }, "DATABASE_URL");
    expect(() => loadConfig({ SIGIL_CHAINS: chains, DATABASE_URL: "mysql://user:hunter2@db/x" })).toThrow(
      /^(?!.*hunter2)/,
    );
  });

  it.each([
    [{}, "SIGIL_CHAINS"],
    [{ SIGIL_CHAINS: "not json" }, "SIGIL_CHAINS"],
    [{ SIGIL_CHAINS: "[]" }, "SIGIL_CHAINS"],
    [
      { SIGIL_CHAINS: chains.replace("0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x1234") },
      "SIGIL_CHAINS.0.registry",
    ],
    [{ SIGIL_CHAINS: chains.replace("http://", "ws://") }, "SIGIL_CHAINS.0.rpcUrls.0"],
    [{ SIGIL_CHAINS: chains, PORT: "70000" }, "PORT"],
    [
      { SIGIL_CHAINS: chains.replace('"registry"', '"confirmations":-1,"registry"') },
      "SIGIL_CHAINS.0.confirmations",
    ],
    [
      { SIGIL_CHAINS: chains.replace('"registry"', '"multicall3":"0xca11","registry"') },
      "SIGIL_CHAINS.0.multicall3",
    ],
    [
      { SIGIL_CHAINS: chains.replace('"registry"', '"wsUrl":"http://127.0.0.1:8545","registry"') },
      "SIGIL_CHAINS.0.wsUrl",
    ],
    [{ SIGIL_CHAINS: chains, SIGIL_ROLE_SYNC_POLL_MS: "5" }, "SIGIL_ROLE_SYNC_POLL_MS"],
    [{ SIGIL_CHAINS: chains, SIGIL_ROLE_SYNC: "yes" }, "SIGIL_ROLE_SYNC"],
    [{ SIGIL_CHAINS: chains, SIGIL_ENV: "staging" }, "SIGIL_ENV"],
  ])("rejects %j naming %s", (env, key) => expectInvalid(env as Record<string, string>, key));

  it("checksums a chain's multicall3 address and leaves it out when unset", () => {
    const withMulticall = chains.replace(
      '"registry"',
      '"multicall3":"0xca11bde05977b3631167028862be2a173976ca11","registry"',
    );
    expect(loadConfig({ SIGIL_CHAINS: withMulticall }).chains[0]?.multicall3).toBe(
      "0xcA11bde05977b3631167028862bE2a173976CA11",
    );
    expect(loadConfig({ SIGIL_CHAINS: chains }).chains[0]).not.toHaveProperty("multicall3");
  });

  it("keeps a chain's ws:// or wss:// wsUrl and leaves it out when unset", () => {
    for (const url of ["ws://127.0.0.1:8545", "wss://rpc.example/ws"]) {
      const withWs = chains.replace('"registry"', `"wsUrl":"${url}","registry"`);
      expect(loadConfig({ SIGIL_CHAINS: withWs }).chains[0]?.wsUrl).toBe(url);
    }
    expect(loadConfig({ SIGIL_CHAINS: chains }).chains[0]).not.toHaveProperty("wsUrl");
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ SIGIL_CHAINS: chains, DATABASE_URL: "", PORT: "" })).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
    });
  });

  it("derives issuer, SIWE domain and URI from where it listens, and lets each be set", () => {
    const config = loadConfig({ SIGIL_CHAINS: chains, PORT: "4000" });
    expect(config.issuer).toBe("http://127.0.0.1:4000");
    expect(config.siwe).toEqual({ domain: "127.0.0.1:4000", uri: "http://127.0.0.1:4000" });
    const set = loadConfig({
      SIGIL_CHAINS: chains,
      SIGIL_ISSUER: "https://auth.venue.example/",
      SIGIL_SIWE_DOMAIN: "venue.example",
      SIGIL_SIWE_URI: "https://venue.example",
    });
    expect(set.issuer).toBe("https://auth.venue.example");
    expect(set.siwe).toEqual({ domain: "venue.example", uri: "https://venue.example" });
  });

  it("B5: refuses access tokens over 15 minutes and an absolute refresh lifetime under the idle one", () => {
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_ACCESS_TOKEN_TTL: "901" }, "SIGIL_ACCESS_TOKEN_TTL");
    expectInvalid(
      { SIGIL_CHAINS: chains, SIGIL_REFRESH_IDLE_TTL: "7200", SIGIL_REFRESH_ABSOLUTE_TTL: "3600" },
      "SIGIL_REFRESH_ABSOLUTE_TTL",
    );
  });

  it("A1: refuses nonce lifetimes over 10 minutes", () => {
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_NONCE_TTL: "601" }, "SIGIL_NONCE_TTL");
  });

  it("requires a 32-byte KEK in production and keeps only hashes of client secrets", () => {
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_ENV: "production" }, "SIGIL_KEK");
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_KEK: Buffer.alloc(16).toString("base64") }, "SIGIL_KEK");
    const secret = "s".repeat(40);
    const config = loadConfig({
      SIGIL_CHAINS: chains,
      SIGIL_RESOURCE_CLIENTS: JSON.stringify([{ id: "venue", secret }]),
    });
    expect(config.resourceClients).toHaveLength(1);
    expect(JSON.stringify(config)).not.toContain(secret);
    expectInvalid(
      { SIGIL_CHAINS: chains, SIGIL_RESOURCE_CLIENTS: JSON.stringify([{ id: "venue", secret: "short" }]) },
      "SIGIL_RESOURCE_CLIENTS.0.secret",
    );
  });

  it("rejects a chain configured twice", () => {
    const twice = JSON.stringify([...JSON.parse(chains), ...JSON.parse(chains)]);
    expectInvalid({ SIGIL_CHAINS: twice }, "SIGIL_CHAINS");
  });
});

describe("loadConfig: signing keys, KEK and production refusals", () => {
  const kek = randomBytes(32).toString("base64");
  const mainnet = JSON.stringify([
    { chainId: 1, rpcUrls: ["https://rpc.example"], registry: "0x1111111111111111111111111111111111111111" },
  ]);
  const production = {
    SIGIL_ENV: "production",
    DATABASE_URL: "postgres://sigil@db.internal:5432/sigil",
    SIGIL_CHAINS: mainnet,
    SIGIL_KEK: kek,
    SIGIL_ISSUER: "https://auth.venue.example",
    SIGIL_METRICS_TOKEN: "m".repeat(16) + "0123456789abcdef",
  };
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sigil-config-"));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a sound production setup and derives the rotation policy", () => {
    const config = loadConfig({ ...production, SIGIL_KEY_ROTATION_DAYS: "7", SIGIL_ACCESS_TOKEN_TTL: "600" });
    expect(config.kek).toEqual(Buffer.from(kek, "base64"));
    expect(config.keys).toEqual({
      previousKeks: [],
      rotationIntervalMs: 7 * 86_400_000,
      publishLeadMs: 600_000,
      retireAfterMs: (600 + 60) * 1000,
      pollMs: 5000,
    });
  });

  it.each([
    ["a missing KEK", { SIGIL_KEK: "" }, "SIGIL_KEK"],
    ["an all-zero KEK", { SIGIL_KEK: Buffer.alloc(32).toString("base64") }, "SIGIL_KEK"],
    ["a repeated-word KEK", { SIGIL_KEK: Buffer.from("changeme".repeat(4)).toString("base64") }, "SIGIL_KEK"],
    ["a plain-HTTP issuer", { SIGIL_ISSUER: "http://auth.venue.example" }, "SIGIL_ISSUER"],
    ["an issuer derived from HOST:PORT (http)", { SIGIL_ISSUER: "" }, "SIGIL_ISSUER"],
    ["a plain-HTTP SIWE URI", { SIGIL_SIWE_URI: "http://venue.example" }, "SIGIL_SIWE_URI"],
    [
      "the Hardhat dev chain",
      {
        SIGIL_CHAINS: chains.replace(
          "0x5fbdb2315678afecb367f032d93f642f64180aa3",
          "0x1111111111111111111111111111111111111111",
        ),
      },
      "SIGIL_CHAINS.0.chainId",
    ],
    [
      "the Hardhat dev deployment",
      {
        SIGIL_CHAINS: mainnet.replace(
          "0x1111111111111111111111111111111111111111",
          "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        ),
      },
      "SIGIL_CHAINS.0.registry",
    ],
    ["synchronize", { TYPEORM_SYNCHRONIZE: "true" }, "TYPEORM_SYNCHRONIZE"],
    ["public metrics (no SIGIL_METRICS_TOKEN)", { SIGIL_METRICS_TOKEN: "" }, "SIGIL_METRICS_TOKEN"],
    [
      "a publish lead shorter than the JWKS max-age",
      { SIGIL_KEY_PUBLISH_LEAD: "30" },
      "SIGIL_KEY_PUBLISH_LEAD",
    ],
  ])("production refuses %s, naming the setting", (_what, change, key) => {
    expectInvalid({ ...production, ...change }, key);
  });

  it("J9: the API docs are on outside production, off in production unless SIGIL_API_DOCS=true", () => {
    expect(loadConfig({ SIGIL_CHAINS: chains }).apiDocs).toBe(true);
    expect(loadConfig({ SIGIL_CHAINS: chains, SIGIL_ENV: "test" }).apiDocs).toBe(true);
    expect(loadConfig({ SIGIL_CHAINS: chains, SIGIL_API_DOCS: "false" }).apiDocs).toBe(false);
    expect(loadConfig(production).apiDocs).toBe(false);
    expect(loadConfig({ ...production, SIGIL_API_DOCS: "true" }).apiDocs).toBe(true);
    expectInvalid({ ...production, SIGIL_API_DOCS: "yes" }, "SIGIL_API_DOCS");
  });

  it("production refuses the development KEK file (dev keys), and reads a real KEK file", () => {
    const devFile = path.join(dir, "kek");
    writeFileSync(devFile, `${randomBytes(32).toString("base64")}\n`);
    expectInvalid(
      { ...production, SIGIL_KEK: "", SIGIL_KEK_FILE: devFile, SIGIL_DATA_DIR: dir },
      "SIGIL_KEK_FILE",
    );
    const real = path.join(dir, "kek.production");
    const value = randomBytes(32);
    writeFileSync(real, value.toString("base64"));
    const config = loadConfig({ ...production, SIGIL_KEK: "", SIGIL_KEK_FILE: real, SIGIL_DATA_DIR: dir });
    expect(config.kek).toEqual(value);
    expectInvalid({ ...production, SIGIL_KEK_FILE: real }, "SIGIL_KEK_FILE");
    expectInvalid(
      { ...production, SIGIL_KEK: "", SIGIL_KEK_FILE: path.join(dir, "missing") },
      "SIGIL_KEK_FILE",
    );
  });

  it("synchronize cannot be switched on by any configuration, in any mode", () => {
    expectInvalid({ SIGIL_CHAINS: chains, TYPEORM_SYNCHRONIZE: "true" }, "TYPEORM_SYNCHRONIZE");
    const options = createDataSource({}).options as { synchronize?: boolean; migrationsRun?: boolean };
    expect(options.synchronize).toBe(false);
    expect(options.migrationsRun).toBe(false);
  });

  it("takes former KEKs for a KEK rotation and refuses a publish lead shorter than two polls", () => {
    const previous = randomBytes(32);
    const config = loadConfig({
      SIGIL_CHAINS: chains,
      SIGIL_KEK: kek,
      SIGIL_KEK_PREVIOUS: previous.toString("base64"),
    });
    expect(config.keys.previousKeks).toEqual([previous]);
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_KEK_PREVIOUS: "short" }, "SIGIL_KEK_PREVIOUS.0");
    expectInvalid(
      { SIGIL_CHAINS: chains, SIGIL_KEY_PUBLISH_LEAD: "1", SIGIL_KEY_POLL_MS: "1000" },
      "SIGIL_KEY_PUBLISH_LEAD",
    );
  });

  it("development keeps working without a KEK (it keeps its own under the data folder)", () => {
    expect(loadConfig({ SIGIL_CHAINS: chains }).kek).toBeUndefined();
  });
});

describe("loadConfig: abuse protection, alerts and logs (issue 6)", () => {
  it("defaults: per-instance limits, no proxy trusted, bans after 10 violations, quiet logs in tests", () => {
    const config = loadConfig({ SIGIL_CHAINS: chains });
    expect(config.authRateLimit).toEqual({ perIpPerMinute: 60, perAddressPerMinute: 20 });
    expect(config.abuse).toEqual({
      authWindowSeconds: 60,
      apiPointsPerSecond: 0,
      tokenPerClient: 60,
      banThreshold: 10,
      banSeconds: 60,
      redisUrl: undefined,
      redisPrefix: "sigil",
      trustedProxies: [],
      alertWebhookUrl: undefined,
      failureBurst: 10,
      logLevel: "info",
    });
    expect(loadConfig({ SIGIL_CHAINS: chains, SIGIL_ENV: "test" }).abuse.logLevel).toBe("silent");
  });

  it("reads every setting, including a proxy list of IPs, CIDRs and named ranges", () => {
    const config = loadConfig({
      SIGIL_CHAINS: chains,
      SIGIL_AUTH_RATE_LIMIT_IP: "0",
      SIGIL_AUTH_RATE_LIMIT_ADDRESS: "5",
      SIGIL_AUTH_RATE_LIMIT_WINDOW: "10",
      SIGIL_RATE_LIMIT_API: "100",
      SIGIL_RATE_LIMIT_TOKEN: "20",
      SIGIL_RATE_LIMIT_BAN_THRESHOLD: "0",
      SIGIL_RATE_LIMIT_BAN_SECONDS: "300",
      REDIS_URL: "rediss://:pw@redis.internal:6380/2",
      SIGIL_REDIS_PREFIX: "sigil:prod",
      SIGIL_TRUSTED_PROXIES: " loopback, 10.0.0.0/8 ,::1, fd00::/8,",
      SIGIL_ALERT_WEBHOOK_URL: "https://alerts.example/hook",
      SIGIL_ALERT_FAILURE_BURST: "3",
      SIGIL_LOG_LEVEL: "debug",
    });
    expect(config.authRateLimit).toEqual({ perIpPerMinute: 0, perAddressPerMinute: 5 });
    expect(config.abuse).toEqual({
      authWindowSeconds: 10,
      apiPointsPerSecond: 100,
      tokenPerClient: 20,
      banThreshold: 0,
      banSeconds: 300,
      redisUrl: "rediss://:pw@redis.internal:6380/2",
      redisPrefix: "sigil:prod",
      trustedProxies: ["loopback", "10.0.0.0/8", "::1", "fd00::/8"],
      alertWebhookUrl: "https://alerts.example/hook",
      failureBurst: 3,
      logLevel: "debug",
    });
  });

  it.each([
    ["SIGIL_AUTH_RATE_LIMIT_IP", "-1"],
    ["SIGIL_AUTH_RATE_LIMIT_ADDRESS", "many"],
    ["SIGIL_AUTH_RATE_LIMIT_WINDOW", "0"],
    ["SIGIL_AUTH_RATE_LIMIT_WINDOW", "3601"],
    ["SIGIL_RATE_LIMIT_API", "1.5"],
    ["SIGIL_RATE_LIMIT_TOKEN", "-1"],
    ["SIGIL_RATE_LIMIT_BAN_THRESHOLD", "-2"],
    ["SIGIL_RATE_LIMIT_BAN_SECONDS", "0"],
    ["SIGIL_RATE_LIMIT_BAN_SECONDS", "86401"],
    ["REDIS_URL", "http://redis.internal:6379"],
    ["SIGIL_REDIS_PREFIX", "sigil prod"],
    ["SIGIL_ALERT_WEBHOOK_URL", "ftp://alerts.example/hook"],
    ["SIGIL_ALERT_FAILURE_BURST", "-1"],
    ["SIGIL_LOG_LEVEL", "loud"],
  ])("refuses %s=%j and names the key", (key, value) => {
    expectInvalid({ SIGIL_CHAINS: chains, [key]: value }, key);
  });

  it("J7: sweeps expired nonces every minute, 1,000 rows a batch, unless told otherwise", () => {
    expect(loadConfig({ SIGIL_CHAINS: chains }).sweep).toEqual({ intervalMs: 60_000, batchSize: 1_000 });
    const config = loadConfig({
      SIGIL_CHAINS: chains,
      SIGIL_SWEEP_INTERVAL_MS: "0",
      SIGIL_SWEEP_BATCH_SIZE: "250",
    });
    expect(config.sweep).toEqual({ intervalMs: 0, batchSize: 250 });
    for (const [key, value] of [
      ["SIGIL_SWEEP_INTERVAL_MS", "-1"],
      ["SIGIL_SWEEP_INTERVAL_MS", "86400001"],
      ["SIGIL_SWEEP_BATCH_SIZE", "9"],
      ["SIGIL_SWEEP_BATCH_SIZE", "lots"],
    ]) {
      expectInvalid({ SIGIL_CHAINS: chains, [key!]: value! }, key!);
    }
  });

  it("names the first bad entry of SIGIL_TRUSTED_PROXIES (a hostname, a too-wide prefix)", () => {
    expectInvalid(
      { SIGIL_CHAINS: chains, SIGIL_TRUSTED_PROXIES: "10.0.0.1, proxy.example" },
      "SIGIL_TRUSTED_PROXIES.1",
    );
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_TRUSTED_PROXIES: "10.0.0.0/33" }, "SIGIL_TRUSTED_PROXIES.0");
    expectInvalid({ SIGIL_CHAINS: chains, SIGIL_TRUSTED_PROXIES: "::/129" }, "SIGIL_TRUSTED_PROXIES.0");
  });

  it("bots: step-up age 300 s, signed-request window 5 s (A10: at most 60), API keys at most 90 days", () => {
    expect(loadConfig({ SIGIL_CHAINS: chains }).bots).toEqual({
      stepUpMaxAgeSeconds: 300,
      signedRequestWindowSeconds: 5,
      apiKeyMaxTtlSeconds: 7_776_000,
    });
    const set = loadConfig({
      SIGIL_CHAINS: chains,
      SIGIL_STEP_UP_MAX_AGE: "60",
      SIGIL_SIGNED_REQUEST_WINDOW: "60",
      SIGIL_API_KEY_MAX_TTL: "86400",
    });
    expect(set.bots).toEqual({
      stepUpMaxAgeSeconds: 60,
      signedRequestWindowSeconds: 60,
      apiKeyMaxTtlSeconds: 86_400,
    });
  });

  it.each([
    ["SIGIL_SIGNED_REQUEST_WINDOW", "61"],
    ["SIGIL_SIGNED_REQUEST_WINDOW", "0"],
    ["SIGIL_STEP_UP_MAX_AGE", "10"],
    ["SIGIL_API_KEY_MAX_TTL", "forever"],
  ])("bots: refuses %s=%j and names the key", (key, value) => {
    expectInvalid({ SIGIL_CHAINS: chains, [key]: value }, key);
  });

  it("never echoes a Redis password from an invalid REDIS_URL", () => {
    const message = (() => {
      try {
        loadConfig({ SIGIL_CHAINS: chains, REDIS_URL: "http://:hunter2@redis:6379" });
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    })();
    expect(message).toContain("REDIS_URL");
    expect(message).not.toContain("hunter2");
  });
});

describe("loadConfig: every problem at once (O1)", () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigInvalidError);
      return error as ConfigInvalidError;
    }
    throw new Error("expected the configuration to be refused");
  };

  it("O1: production with nothing set names every variable it needs, one line each, with examples", () => {
    const error = problemsOf({ SIGIL_ENV: "production" });
    expect((error.details as { problems: unknown }).problems).toEqual([
      { key: "SIGIL_CHAINS", problem: "required" },
      { key: "DATABASE_URL", problem: expect.stringContaining("required in production") },
      { key: "SIGIL_KEK", problem: expect.stringContaining("required in production") },
      { key: "SIGIL_METRICS_TOKEN", problem: expect.stringContaining("required in production") },
      { key: "SIGIL_ISSUER", problem: expect.stringContaining("required in production") },
    ]);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("configuration: 5 problems (see docs/configuration.md)");
    expect(lines.slice(1).map((line) => line.trim().split(":")[0])).toEqual([
      "SIGIL_CHAINS",
      "DATABASE_URL",
      "SIGIL_KEK",
      "SIGIL_METRICS_TOKEN",
      "SIGIL_ISSUER",
    ]);
    expect(lines[1]).toContain('e.g. [{"chainId":1,');
    expect(lines[3]).toContain("openssl rand -base64 32");
  });

  it("O1: several bad values are all reported, and no value is echoed (a KEK is a secret)", () => {
    const secret = Buffer.from("not-thirty-two-bytes-of-secret").toString("base64");
    const error = problemsOf({
      SIGIL_CHAINS: chains,
      PORT: "eighty",
      SIGIL_ACCESS_TOKEN_TTL: "5",
      SIGIL_KEK: secret,
      SIGIL_RESOURCE_CLIENTS: '[{"id":"venue","secret":"too-short-secret"}]',
    });
    const keys = (error.details as { problems: { key: string }[] }).problems.map((problem) => problem.key);
    expect(keys).toEqual(["PORT", "SIGIL_KEK", "SIGIL_ACCESS_TOKEN_TTL", "SIGIL_RESOURCE_CLIENTS.0.secret"]);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain("too-short-secret");
    expect(error.message).not.toContain("eighty");
  });

  it("O1: checks across variables run once every variable parses, and report together", () => {
    const error = problemsOf({
      SIGIL_ENV: "production",
      SIGIL_CHAINS: chains,
      SIGIL_ISSUER: "http://auth.venue.example",
      SIGIL_REFRESH_IDLE_TTL: "7200",
      SIGIL_REFRESH_ABSOLUTE_TTL: "3600",
    });
    expect((error.details as { problems: { key: string }[] }).problems.map((problem) => problem.key)).toEqual(
      [
        "SIGIL_REFRESH_ABSOLUTE_TTL",
        "DATABASE_URL",
        "SIGIL_KEK",
        "SIGIL_METRICS_TOKEN",
        "SIGIL_ISSUER",
        "SIGIL_CHAINS.0.chainId",
        "SIGIL_CHAINS.0.registry",
      ],
    );
  });

  it("O1: production's refusals of a parsed value are listed beside other variables' parse problems", () => {
    const error = problemsOf({
      SIGIL_ENV: "production",
      SIGIL_CHAINS: "[{chainId: 1}]",
      SIGIL_ISSUER: "http://auth.venue.example",
      SIGIL_KEY_PUBLISH_LEAD: "30",
      DATABASE_URL: "postgres://db/sigil",
      SIGIL_KEK: Buffer.alloc(32, 7).toString("base64"),
      SIGIL_METRICS_TOKEN: "m".repeat(32),
    });
    expect((error.details as { problems: { key: string }[] }).problems.map((problem) => problem.key)).toEqual(
      ["SIGIL_CHAINS", "SIGIL_ISSUER", "SIGIL_KEY_PUBLISH_LEAD"],
    );
  });
});
