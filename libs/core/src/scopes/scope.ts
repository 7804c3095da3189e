import { ScopeInvalidError } from "../errors/errors.js";

/**
 * Scopes Sigil and the example venue know by name. On-chain governance may add others; any string
 * matching {@link SCOPE_PATTERN} is a valid scope.
 */
export const Scopes = {
  ordersRead: "orders:read",
  ordersWrite: "orders:write",
  positionsRead: "positions:read",
  sigilAdmin: "sigil:admin",
} as const;

/** A scope Sigil knows by name. */
export type KnownScope = (typeof Scopes)[keyof typeof Scopes];

/** `resource:action`, lowercase, at most 64 characters (the AccessRegistry enforces the same). */
export const SCOPE_PATTERN = /^[a-z][a-z0-9_.-]{0,30}:[a-z][a-z0-9_.-]{0,31}$/;

/** True when `value` is a well-formed scope string. */
export function isScope(value: string): boolean {
  return SCOPE_PATTERN.test(value);
}

/** Returns `value` when it is a well-formed scope, otherwise throws {@link ScopeInvalidError}. */
export function assertScope(value: string): string {
  if (!isScope(value)) {
    throw new ScopeInvalidError(`"${value.slice(0, 80)}" is not a scope (expected resource:action)`, {
      details: { scope: value.slice(0, 80) },
    });
  }
  return value;
}
