/** Where a signing key is in its life; every state is derived from planned timestamps. */
export type SigningKeyState = "pending" | "active" | "retiring" | "retired";

/** The timestamps that drive rotation, as stored per key. */
export interface SigningKeyTimeline {
  kid: string;
  /** Published in the JWKS from here on. */
  createdAt: Date;
  /** May sign from here on (publish-before-use: after every verifier has seen it). */
  activatedAt: Date;
  /** Leaves the JWKS at this time; null while no successor exists. */
  retiredAt: Date | null;
  /** Whether the private half is (still) available to sign with. */
  canSign: boolean;
}

/** The active key: the most recently activated signing-capable key still published at `now`. */
export function selectActiveKey<T extends SigningKeyTimeline>(keys: readonly T[], now: Date): T | undefined {
  let best: T | undefined;
  for (const key of keys) {
    if (!key.canSign || key.activatedAt > now || (key.retiredAt !== null && key.retiredAt <= now)) continue;
    if (!best || key.activatedAt > best.activatedAt) best = key;
  }
  return best;
}

/** The state of `key` among `keys` at `now`. */
export function signingKeyState(
  key: SigningKeyTimeline,
  keys: readonly SigningKeyTimeline[],
  now: Date,
): SigningKeyState {
  if (key.retiredAt !== null && key.retiredAt <= now) return "retired";
  if (key.activatedAt > now) return "pending";
  return selectActiveKey(keys, now)?.kid === key.kid ? "active" : "retiring";
}

/** Timing of rotations, in milliseconds. */
export interface KeyRotationPolicy {
  /** Published this long before it signs: ≥ the JWKS cache max-age and every instance's poll period. */
  publishLeadMs: number;
  /** A superseded key stays published this long after its successor activates (token TTL + skew). */
  retireAfterMs: number;
  /** Rotate when the active key has signed this long; 0 = only on demand. */
  rotationIntervalMs: number;
}

/** Parameters of {@link planRotation}. */
export interface PlanRotationParameters {
  keys: readonly SigningKeyTimeline[];
  now: Date;
  policy: KeyRotationPolicy;
  /** Rotate now (on demand) even if the schedule does not ask for it. */
  force?: boolean;
}

/** What a rotation writes: one new key, and planned retirement times for the keys it supersedes. */
export interface RotationPlan {
  reason: "bootstrap" | "scheduled" | "on_demand";
  activatedAt: Date;
  retire: { kid: string; retiredAt: Date }[];
}

/**
 * Decides whether to create a key. None is created while one is pending (a rotation is under way).
 * Without any key able to sign, the new one activates at once (nothing can have been signed yet).
 */
export function planRotation({
  keys,
  now,
  policy,
  force = false,
}: PlanRotationParameters): RotationPlan | undefined {
  const published = keys.filter((key) => key.retiredAt === null || key.retiredAt > now);
  if (published.some((key) => key.activatedAt > now && key.canSign)) return undefined;
  const active = selectActiveKey(published, now);
  if (!active) return { reason: "bootstrap", activatedAt: now, retire: [] };
  const due =
    policy.rotationIntervalMs > 0 &&
    now.getTime() - active.activatedAt.getTime() >= policy.rotationIntervalMs;
  if (!force && !due) return undefined;
  const activatedAt = new Date(now.getTime() + policy.publishLeadMs);
  const retiredAt = new Date(activatedAt.getTime() + policy.retireAfterMs);
  const retire = published
    .filter((key) => key.activatedAt <= now && (key.retiredAt === null || key.retiredAt > retiredAt))
    .map((key) => ({ kid: key.kid, retiredAt }));
  return { reason: force ? "on_demand" : "scheduled", activatedAt, retire };
}
