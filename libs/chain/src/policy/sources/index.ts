import type { PolicySource, PolicySourceKind } from "@sigil/core";
import type { PolicySourceAdapter } from "./policy-source-adapter.js";
import { accessControlSource } from "./access-control-source.js";
import { accessManagerSource } from "./access-manager-source.js";
import { erc1155Source } from "./erc1155-source.js";
import { erc20Source } from "./erc20-source.js";
import { easSource } from "./eas-source.js";
import { erc721Source } from "./erc721-source.js";
import { safeSource } from "./safe-source.js";
import { sigilRegistrySource } from "./sigil-registry-source.js";

/** The adapter of every source kind. */
export const policySourceAdapters: {
  [K in PolicySourceKind]: PolicySourceAdapter<Extract<PolicySource, { kind: K }>>;
} = {
  "sigil-registry": sigilRegistrySource,
  "access-control": accessControlSource,
  "access-manager": accessManagerSource,
  erc20: erc20Source,
  erc721: erc721Source,
  erc1155: erc1155Source,
  eas: easSource,
  safe: safeSource,
};
