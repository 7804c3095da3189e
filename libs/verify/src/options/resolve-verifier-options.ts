import { ConfigInvalidError } from "@sigil/core";
import { z } from "zod";
import type { ResolvedVerifierOptions, SigilVerifierOptions, VerifierLogger } from "./verifier-options.js";

const httpUrl = z.url({ protocol: /^https?$/ });
const ms = (min: number, max: number) => z.number().int().min(min).max(max);
const FIFTEEN_MINUTES_MS = 15 * 60_000;

const schema = z.strictObject({
  issuer: z.string().min(1),
  audience: z.string().min(1),
  jwksUrl: httpUrl,
  revocations: z
    .strictObject({
      url: httpUrl,
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      intervalMs: ms(10, 60_000).default(1000),
      maxStalenessMs: ms(10, FIFTEEN_MINUTES_MS).default(10_000),
      maxRoleSyncAgeMs: ms(100, FIFTEEN_MINUTES_MS).default(10_000),
      longPollMs: z.number().int().min(0).max(25_000).default(0),
    })
    .refine((feed) => feed.maxStalenessMs > feed.intervalMs, {
      message: "must be longer than intervalMs",
      path: ["maxStalenessMs"],
    })
    .optional(),
  clockToleranceSeconds: z.number().int().min(0).max(30).default(30),
  now: z.custom<() => Date>((value) => typeof value === "function", "must be a function").optional(),
  jwksRefreshIntervalMs: ms(10, 24 * 3_600_000).default(300_000),
  jwksCooldownMs: ms(10, 3_600_000).default(5000),
  tokenCacheSize: z.number().int().min(0).max(1_000_000).default(10_000),
  fetchTimeoutMs: ms(10, 60_000).default(2000),
  dpop: z
    .strictObject({
      publicUrl: httpUrl.optional(),
      replayCacheSize: z.number().int().min(1000).max(10_000_000).default(100_000),
      maxProofAgeSeconds: z.number().int().min(5).max(300).default(60),
    })
    .default({ replayCacheSize: 100_000, maxProofAgeSeconds: 60 }),
  logger: z
    .custom<VerifierLogger>(
      (value) =>
        typeof (value as VerifierLogger | null)?.info === "function" &&
        typeof (value as VerifierLogger).warn === "function",
      "must have info and warn functions",
    )
    .optional(),
});

const CONSOLE_LOGGER: VerifierLogger = {
  info: () => undefined,
  warn: (message) => console.warn(`sigil verify: ${message}`),
};

/**
 * Validates verifier options once at boot and applies defaults. Throws {@link ConfigInvalidError}
 * naming the option (never its value: the client secret is one).
 */
export function resolveVerifierOptions(options: SigilVerifierOptions): ResolvedVerifierOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
    const key = path.join(".");
    throw new ConfigInvalidError(`sigil verifier option ${key}: ${issue.message}`, { details: { key } });
  }
  const { revocations, now, dpop, logger, ...rest } = parsed.data;
  return {
    ...rest,
    now,
    revocations,
    dpop: { ...dpop, publicUrl: dpop.publicUrl?.replace(/\/$/, "") },
    logger: logger ?? CONSOLE_LOGGER,
  };
}
