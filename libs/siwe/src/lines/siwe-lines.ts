// Fields read off a SIWE message's text without parsing it: for the per-wallet limit before the
// login runs, and for the security event of a login that failed, whose message may not parse.
import { SignatureInvalidError } from "../errors/siwe-errors.js";
import { verifyEoaSignature } from "../signature/verify-eoa-signature.js";
import type { Hex } from "viem";

/** The address line of a SIWE message (line 2). */
const ADDRESS_LINE = /^[^\n]*\n(0x[0-9a-fA-F]{40})\n/;
/** The SIWE statement: between the address line's blank line and the blank line before `URI:`. */
const STATEMENT = /^[^\n]*\n0x[0-9a-fA-F]{40}\n\n([\s\S]*?)\n\nURI: /;
/** Statements longer than this are cut in events: the body is attacker-sized. */
const STATEMENT_MAX = 200;

/** The wallet a SIWE message names on its second line, if it has one. */
export function walletNamedIn(message: string): string | undefined {
  return ADDRESS_LINE.exec(message)?.[1];
}

/**
 * The statement a login message carried (what a phishing site asked the wallet to sign), cut to
 * {@link STATEMENT_MAX} characters; pino JSON-encodes it, so control characters stay in the field (I3).
 */
export function statementOf(message: string): string | undefined {
  return STATEMENT.exec(message.slice(0, 4_096))?.[1]?.slice(0, STATEMENT_MAX);
}

/** True when `signature` is `address`'s own 65-byte ECDSA signature of `message` (no RPC). */
export async function isOwnEoaSignature(message: string, address: Hex, signature: string): Promise<boolean> {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return false;
  try {
    return await verifyEoaSignature({ message, address, signature: signature as Hex });
  } catch (error) {
    if (error instanceof SignatureInvalidError) return false;
    throw error;
  }
}

/**
 * The wallet line 2 of `message` names, when `signature` is that wallet's own EOA signature of the
 * whole text: the only failed logins that may count against a wallet (J1). Contract wallets need RPC.
 */
export async function verifiedWalletOf(message: string, signature: string): Promise<string | undefined> {
  const wallet = walletNamedIn(message);
  if (wallet === undefined) return undefined;
  return (await isOwnEoaSignature(message, wallet as Hex, signature)) ? wallet : undefined;
}
