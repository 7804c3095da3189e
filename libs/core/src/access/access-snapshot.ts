import type { ScopeProvenance } from "../policy/source-answer.js";
import type { UndecidedScopes } from "../policy/undecided-scopes.js";
import type { BlockRef } from "../chain-sync/block-ref.js";
import type { Role } from "../roles/role.js";

export type { BlockRef };

/** What an account may do according to a chain, read at one block. */
export interface AccessSnapshot {
  address: `0x${string}`;
  roles: Role[];
  /** Union of the scopes the roles confer, sorted and deduplicated. */
  scopes: string[];
  /** The sign-in chain's block; sources on other chains name theirs in `provenance`. */
  block: BlockRef;
  /** Per allowed scope, the policy rule and the sources (with their blocks) that grant it. */
  provenance?: Record<string, ScopeProvenance>;
  /** When an answer behind these scopes lapses by itself (an attestation's expiry). */
  validUntil?: Date;
  /** Sources that did not answer (their chain or contract is down): their scopes are out for now, not lost. */
  unavailable?: string[];
  /** What those sources could still grant: an event elsewhere neither grants nor takes these scopes. */
  undecided?: UndecidedScopes;
}
