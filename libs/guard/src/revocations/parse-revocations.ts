import { z } from "zod";

const timestamp = z.iso.datetime({ offset: true });

const pageSchema = z.object({
  revocations: z.array(
    z.object({ sid: z.string().min(1).max(256), revokedAt: timestamp, expiresAt: timestamp }),
  ),
  cursor: z.string().min(1).max(1024),
});

/** One page of the revocation feed, reduced to what the guard keeps. */
export interface RevocationPage {
  revoked: { sid: string; expiresAtMs: number }[];
  cursor: string;
}

/** Parses an answer of `GET /v1/revocations`; throws when its shape is not the documented one. */
export function parseRevocations(document: unknown): RevocationPage {
  const { revocations, cursor } = pageSchema.parse(document);
  return {
    revoked: revocations.map(({ sid, expiresAt }) => ({ sid, expiresAtMs: Date.parse(expiresAt) })),
    cursor,
  };
}
