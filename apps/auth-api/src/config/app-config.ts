import { ConfigInvalidError } from "@sigil/core";
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

const envSchema = z.object({
  SIGIL_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  SIGIL_DATA_DIR: z.string().min(1).default(".data"),
  SIGIL_MIGRATE_ON_START: booleanString.default(true),
  SIGIL_CHAINS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON: an array of chains" });
        return z.NEVER;
      }
    })
    .pipe(z.array(chainSchema).min(1)),
});

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
  return new AppConfig(
    e.SIGIL_ENV,
    e.HOST,
    e.PORT,
    e.DATABASE_URL,
    e.SIGIL_DATA_DIR,
    e.SIGIL_MIGRATE_ON_START,
    chains,
  );
}
