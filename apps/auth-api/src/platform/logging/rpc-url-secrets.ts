import type { DestinationStream } from "pino";

/** Parts shorter than this are not treated as secrets (a path of `/`, a one-letter user). */
const MIN_SECRET_LENGTH = 4;
/** Path segments and query values this long are scrubbed on their own too: API keys are long, words short. */
const MIN_KEY_LENGTH = 16;

/**
 * The parts of RPC URLs that may be credentials: user, password, and path plus query (providers
 * put API keys there: `/v3/<key>`, `?apikey=`), which viem's error messages quote.
 */
export function rpcUrlSecrets(rpcUrls: readonly string[]): string[] {
  const secrets = new Set<string>();
  for (const text of rpcUrls) {
    const url = new URL(text);
    for (const part of [url.username, url.password]) {
      if (part.length >= MIN_SECRET_LENGTH) {
        secrets.add(part);
        secrets.add(decodeURIComponent(part));
      }
    }
    const rest = `${url.pathname}${url.search}`;
    if (rest.length >= MIN_SECRET_LENGTH) secrets.add(rest);
    // A key may also be quoted alone ("invalid project id <key>"), or as written before URL encoding.
    const raw = text.slice(text.indexOf(url.host) + url.host.length);
    if (raw.length >= MIN_SECRET_LENGTH) secrets.add(raw);
    const parts = [...url.pathname.split("/"), ...url.searchParams.values()];
    for (const part of parts) {
      if (part.length < MIN_KEY_LENGTH) continue;
      secrets.add(part);
      secrets.add(safeDecode(part));
    }
  }
  // Longest first, so a path is replaced whole rather than around a shorter secret inside it.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/**
 * `destination` with every occurrence of `secrets` in a log line replaced by `[redacted]`: RPC
 * errors (from viem, nested causes included) quote the URL in free text, beyond pino's path redaction.
 */
export function scrubbing(destination: DestinationStream, secrets: readonly string[]): DestinationStream {
  if (secrets.length === 0) return destination;
  const scrub = (line: string) =>
    secrets.reduce(
      (text, secret) => (text.includes(secret) ? text.replaceAll(secret, "[redacted]") : text),
      line,
    );
  const flush = (destination as { flush?: (callback?: (error?: Error) => void) => void }).flush;
  return Object.assign(
    { write: (line: string) => destination.write(scrub(line)) },
    flush ? { flush: flush.bind(destination) } : {},
  );
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
