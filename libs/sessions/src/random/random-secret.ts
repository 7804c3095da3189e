import { randomFillSync } from "node:crypto";

/** Bytes drawn from the CSPRNG at once: 128 refresh tokens' worth. */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `size` bytes from the CSPRNG, for secrets minted on every sign-in (nonces, refresh tokens).
 *
 * Served from a pool filled 4 KiB at a time, as Node's own `randomUUID` does: `randomBytes(32)`
 * costs a system call each (far more CPU than the pool: docs/benchmarks.md), and a sign-in draws
 * two. Handed-out bytes are copied and wiped from the pool. The pool does hold up to 4 KiB of
 * secrets not yet issued; whoever can read this process's memory can read the CSPRNG's state too.
 */
export function randomSecret(size: number): Buffer {
  if (!Number.isInteger(size) || size < 1 || size > 256) {
    throw new RangeError("randomSecret draws 1..256 bytes");
  }
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
