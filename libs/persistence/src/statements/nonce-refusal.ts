import {
  ChallengeMismatchError,
  NonceExpiredError,
  NonceUnknownError,
  NonceUsedError,
  type SigilError,
} from "@sigil/core";

import type { DataSource } from "typeorm";

/** What the `nonces` table holds about one nonce (the columns a sign-in checks). */
interface NonceRow {
  address: string | null;
  chain_id: number | null;
  expires_at: Date;
  consumed_at: Date | null;
}

/** Reads the nonce's row and says why a sign-in cannot consume it ({@link nonceRefusal}). */
export async function readNonceRefusal(
  dataSource: DataSource,
  p: { nonce: string; address: string; chainId: number; now: Date },
): Promise<SigilError | undefined> {
  const [row] = (await dataSource.query(
    `SELECT address, chain_id, expires_at, consumed_at FROM nonces WHERE nonce = $1`,
    [p.nonce],
  )) as NonceRow[];
  return nonceRefusal(row, p);
}

/**
 * Why a sign-in with this nonce cannot consume it, or undefined when it can: unknown, already used,
 * expired, or issued by a challenge for another address or chain (in that order, as the client
 * would fix them). The one place these codes are decided, before and after the atomic consume.
 */
export function nonceRefusal(
  row: NonceRow | undefined,
  p: { address: string; chainId: number; now: Date },
): SigilError | undefined {
  if (!row) return new NonceUnknownError("this nonce was not issued by Sigil");
  if (row.consumed_at !== null) return new NonceUsedError("this nonce has already been used to sign in");
  if (row.expires_at <= p.now) return new NonceExpiredError("this nonce has expired");
  if (
    (row.address !== null && row.address !== p.address) ||
    (row.chain_id !== null && row.chain_id !== p.chainId)
  )
    return new ChallengeMismatchError("the message does not match the challenge issued for this nonce");
  return undefined;
}
