import type { WalletKind } from "../wallet/wallet-kind.js";
import type { NamedPolicySource, Policy, PolicyCondition, PolicyRule } from "./policy.js";

/** Whether a source speaks for a sign-in: its own chain always; other chains as its `reach` allows. */
export function appliesTo(
  source: NamedPolicySource,
  signIn: { signInChainId: number; walletKind: WalletKind },
): boolean {
  if (source.chain === signIn.signInChainId) return true;
  if (source.reach === "sign-in-chain") return false;
  return source.reach === "any-wallet" || signIn.walletKind === "eoa";
}

/** The chains other than the sign-in's whose sources can grant each scope to one kind of sign-in. */
export interface ScopeChains {
  /** Chains behind `scope` (empty: the sign-in chain alone decides it). */
  of(scope: string): readonly number[];
}

export interface ScopeChainsParameters {
  policy: Policy;
  signInChainId: number;
  walletKind: WalletKind;
}

/**
 * Which other chains a scope depends on for this kind of sign-in: the chains of every applying source
 * in any rule that can grant it (a registry's `scopesFrom` can grant any scope). A scope is trusted only
 * while all of them are confirmed, so the answer over-approximates, never under.
 */
export function scopeChains({ policy, signInChainId, walletKind }: ScopeChainsParameters): ScopeChains {
  const rules = new Map(policy.rules.map((rule) => [rule.id, rule]));
  const applying = (id: string): NamedPolicySource | undefined => {
    const source = policy.sources[id];
    return source && appliesTo(source, { signInChainId, walletKind }) ? source : undefined;
  };
  const chainsOf = (rule: PolicyRule, seen = new Set<string>()): Set<number> => {
    const chains = new Set<number>();
    const visit = (condition: PolicyCondition): void => {
      if (typeof condition === "string") {
        const source = applying(condition);
        if (source) chains.add(source.chain);
      } else if ("anyOf" in condition) {
        condition.anyOf.forEach(visit);
      } else if (!seen.has(condition.rule) && rules.has(condition.rule)) {
        seen.add(condition.rule);
        for (const chain of chainsOf(rules.get(condition.rule)!, seen)) chains.add(chain);
      }
    };
    rule.when.forEach(visit);
    const from = rule.scopesFrom === undefined ? undefined : applying(rule.scopesFrom);
    if (from) chains.add(from.chain);
    return chains;
  };
  const byScope = new Map<string, Set<number>>();
  const anyScope = new Set<number>();
  for (const rule of policy.rules) {
    const chains = [...chainsOf(rule)].filter((chain) => chain !== signInChainId);
    if (chains.length === 0) continue;
    const from = rule.scopesFrom === undefined ? undefined : policy.sources[rule.scopesFrom];
    const scopes = [...(rule.scopes ?? [])];
    if (from?.kind === "sigil-registry") chains.forEach((chain) => anyScope.add(chain));
    else if (from && "roles" in from) scopes.push(...Object.values(from.roles).flat());
    for (const scope of scopes) {
      const set = byScope.get(scope) ?? new Set<number>();
      chains.forEach((chain) => set.add(chain));
      byScope.set(scope, set);
    }
  }
  return {
    of: (scope) => [...new Set([...(byScope.get(scope) ?? []), ...anyScope])].sort((a, b) => a - b),
  };
}

/** `scopeChains` of one policy, computed once per sign-in chain and wallet kind (the policy is fixed at boot). */
export function scopeChainsCache(
  policy: Policy,
): (signIn: Omit<ScopeChainsParameters, "policy">) => ScopeChains {
  const cache = new Map<string, ScopeChains>();
  return ({ signInChainId, walletKind }) => {
    const key = `${signInChainId}:${walletKind}`;
    let chains = cache.get(key);
    if (!chains) cache.set(key, (chains = scopeChains({ policy, signInChainId, walletKind })));
    return chains;
  };
}

/**
 * The access token's `scope_chains` claim: each of `scopes` that another chain could grant, with
 * those chains; undefined when none does (the claim is then left out).
 */
export function scopeChainsClaim(
  chains: ScopeChains,
  scopes: readonly string[],
): Record<string, number[]> | undefined {
  let claim: Record<string, number[]> | undefined;
  for (const scope of scopes) {
    const of = chains.of(scope);
    if (of.length > 0) (claim ??= {})[scope] = [...of];
  }
  return claim;
}
