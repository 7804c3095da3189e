import type { Role } from "../roles/role.js";
import type { Policy, PolicyCondition, PolicyRule } from "./policy.js";
import type { ScopeProvenance, ScopeSource, SourceReading } from "./source-answer.js";

export interface EvaluatePolicyParameters {
  policy: Policy;
  /** Every source's reading for one account, by source id. */
  readings: Readonly<Record<string, SourceReading>>;
}

export interface PolicyEvaluation {
  /** What the account may be granted: the sorted union of every holding rule's scopes. */
  scopes: string[];
  /** Per allowed scope, the first rule (file order) that grants it and the sources it held on. */
  provenance: Record<string, ScopeProvenance>;
  /** Roles held in role sources that apply (for the grant record). */
  roles: Role[];
  /** The earliest time a holding answer lapses by itself (an attestation's expiry). */
  validUntil?: Date;
}

interface Held {
  holds: boolean;
  /** Source ids the condition held on (for anyOf, the first member that held). */
  sources: string[];
}

/**
 * Which scopes a policy allows an account, given every source's answer: a rule grants its scopes
 * when all its conditions hold, and any rule granting a scope suffices. Pure; the policy must be
 * validated (no unknown ids, no rule cycles).
 */
export function evaluatePolicy({ policy, readings }: EvaluatePolicyParameters): PolicyEvaluation {
  const rules = new Map(policy.rules.map((rule) => [rule.id, rule]));
  const ruleHeld = new Map<string, Held>();

  const sourceHeld = (id: string): Held => {
    const reading = readings[id];
    return reading?.applies && reading.answer.holds
      ? { holds: true, sources: [id] }
      : { holds: false, sources: [] };
  };
  const conditionHeld = (condition: PolicyCondition): Held => {
    if (typeof condition === "string") return sourceHeld(condition);
    if ("anyOf" in condition) {
      for (const member of condition.anyOf) {
        const held = conditionHeld(member);
        if (held.holds) return held;
      }
      return { holds: false, sources: [] };
    }
    return ruleConditionsHeld(rules.get(condition.rule)!);
  };
  function ruleConditionsHeld(rule: PolicyRule): Held {
    const known = ruleHeld.get(rule.id);
    if (known) return known;
    const sources: string[] = [];
    let holds = true;
    for (const condition of [...(rule.scopesFrom ? [rule.scopesFrom] : []), ...rule.when]) {
      const held = conditionHeld(condition);
      if (!held.holds) {
        holds = false;
        break;
      }
      sources.push(...held.sources);
    }
    const result = { holds, sources: holds ? [...new Set(sources)] : [] };
    ruleHeld.set(rule.id, result);
    return result;
  }

  const provenance: Record<string, ScopeProvenance> = {};
  for (const rule of policy.rules) {
    const held = ruleConditionsHeld(rule);
    if (!held.holds) continue;
    for (const scope of ruleScopes(rule, readings)) {
      provenance[scope] ??= { rule: rule.id, sources: held.sources.map((id) => scopeSource(readings[id]!)) };
    }
  }

  const applying = Object.values(readings).filter((reading) => reading.applies && reading.answer.holds);
  const roles = applying.flatMap((reading) => reading.answer.roles ?? []);
  const lapses = applying.flatMap((reading) =>
    reading.answer.validUntil ? [reading.answer.validUntil] : [],
  );
  const validUntil = lapses.length ? new Date(Math.min(...lapses.map((date) => date.getTime()))) : undefined;
  return {
    scopes: Object.keys(provenance).sort(),
    provenance,
    roles,
    ...(validUntil ? { validUntil } : {}),
  };
}

/** The scopes a holding rule grants: its own list, or what its `scopesFrom` source confers (limited to the list). */
export function ruleScopes(rule: PolicyRule, readings: Readonly<Record<string, SourceReading>>): string[] {
  if (!rule.scopesFrom) return rule.scopes ?? [];
  const conferred = readings[rule.scopesFrom]?.answer.scopes ?? [];
  return rule.scopes ? conferred.filter((scope) => rule.scopes!.includes(scope)) : conferred;
}

/** A reading as a grant row records its source: kind, chain, contract and the block read. */
export function scopeSource(reading: SourceReading): ScopeSource {
  return {
    source: reading.source,
    kind: reading.kind,
    chainId: reading.block.chainId,
    address: reading.address,
    blockNumber: reading.block.number.toString(),
    blockHash: reading.block.hash,
  };
}
