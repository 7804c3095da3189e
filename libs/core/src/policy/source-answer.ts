import type { BlockRef } from "../chain-sync/block-ref.js";
import type { Role } from "../roles/role.js";
import type { PolicySourceKind } from "./policy.js";

/** What one source says about one account at one block. */
export interface SourceAnswer {
  /** The fact holds (a role held, a balance at the threshold, a valid attestation, an owner). */
  holds: boolean;
  /** Scopes the source itself confers (role sources); empty for facts. */
  scopes: string[];
  /** Role sources: the roles held, for the grant record. */
  roles?: Role[];
  /** When the answer stops holding without any event (an attestation's expiry). */
  validUntil?: Date;
}

/** A source's answer with where it was read; `applies: false` when its reach excludes this sign-in. */
export interface SourceReading {
  source: string;
  kind: PolicySourceKind;
  address: `0x${string}`;
  block: BlockRef;
  applies: boolean;
  answer: SourceAnswer;
  /** Its chain or contract did not answer: counted as not holding (fail closed). */
  unavailable?: boolean;
}

/** One source behind a granted scope, as a grant row records it. */
export interface ScopeSource {
  source: string;
  kind: PolicySourceKind;
  chainId: number;
  address: `0x${string}`;
  blockNumber: string;
  blockHash: `0x${string}`;
}

/** Why a scope is allowed: the first rule (in file order) that grants it and the sources it held on. */
export interface ScopeProvenance {
  rule: string;
  sources: ScopeSource[];
}
