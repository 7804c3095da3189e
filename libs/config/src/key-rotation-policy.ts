import type { KeyRotationPolicy } from "@sigil/sessions";
import type { AppConfig } from "./app-config.js";

/** The rotation policy a configuration asks for. */
export function rotationPolicy(config: Pick<AppConfig, "keys">): KeyRotationPolicy {
  return {
    publishLeadMs: config.keys.publishLeadMs,
    retireAfterMs: config.keys.retireAfterMs,
    rotationIntervalMs: config.keys.rotationIntervalMs,
  };
}
