import { z } from "zod";

const timestamp = z.iso.datetime({ offset: true });

const pageSchema = z.object({
  revocations: z.array(
    z.object({
      sid: z.string().min(1).max(256),
      revokedAt: timestamp,
      expiresAt: timestamp,
      // Present when the session lives on with fewer scopes (on-chain role sync narrowed it).
      scope: z.string().max(8192).optional(),
    }),
  ),
  cursor: z.string().min(1).max(1024),
  // Issuers that say whether more entries follow this page; absent: only an empty page is the end.
  more: z.boolean().optional(),
  // Issuers that follow on-chain roles say how long ago each chain's roles were confirmed.
  roleSync: z
    .array(z.object({ chainId: z.number().int().positive(), ageMs: z.number().int().min(0).nullable() }))
    .max(1024)
    .optional(),
});

/** A session narrowed to `scopes`: tokens issued up to `revokedAtMs` keep only those. */
export interface Narrowing {
  sid: string;
  scopes: string[];
  revokedAtMs: number;
  expiresAtMs: number;
}

/** One page of the revocation feed, reduced to what the guard keeps. */
export interface RevocationPage {
  revoked: { sid: string; expiresAtMs: number }[];
  narrowed: Narrowing[];
  cursor: string;
  /** Entries in the page (both kinds). */
  size: number;
  /** Whether the issuer has entries after this page (undefined when it does not say). */
  more: boolean | undefined;
  /** Age of each followed chain's roles when the page was served (null: never confirmed). */
  roleSync: { chainId: number; ageMs: number | null }[] | undefined;
}

/** Parses an answer of `GET /v1/revocations`; throws when its shape is not the documented one. */
export function parseRevocations(document: unknown): RevocationPage {
  const { revocations, cursor, roleSync, more } = pageSchema.parse(document);
  const page: RevocationPage = {
    revoked: [],
    narrowed: [],
    cursor,
    size: revocations.length,
    roleSync,
    more,
  };
  for (const { sid, revokedAt, expiresAt, scope } of revocations) {
    const expiresAtMs = Date.parse(expiresAt);
    if (scope === undefined) page.revoked.push({ sid, expiresAtMs });
    else {
      const scopes = scope.split(" ").filter((s) => s !== "");
      page.narrowed.push({ sid, scopes, revokedAtMs: Date.parse(revokedAt), expiresAtMs });
    }
  }
  return page;
}
