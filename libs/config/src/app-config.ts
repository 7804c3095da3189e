import { ConfigInvalidError, type Policy, registryPolicy } from "@sigil/core";
import { type ConfigProblem, configInvalid, problemsOf } from "./config-problems.js";
import { loadPolicyFile } from "./policy/load-policy-file.js";
import { weakKekReason } from "@sigil/sessions";
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ChainConfig } from "@sigil/chain";
import type { DemoPageConfig } from "./demo-config.js";
import { type Address, getAddress, isAddress, isAddressEqual } from "viem";
import { z } from "zod";
import { JWKS_MAX_AGE_SECONDS } from "./jwks-max-age.js";

const chainSchema = z.object({
  chainId: z.number().int().positive(),
  name: z.string().min(1).optional(),
  rpcUrls: z.array(z.url({ protocol: /^https?$/ })).min(1),
  registry: z
    .string()
    .refine((value) => isAddress(value, { strict: false }), "must be a 20-byte hex address"),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  /** Role sync: blocks an event must be buried under before it is applied. */
  confirmations: z.number().int().min(0).max(256).default(0),
  /** Role sync: the registry's deployment block (where indexing starts). */
  fromBlock: z.number().int().min(0).default(0),
  /** Role sync: most blocks per eth_getLogs. */
  logRange: z.number().int().min(1).max(100_000).default(1_000),
  /** A Multicall3 (`aggregate3`) contract: a sign-in's reads of the chain go as one eth_call. */
  multicall3: z
    .string()
    .refine((value) => isAddress(value, { strict: false }), "must be a 20-byte hex address")
    .optional(),
  /** Role sync follows new heads by subscription here (ws:// or wss://), polling rpcUrls besides. */
  wsUrl: z.url({ protocol: /^wss?$/ }).optional(),
});

const booleanString = z.enum(["true", "false"]).transform((value) => value === "true");
const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const clientSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "client id: 1-64 of [A-Za-z0-9._-]"),
  secret: z.string().min(32, "client secret: at least 32 characters"),
});

const jsonArray = <T extends z.ZodType>(item: T, min: number) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a JSON array" });
        return z.NEVER;
      }
    })
    .pipe(z.array(item).min(min));

const envSchema = z.object({
  SIGIL_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  SIGIL_DATA_DIR: z.string().min(1).default(".data"),
  SIGIL_MIGRATE_ON_START: booleanString.default(true),
  SIGIL_CHAINS: jsonArray(chainSchema, 1),
  SIGIL_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  SIGIL_AUDIENCE: z.string().min(1).default("urn:sigil:venue"),
  SIGIL_SIWE_DOMAIN: z.string().min(1).optional(),
  SIGIL_SIWE_URI: z.url({ protocol: /^https?$/ }).optional(),
  SIGIL_KEK: z
    .string()
    .refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes, base64-encoded")
    .optional(),
  SIGIL_KEK_FILE: z.string().min(1).optional(),
  SIGIL_KEK_PREVIOUS: z
    .string()
    .transform((value) => value.split(",").map((item) => item.trim()))
    .pipe(
      z.array(
        z
          .string()
          .refine((v) => Buffer.from(v, "base64").length === 32, "each must be 32 bytes, base64-encoded"),
      ),
    )
    .optional(),
  SIGIL_KEY_ROTATION_DAYS: z.coerce.number().min(0).max(365).default(30),
  SIGIL_KEY_PUBLISH_LEAD: z.coerce.number().min(0.05).max(86_400).default(600),
  SIGIL_KEY_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(5_000),
  // Never honoured (the schema belongs to the migrations); declared so that setting it is refused.
  TYPEORM_SYNCHRONIZE: z.string().optional(),
  SIGIL_ACCESS_TOKEN_TTL: seconds(60, 900, 600),
  SIGIL_REFRESH_IDLE_TTL: seconds(300, 30 * 86_400, 86_400),
  SIGIL_REFRESH_ABSOLUTE_TTL: seconds(300, 90 * 86_400, 7 * 86_400),
  SIGIL_REFRESH_REUSE_GRACE: seconds(0, 60, 10),
  SIGIL_NONCE_TTL: seconds(30, 600, 300),
  SIGIL_BLOCK_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  SIGIL_RESOURCE_CLIENTS: jsonArray(clientSchema, 0).default([]),
  SIGIL_AUTH_RATE_LIMIT_IP: z.coerce.number().int().min(0).default(60),
  SIGIL_AUTH_RATE_LIMIT_ADDRESS: z.coerce.number().int().min(0).default(20),
  SIGIL_AUTH_RATE_LIMIT_WINDOW: seconds(1, 3_600, 60),
  SIGIL_RATE_LIMIT_API: z.coerce.number().int().min(0).default(0),
  SIGIL_RATE_LIMIT_TOKEN: z.coerce.number().int().min(0).default(60),
  SIGIL_RATE_LIMIT_BAN_THRESHOLD: z.coerce.number().int().min(0).default(10),
  SIGIL_RATE_LIMIT_BAN_SECONDS: seconds(1, 86_400, 60),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  SIGIL_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default("sigil"),
  SIGIL_TRUSTED_PROXIES: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine(isProxySpec, "each entry: an IP, a CIDR, loopback, linklocal or uniquelocal"),
      ),
    )
    .default([]),
  SIGIL_ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  SIGIL_ALERT_FAILURE_BURST: z.coerce.number().int().min(0).default(10),
  SIGIL_METRICS_TOKEN: z.string().min(32, "SIGIL_METRICS_TOKEN: at least 32 characters").optional(),
  SIGIL_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  SIGIL_ROLE_SYNC: booleanString.default(true),
  SIGIL_ROLE_SYNC_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(250),
  SIGIL_ROLE_SYNC_MAX_STALENESS_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  SIGIL_ROLE_SYNC_LEADER_RETRY_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  SIGIL_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  SIGIL_DEMO_PAGE: booleanString.optional(),
  SIGIL_API_DOCS: booleanString.optional(),
  SIGIL_DEMO_VENUE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SIGIL_STEP_UP_MAX_AGE: z.coerce.number().int().min(30).max(86_400).default(300),
  SIGIL_SIGNED_REQUEST_WINDOW: z.coerce.number().int().min(1).max(60).default(5),
  SIGIL_API_KEY_MAX_TTL: z.coerce.number().int().min(60).max(31_536_000).default(7_776_000),
  SIGIL_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  SIGIL_SWEEP_BATCH_SIZE: z.coerce.number().int().min(10).max(100_000).default(1_000),
  SIGIL_POLICY: z.string().min(1).optional(),
});

/** Bots: delegations, DPoP and API keys (issue 5). */
export interface BotConfig {
  /** Creating delegations or API keys needs a wallet sign-in at most this old, in seconds (C6). */
  stepUpMaxAgeSeconds: number;
  /** Signed API requests: accepted timestamp age, in seconds (A10: default 5, at most 60). */
  signedRequestWindowSeconds: number;
  /** Longest API-key lifetime, in seconds. */
  apiKeyMaxTtlSeconds: number;
}

/** Defaults of {@link BotConfig}, for code that builds an {@link AppConfig} by hand. */
export const DEFAULT_BOT_CONFIG: BotConfig = {
  stepUpMaxAgeSeconds: 300,
  signedRequestWindowSeconds: 5,
  apiKeyMaxTtlSeconds: 7_776_000,
};

/** Background deletion of expired nonces and replay keys (J7). */
export interface SweepConfig {
  /** Time between sweeps, in ms; 0 = never (another instance or a cron job must sweep). */
  intervalMs: number;
  /** Rows deleted per transaction. */
  batchSize: number;
}

export const DEFAULT_SWEEP_CONFIG: SweepConfig = { intervalMs: 60_000, batchSize: 1_000 };

/** Lifetimes, in seconds. */
export interface TokenLifetimes {
  accessToken: number;
  refreshIdle: number;
  refreshAbsolute: number;
  /** A rotated refresh token replayed within this window is treated as a lost response, not theft. */
  refreshReuseGrace: number;
  nonce: number;
}

/** A resource server allowed to introspect tokens and read the revocation feed. */
export interface ResourceClient {
  id: string;
  /** SHA-256 of the secret: the secret itself is not kept in memory after boot. */
  secretHash: Buffer;
}

/** Signing-key rotation and KEK settings (docs/keys-and-secrets.md). */
export interface SigningKeyConfig {
  /** Former KEKs still accepted for unwrapping while `sigil kek rewrap` moves data keys off them. */
  previousKeks: Buffer[];
  /** Rotate when the active key is this old; 0 = only `sigil keys rotate`. */
  rotationIntervalMs: number;
  /** A new key is in the JWKS this long before it signs. */
  publishLeadMs: number;
  /** A superseded key stays in the JWKS this long after its successor activates. */
  retireAfterMs: number;
  /** How often each instance re-reads the keys table. */
  pollMs: number;
}

/** Verifiers may disagree with our clock by this much (added to the retirement delay). */
export const KEY_CLOCK_SKEW_SECONDS = 60;

/** Chain role sync (the event follower and what it does to live sessions). */
export interface RoleSyncConfig {
  /** Follow registry events and apply them to sessions (off: roles are read at login and refresh only). */
  enabled: boolean;
  /** How often the leader polls each chain's head. */
  pollMs: number;
  /** Scope-bearing requests get 503 when a chain's roles were last confirmed longer ago than this. */
  maxStalenessMs: number;
  /** How often a standby instance tries to become the follower of a chain. */
  leaderRetryMs: number;
  /** How often the leader compares indexed roles with direct reads; 0 = never. */
  reconcileIntervalMs: number;
}

/** Abuse protection and monitoring (issue 6): shared limits, bans, proxies, alerts, logs. */
export interface AbuseProtectionConfig {
  /** Window of `authRateLimit`'s two budgets, in seconds. */
  authWindowSeconds: number;
  /** Route-weight points per second per caller on every route; 0 = off. */
  apiPointsPerSecond: number;
  /** Calls per client address per `authWindowSeconds` to the bot token routes and revocation; 0 = off. */
  tokenPerClient: number;
  /** Limit violations within 10 minutes that earn a ban; 0 = never ban. */
  banThreshold: number;
  /** First ban; each further ban within a day doubles it (at most a day). */
  banSeconds: number;
  /** Shared limit store; undefined = per-instance memory. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Express `trust proxy` entries; empty = X-Forwarded-For is ignored. */
  trustedProxies: string[];
  alertWebhookUrl: string | undefined;
  /** Sign-in failures per wallet or client address within a minute that raise an alert; 0 = off. */
  failureBurst: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Bearer token `GET /metrics` requires; undefined = the route is public. */
  metricsToken: string | undefined;
}

/** Entries Express's `trust proxy` accepts: an IP, a CIDR or a named range. */
function isProxySpec(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [ip, bits, extra] = entry.split("/");
  const version = isIP(ip ?? "");
  if (version === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/** Validated configuration, read once at boot. The class is the DI token. */
export class AppConfig {
  constructor(
    readonly env: "development" | "test" | "production",
    readonly host: string,
    readonly port: number,
    /** Postgres URL; undefined means embedded PGlite under `dataDir`. */
    readonly databaseUrl: string | undefined,
    readonly dataDir: string,
    readonly migrateOnStart: boolean,
    readonly chains: ChainConfig[],
    /** Token `iss`, and the base of the metadata URLs. */
    readonly issuer: string,
    readonly audience: string,
    /** SIWE domain and URI expected in every login message (never taken from a Host header). */
    readonly siwe: { domain: string; uri: string },
    /** Key-encryption key; undefined outside production means "keep one under dataDir". */
    readonly kek: Buffer | undefined,
    readonly lifetimes: TokenLifetimes,
    readonly blockCacheMs: number,
    readonly resourceClients: ResourceClient[],
    /** Requests per minute on the sign-in routes; 0 switches a limit off (benchmarks only). */
    readonly authRateLimit: { perIpPerMinute: number; perAddressPerMinute: number },
    readonly roleSync: RoleSyncConfig,
    readonly keys: SigningKeyConfig,
    readonly abuse: AbuseProtectionConfig,
    /** The "Sign in with wallet" demo page at `/` (dev mode). */
    readonly demo: DemoPageConfig,
    readonly bots: BotConfig = DEFAULT_BOT_CONFIG,
    /** The OpenAPI document (`/openapi.json`, `/docs-yaml`) and its browser at `/docs`. */
    readonly apiDocs: boolean = true,
    readonly sweep: SweepConfig = DEFAULT_SWEEP_CONFIG,
    /** Which on-chain facts confer which scopes (`SIGIL_POLICY`); by default each chain's registry. */
    readonly policy: Policy = registryPolicy(chains),
  ) {}
}

/**
 * Validates the environment and builds {@link AppConfig}. Throws one {@link ConfigInvalidError}
 * listing every problem found (`details.problems`: variable and what is wrong, never its value).
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable means "not set" (what `FOO= cmd` and most orchestrators produce).
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const { values, problems } = parseEachVariable(envSchema, present);
  const production = (values.SIGIL_ENV ?? present.SIGIL_ENV) === "production";
  // Every variable is read before anything is refused, so one run names every problem.
  if (problems.length > 0) {
    if (production) problems.push(...missingInProduction(present), ...weakInProduction(values));
    throw configInvalid(problems);
  }
  const e = values as Env;
  const chains = e.SIGIL_CHAINS.map((chain) => ({
    chainId: chain.chainId,
    name: chain.name ?? `chain-${chain.chainId}`,
    rpcUrls: chain.rpcUrls,
    registry: getAddress(chain.registry),
    timeoutMs: chain.timeoutMs,
    confirmations: chain.confirmations,
    fromBlock: chain.fromBlock,
    logRange: chain.logRange,
    ...(chain.multicall3 ? { multicall3: getAddress(chain.multicall3) } : {}),
    ...(chain.wsUrl ? { wsUrl: chain.wsUrl } : {}),
  }));
  const duplicate = chains.find((chain, i) => chains.findIndex((c) => c.chainId === chain.chainId) !== i);
  if (duplicate) problems.push({ key: "SIGIL_CHAINS", problem: `chain ${duplicate.chainId} appears twice` });
  const issuer = (e.SIGIL_ISSUER ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, "");
  if (e.SIGIL_REFRESH_ABSOLUTE_TTL < e.SIGIL_REFRESH_IDLE_TTL) {
    problems.push({ key: "SIGIL_REFRESH_ABSOLUTE_TTL", problem: "must not be shorter than the idle TTL" });
  }
  const kek = collect(problems, () => resolveKek(e));
  if (production) problems.push(...missingInProduction(present), ...weakInProduction(e));
  if (problems.length > 0) throw configInvalid(problems);
  // A policy file's own error lists its fields' paths (`sigil policy check` prints them as they are).
  const policy = e.SIGIL_POLICY
    ? loadPolicyFile({ path: e.SIGIL_POLICY, chainIds: chains.map((chain) => chain.chainId) })
    : registryPolicy(chains);
  return new AppConfig(
    e.SIGIL_ENV,
    e.HOST,
    e.PORT,
    e.DATABASE_URL,
    e.SIGIL_DATA_DIR,
    e.SIGIL_MIGRATE_ON_START,
    chains,
    issuer,
    e.SIGIL_AUDIENCE,
    { domain: e.SIGIL_SIWE_DOMAIN ?? new URL(issuer).host, uri: e.SIGIL_SIWE_URI ?? issuer },
    kek,
    {
      accessToken: e.SIGIL_ACCESS_TOKEN_TTL,
      refreshIdle: e.SIGIL_REFRESH_IDLE_TTL,
      refreshAbsolute: e.SIGIL_REFRESH_ABSOLUTE_TTL,
      refreshReuseGrace: e.SIGIL_REFRESH_REUSE_GRACE,
      nonce: e.SIGIL_NONCE_TTL,
    },
    e.SIGIL_BLOCK_CACHE_MS,
    e.SIGIL_RESOURCE_CLIENTS.map((client) => ({
      id: client.id,
      secretHash: createHash("sha256").update(client.secret).digest(),
    })),
    { perIpPerMinute: e.SIGIL_AUTH_RATE_LIMIT_IP, perAddressPerMinute: e.SIGIL_AUTH_RATE_LIMIT_ADDRESS },
    {
      enabled: e.SIGIL_ROLE_SYNC,
      pollMs: e.SIGIL_ROLE_SYNC_POLL_MS,
      maxStalenessMs: e.SIGIL_ROLE_SYNC_MAX_STALENESS_MS,
      leaderRetryMs: e.SIGIL_ROLE_SYNC_LEADER_RETRY_MS,
      reconcileIntervalMs: e.SIGIL_RECONCILE_INTERVAL_MS,
    },
    signingKeyConfig(e),
    {
      authWindowSeconds: e.SIGIL_AUTH_RATE_LIMIT_WINDOW,
      apiPointsPerSecond: e.SIGIL_RATE_LIMIT_API,
      tokenPerClient: e.SIGIL_RATE_LIMIT_TOKEN,
      banThreshold: e.SIGIL_RATE_LIMIT_BAN_THRESHOLD,
      banSeconds: e.SIGIL_RATE_LIMIT_BAN_SECONDS,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.SIGIL_REDIS_PREFIX,
      trustedProxies: e.SIGIL_TRUSTED_PROXIES,
      alertWebhookUrl: e.SIGIL_ALERT_WEBHOOK_URL,
      failureBurst: e.SIGIL_ALERT_FAILURE_BURST,
      // Tests keep quiet unless asked: a JSON line per request would drown their output.
      logLevel: e.SIGIL_LOG_LEVEL ?? (e.SIGIL_ENV === "test" ? "silent" : "info"),
      metricsToken: e.SIGIL_METRICS_TOKEN,
    },
    // Off unless asked for, except in development, where `npm start` shows it.
    { enabled: e.SIGIL_DEMO_PAGE ?? e.SIGIL_ENV === "development", venueUrl: e.SIGIL_DEMO_VENUE_URL },
    {
      stepUpMaxAgeSeconds: e.SIGIL_STEP_UP_MAX_AGE,
      signedRequestWindowSeconds: e.SIGIL_SIGNED_REQUEST_WINDOW,
      apiKeyMaxTtlSeconds: e.SIGIL_API_KEY_MAX_TTL,
    },
    // A map of every route for whoever asks: production serves it only when asked to.
    e.SIGIL_API_DOCS ?? e.SIGIL_ENV !== "production",
    { intervalMs: e.SIGIL_SWEEP_INTERVAL_MS, batchSize: e.SIGIL_SWEEP_BATCH_SIZE },
    policy,
  );
}

type Env = z.infer<typeof envSchema>;

function parseEnv<S extends z.ZodType>(schema: S, present: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(present);
  if (!parsed.success) throw configInvalid(parsed.error.issues.map(problemOf));
  return parsed.data;
}

/** Each variable of `schema` parsed on its own, so that one bad variable hides no other. */
function parseEachVariable<S extends z.ZodObject>(
  schema: S,
  present: Record<string, string | undefined>,
): { values: Partial<z.infer<S>>; problems: ConfigProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const parsed = field.safeParse(present[key]);
    if (parsed.success) values[key] = parsed.data;
    else
      problems.push(
        ...parsed.error.issues.map((issue) => problemOf({ ...issue, path: [key, ...issue.path] })),
      );
  }
  return { values: values as Partial<z.infer<S>>, problems };
}

function problemOf(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  // zod's words for an absent variable ("expected string, received undefined") read as a type error.
  const missing = issue.code === "invalid_type" && /received undefined$/.test(issue.message);
  return { key: path.join("."), problem: missing ? "required" : issue.message };
}

/** Runs `read`; a ConfigInvalidError it throws becomes problems (and undefined). */
function collect<T>(problems: ConfigProblem[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    problems.push(...problemsOf(error));
    return undefined;
  }
}

const keyEnvSchema = envSchema.pick({
  SIGIL_ENV: true,
  DATABASE_URL: true,
  SIGIL_DATA_DIR: true,
  SIGIL_KEK: true,
  SIGIL_KEK_FILE: true,
  SIGIL_KEK_PREVIOUS: true,
  SIGIL_KEY_ROTATION_DAYS: true,
  SIGIL_KEY_PUBLISH_LEAD: true,
  SIGIL_KEY_POLL_MS: true,
  SIGIL_ACCESS_TOKEN_TTL: true,
  TYPEORM_SYNCHRONIZE: true,
});
type KeyEnv = z.infer<typeof keyEnvSchema>;

/** What `sigil keys …` and `sigil kek rewrap` need: the database, the KEK and the rotation policy. */
export type KeyCommandConfig = Pick<AppConfig, "env" | "databaseUrl" | "dataDir" | "kek" | "keys">;

/** Validates only the settings of {@link KeyCommandConfig} (the CLI needs no chain to rotate keys). */
export function loadKeyConfig(env: Record<string, string | undefined>): KeyCommandConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const e = parseEnv(keyEnvSchema, present);
  const kek = resolveKek(e);
  if (e.SIGIL_ENV === "production" && kek === undefined) throw invalid("SIGIL_KEK", "required in production");
  return {
    env: e.SIGIL_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.SIGIL_DATA_DIR,
    kek,
    keys: signingKeyConfig(e),
  };
}

function signingKeyConfig(e: KeyEnv): SigningKeyConfig {
  return {
    previousKeks: (e.SIGIL_KEK_PREVIOUS ?? []).map((value) => Buffer.from(value, "base64")),
    rotationIntervalMs: Math.round(e.SIGIL_KEY_ROTATION_DAYS * 86_400_000),
    publishLeadMs: Math.round(e.SIGIL_KEY_PUBLISH_LEAD * 1000),
    retireAfterMs: (e.SIGIL_ACCESS_TOKEN_TTL + KEY_CLOCK_SKEW_SECONDS) * 1000,
    pollMs: e.SIGIL_KEY_POLL_MS,
  };
}

function invalid(key: string, problem: string): ConfigInvalidError {
  return configInvalid([{ key, problem }]);
}

/** SIGIL_KEK or the file SIGIL_KEK_FILE names (one of them), refused when it is a placeholder. */
function resolveKek(e: KeyEnv): Buffer | undefined {
  if (e.SIGIL_KEK !== undefined && e.SIGIL_KEK_FILE !== undefined) {
    throw invalid("SIGIL_KEK_FILE", "set SIGIL_KEK or SIGIL_KEK_FILE, not both");
  }
  let kek: Buffer | undefined;
  let key = "SIGIL_KEK";
  if (e.SIGIL_KEK !== undefined) kek = Buffer.from(e.SIGIL_KEK, "base64");
  if (e.SIGIL_KEK_FILE !== undefined) {
    key = "SIGIL_KEK_FILE";
    try {
      kek = Buffer.from(readFileSync(e.SIGIL_KEK_FILE, "utf8").trim(), "base64");
    } catch {
      throw invalid(key, "the file cannot be read");
    }
    if (kek.length !== 32) throw invalid(key, "the file must hold 32 bytes, base64-encoded");
  }
  const weak = kek && weakKekReason(kek);
  if (weak) throw invalid(key, `the key-encryption key ${weak}`);
  if (e.SIGIL_KEY_PUBLISH_LEAD * 1000 < 2 * e.SIGIL_KEY_POLL_MS) {
    throw invalid(
      "SIGIL_KEY_PUBLISH_LEAD",
      "must be at least twice SIGIL_KEY_POLL_MS so every instance sees a key before it signs",
    );
  }
  if (e.TYPEORM_SYNCHRONIZE !== undefined) {
    throw invalid("TYPEORM_SYNCHRONIZE", "synchronize is never on: the schema belongs to the migrations");
  }
  return kek;
}

/** The contract address Hardhat's dev account 0 gets first: its deployer key is public. */
const HARDHAT_FIRST_CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const HARDHAT_CHAIN_ID = 31337;

/** What production must name itself, checked on the raw environment (so also when parsing failed). */
function missingInProduction(present: Record<string, string | undefined>): ConfigProblem[] {
  const missing: ConfigProblem[] = [];
  if (present.DATABASE_URL === undefined)
    missing.push({
      key: "DATABASE_URL",
      problem: "required in production (embedded PGlite is for development)",
    });
  if (present.SIGIL_KEK === undefined && present.SIGIL_KEK_FILE === undefined)
    missing.push({ key: "SIGIL_KEK", problem: "required in production (or SIGIL_KEK_FILE)" });
  if (present.SIGIL_METRICS_TOKEN === undefined)
    missing.push({
      key: "SIGIL_METRICS_TOKEN",
      problem: "required in production: scrapers send it as a Bearer token",
    });
  if (present.SIGIL_ISSUER === undefined)
    missing.push({
      key: "SIGIL_ISSUER",
      problem: "required in production: the https:// URL clients reach Sigil at",
    });
  return missing;
}

/**
 * Production refuses development secrets, dev chains, plain-HTTP URLs and a short key lead. It reads
 * whatever parsed, so these are listed beside other variables' problems, not after their fix.
 */
function weakInProduction(e: Partial<Env>): ConfigProblem[] {
  const weak: ConfigProblem[] = [];
  if (
    e.SIGIL_KEK_FILE !== undefined &&
    e.SIGIL_DATA_DIR !== undefined &&
    path.resolve(e.SIGIL_KEK_FILE) === path.resolve(e.SIGIL_DATA_DIR, "kek")
  ) {
    weak.push({ key: "SIGIL_KEK_FILE", problem: "is the development KEK file under SIGIL_DATA_DIR" });
  }
  if (e.SIGIL_ISSUER !== undefined && new URL(e.SIGIL_ISSUER).protocol !== "https:")
    weak.push({ key: "SIGIL_ISSUER", problem: "must be an https:// URL in production" });
  if (e.SIGIL_SIWE_URI !== undefined && new URL(e.SIGIL_SIWE_URI).protocol !== "https:")
    weak.push({ key: "SIGIL_SIWE_URI", problem: "must be an https:// URL in production" });
  (e.SIGIL_CHAINS ?? []).forEach((chain, i) => {
    if (chain.chainId === HARDHAT_CHAIN_ID) {
      weak.push({
        key: `SIGIL_CHAINS.${i}.chainId`,
        problem: "is the Hardhat development chain (its accounts' keys are public)",
      });
    }
    if (isAddressEqual(chain.registry as Address, HARDHAT_FIRST_CONTRACT)) {
      weak.push({
        key: `SIGIL_CHAINS.${i}.registry`,
        problem: "is the Hardhat dev deployment (deployed by a public dev key)",
      });
    }
  });
  if (e.SIGIL_KEY_PUBLISH_LEAD !== undefined && e.SIGIL_KEY_PUBLISH_LEAD < JWKS_MAX_AGE_SECONDS) {
    weak.push({
      key: "SIGIL_KEY_PUBLISH_LEAD",
      problem: `must be at least the JWKS max-age (${JWKS_MAX_AGE_SECONDS} s) in production`,
    });
  }
  return weak;
}
