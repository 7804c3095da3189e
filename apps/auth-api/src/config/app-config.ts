import { ConfigInvalidError } from "@sigil/core";
import { createHash } from "node:crypto";
import type { ChainConfig } from "@sigil/chain";
import { getAddress, isAddress } from "viem";
import { z } from "zod";

const chainSchema = z.object({
  chainId: z.number().int().positive(),
  name: z.string().min(1).optional(),
  rpcUrls: z.array(z.url({ protocol: /^https?$/ })).min(1),
  registry: z
    .string()
    .refine((value) => isAddress(value, { strict: false }), "must be a 20-byte hex address"),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
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
  SIGIL_ACCESS_TOKEN_TTL: seconds(60, 900, 600),
  SIGIL_REFRESH_IDLE_TTL: seconds(300, 30 * 86_400, 86_400),
  SIGIL_REFRESH_ABSOLUTE_TTL: seconds(300, 90 * 86_400, 7 * 86_400),
  SIGIL_REFRESH_REUSE_GRACE: seconds(0, 60, 10),
  SIGIL_NONCE_TTL: seconds(30, 600, 300),
  SIGIL_BLOCK_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  SIGIL_RESOURCE_CLIENTS: jsonArray(clientSchema, 0).default([]),
  SIGIL_AUTH_RATE_LIMIT_IP: z.coerce.number().int().min(0).default(60),
  SIGIL_AUTH_RATE_LIMIT_ADDRESS: z.coerce.number().int().min(0).default(20),
});

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
  ) {}
}

/**
 * Validates the environment and builds {@link AppConfig}. Throws {@link ConfigInvalidError} whose
 * message and `details.key` name the offending variable (never its value: it may be a secret).
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable means "not set" (what `FOO= cmd` and most orchestrators produce).
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join(".");
    throw new ConfigInvalidError(`configuration ${key}: ${issue.message}`, { details: { key } });
  }
  const e = parsed.data;
  const chains = e.SIGIL_CHAINS.map((chain) => ({
    chainId: chain.chainId,
    name: chain.name ?? `chain-${chain.chainId}`,
    rpcUrls: chain.rpcUrls,
    registry: getAddress(chain.registry),
    timeoutMs: chain.timeoutMs,
  }));
  const duplicate = chains.find((chain, i) => chains.findIndex((c) => c.chainId === chain.chainId) !== i);
  if (duplicate) {
    throw new ConfigInvalidError(`configuration SIGIL_CHAINS: chain ${duplicate.chainId} appears twice`, {
      details: { key: "SIGIL_CHAINS" },
    });
  }
  const issuer = (e.SIGIL_ISSUER ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, "");
  if (e.SIGIL_REFRESH_ABSOLUTE_TTL < e.SIGIL_REFRESH_IDLE_TTL) {
    throw new ConfigInvalidError(
      "configuration SIGIL_REFRESH_ABSOLUTE_TTL: must not be shorter than the idle TTL",
      {
        details: { key: "SIGIL_REFRESH_ABSOLUTE_TTL" },
      },
    );
  }
  if (e.SIGIL_ENV === "production" && e.SIGIL_KEK === undefined) {
    throw new ConfigInvalidError("configuration SIGIL_KEK: required in production", {
      details: { key: "SIGIL_KEK" },
    });
  }
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
    e.SIGIL_KEK === undefined ? undefined : Buffer.from(e.SIGIL_KEK, "base64"),
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
  );
}
