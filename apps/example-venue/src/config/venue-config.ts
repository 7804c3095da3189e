import { ConfigInvalidError } from "@sigil/core";
import { z } from "zod";

const httpUrl = z.url({ protocol: /^https?$/ });
// Values people paste from examples; a venue must not authenticate to Sigil with one of these.
const PLACEHOLDERS = new Set(["changeme", "change-me", "secret", "password", "placeholder", "todo", "xxx"]);

const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  SIGIL_ISSUER: z.string().min(1),
  SIGIL_AUDIENCE: z.string().min(1),
  SIGIL_JWKS_URL: httpUrl,
  SIGIL_REVOCATIONS_URL: httpUrl.optional(),
  VENUE_PUBLIC_URL: httpUrl
    .refine((url) => !/[?#]/.test(url), "must have no query or fragment")
    .transform((url) => url.replace(/\/$/, ""))
    .optional(),
  VENUE_CLIENT_ID: z.string().min(1),
  VENUE_CLIENT_SECRET: z
    .string()
    .min(1)
    .refine((secret) => !PLACEHOLDERS.has(secret.toLowerCase()), "is a placeholder, not a secret"),
  VENUE_CORS_ORIGINS: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.url({ protocol: /^https?$/ }).refine((url) => new URL(url).origin === url, "must be a bare origin"),
      ),
    )
    .default([]),
});

/** The example venue's validated configuration, read once at boot. The class is the DI token. */
export class VenueConfig {
  constructor(
    readonly host: string,
    readonly port: number,
    /** Expected `iss` of Sigil access tokens. */
    readonly issuer: string,
    /** This venue's identifier: the `aud` its tokens must carry. */
    readonly audience: string,
    readonly jwksUrl: string,
    /** Sigil's revocation feed; undefined means revocations are not checked (dev only). */
    readonly revocationsUrl: string | undefined,
    readonly clientId: string,
    readonly clientSecret: string,
    /** Browser origins allowed to call the venue cross-origin (the demo page); none by default. */
    readonly corsOrigins: string[],
    /**
     * The venue's base URL as clients call it: DPoP proofs must name it (`htu`). Unset, the Host
     * header is used, which a proof made for another server sharing the hostname also matches.
     */
    readonly publicUrl: string | undefined = undefined,
  ) {}
}

/**
 * Validates the environment and builds {@link VenueConfig}. Throws {@link ConfigInvalidError}
 * naming the offending variable (never its value: it may be the client secret).
 */
export function loadVenueConfig(env: Record<string, string | undefined>): VenueConfig {
  // An empty variable means "not set", as in auth-api.
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
  return new VenueConfig(
    e.HOST,
    e.PORT,
    e.SIGIL_ISSUER,
    e.SIGIL_AUDIENCE,
    e.SIGIL_JWKS_URL,
    e.SIGIL_REVOCATIONS_URL,
    e.VENUE_CLIENT_ID,
    e.VENUE_CLIENT_SECRET,
    e.VENUE_CORS_ORIGINS,
    e.VENUE_PUBLIC_URL,
  );
}
