/** The kinds of on-chain fact a policy source reads (one adapter each in `@sigil/chain`). */
export const PolicySourceKind = {
  sigilRegistry: "sigil-registry",
  accessControl: "access-control",
  accessManager: "access-manager",
  erc20: "erc20",
  erc721: "erc721",
  erc1155: "erc1155",
  eas: "eas",
  safe: "safe",
} as const;
export type PolicySourceKind = (typeof PolicySourceKind)[keyof typeof PolicySourceKind];

/** Source kinds whose answer carries scopes of their own (roles → scopes); rules may take them with `scopesFrom`. */
export const ROLE_SOURCE_KINDS: readonly PolicySourceKind[] = [
  PolicySourceKind.sigilRegistry,
  PolicySourceKind.accessControl,
  PolicySourceKind.accessManager,
];

/**
 * Which sign-ins a source applies to. `eoa-anywhere` (the default): sign-ins on its own chain, and
 * EOAs signing in on any chain (one key controls the address everywhere); `any-wallet` also lets a
 * contract wallet on another chain use it (only when the venue knows the wallet has the same owners
 * there); `sign-in-chain`: only sign-ins on the source's own chain.
 */
export type SourceReach = "eoa-anywhere" | "any-wallet" | "sign-in-chain";

interface SourceBase {
  /** The chain the contract is on: one of `SIGIL_CHAINS`. */
  chain: number;
  /** The contract (checksummed). */
  address: `0x${string}`;
  reach: SourceReach;
}

/** Sigil's own AccessRegistry: roles and the scopes they confer are both on-chain. */
export interface SigilRegistrySource extends SourceBase {
  kind: typeof PolicySourceKind.sigilRegistry;
}
/** An OpenZeppelin AccessControl contract: `bytes32` role ids → scopes. */
export interface AccessControlSource extends SourceBase {
  kind: typeof PolicySourceKind.accessControl;
  roles: Record<`0x${string}`, string[]>;
}
/** An OpenZeppelin AccessManager: `uint64` role ids (decimal strings) → scopes; a grant counts from its `since`. */
export interface AccessManagerSource extends SourceBase {
  kind: typeof PolicySourceKind.accessManager;
  roles: Record<string, string[]>;
}
/** An ERC-20 balance, or ERC20Votes voting power, at or above `threshold` (in whole tokens, decimals applied). */
export interface Erc20Source extends SourceBase {
  kind: typeof PolicySourceKind.erc20;
  measure: "balance" | "votes";
  /** A decimal string ("100", "0.5"), scaled by the token's `decimals()`. */
  threshold: string;
}
/** Holds at least `min` tokens of an ERC-721 collection. */
export interface Erc721Source extends SourceBase {
  kind: typeof PolicySourceKind.erc721;
  min: number;
}
/** Holds at least `min` of one ERC-1155 token id. */
export interface Erc1155Source extends SourceBase {
  kind: typeof PolicySourceKind.erc1155;
  tokenId: string;
  min: number;
}
/** A valid EAS attestation of `schema`, by one of `attesters`, to the account (not revoked, not expired). */
export interface EasSource extends SourceBase {
  kind: typeof PolicySourceKind.eas;
  schema: `0x${string}`;
  attesters: `0x${string}`[];
  /** First block searched for `Attested` logs (the EAS deployment block). */
  fromBlock: number;
}
/** An owner of a Safe (the source's `address` is the Safe). */
export interface SafeSource extends SourceBase {
  kind: typeof PolicySourceKind.safe;
}

export type PolicySource =
  | SigilRegistrySource
  | AccessControlSource
  | AccessManagerSource
  | Erc20Source
  | Erc721Source
  | Erc1155Source
  | EasSource
  | SafeSource;

/** A named source of the policy file. */
export type NamedPolicySource = PolicySource & { id: string };

/** A source id, an any-of list, or another rule (holds when that rule's conditions hold). */
export type PolicyCondition = string | { anyOf: PolicyCondition[] } | { rule: string };

/**
 * Grants `scopes` when every condition in `when` holds. With `scopesFrom` (a role source), grants
 * the scopes that source confers on the account, limited to `scopes` when those are given.
 */
export interface PolicyRule {
  id: string;
  scopes?: string[];
  scopesFrom?: string;
  when: PolicyCondition[];
}

/** A validated policy: sources by id, rules in file order (the first rule granting a scope is recorded). */
export interface Policy {
  sources: Record<string, NamedPolicySource>;
  rules: PolicyRule[];
}

/**
 * Today's behaviour as a policy: on each chain, the AccessRegistry's roles confer their scopes to
 * sign-ins on that chain.
 */
export function registryPolicy(chains: readonly { chainId: number; registry: `0x${string}` }[]): Policy {
  const sources: Record<string, NamedPolicySource> = {};
  const rules: PolicyRule[] = [];
  for (const { chainId, registry } of chains) {
    const id = `registry-${chainId}`;
    sources[id] = { id, kind: "sigil-registry", chain: chainId, address: registry, reach: "sign-in-chain" };
    rules.push({ id, scopesFrom: id, when: [] });
  }
  return { sources, rules };
}
