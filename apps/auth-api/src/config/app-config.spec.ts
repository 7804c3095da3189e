import { ConfigInvalidError } from "@sigil/core";
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
    expect((error as ConfigInvalidError).details).toEqual({ key });
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
      },
    ]);
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
    [{ SIGIL_CHAINS: chains, SIGIL_ENV: "staging" }, "SIGIL_ENV"],
  ])("rejects %j naming %s", (env, key) => expectInvalid(env as Record<string, string>, key));

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
