// Fields read off a SIWE message's text without parsing it: for the per-wallet limit before the
// login runs, and for the security event of a login that failed, whose message may not parse.

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
