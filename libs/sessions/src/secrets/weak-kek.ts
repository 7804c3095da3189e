/**
 * Why a 32-byte KEK cannot be a real one, or undefined when it could be: all one byte (zeros,
 * 0xff…), a short repeated pattern or counter, or too few distinct bytes for a random key.
 */
export function weakKekReason(kek: Uint8Array): string | undefined {
  if (kek.length !== 32) return "must be 32 bytes";
  const distinct = new Set(kek).size;
  if (distinct === 1) return "is one repeated byte (a placeholder)";
  // 32 random bytes hold ~30 distinct values; below 16 is a pattern (chance ~1e-13 for random).
  if (distinct < 16) return "has too few distinct bytes to be random (a placeholder pattern)";
  const step = (kek[1]! - kek[0]! + 256) % 256;
  if (kek.every((byte, i) => i === 0 || (byte - kek[i - 1]! + 256) % 256 === step))
    return "is a counting sequence (a placeholder)";
  return undefined;
}
