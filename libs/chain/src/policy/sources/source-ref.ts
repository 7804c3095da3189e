import type { PolicySource } from "@sigil/core";
import type { Address } from "viem";

/** How errors name a source: its policy id and contract. */
export interface SourceRef {
  id: string;
  address: Address;
}

/**
 * The id and contract of a source, for error details. Adapters are typed on the source without its
 * id, but a policy hands them its named sources; an unnamed one is named by kind and address.
 */
export function sourceRef(source: PolicySource & { id?: string }): SourceRef {
  return { id: source.id ?? `${source.kind}:${source.address}`, address: source.address };
}
