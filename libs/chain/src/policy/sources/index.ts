import type { PolicySource, PolicySourceKind } from "@sigil/core";
import type { PolicySourceAdapter } from "../policy-source-adapter.js";
import { sigilRegistrySource } from "./sigil-registry.js";

/** The adapter of every source kind. */
export const policySourceAdapters: {
  [K in PolicySourceKind]: PolicySourceAdapter<Extract<PolicySource, { kind: K }>>;
} = {
  "sigil-registry": sigilRegistrySource,
} as never;
