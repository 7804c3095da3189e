import { ruleScopes } from "./evaluate-policy.js";
import type { Policy, PolicyCondition, PolicyRule } from "./policy.js";
import type { SourceReading } from "./source-answer.js";

/** Why one condition did not hold (stable `reason` codes, for `sigil policy explain --json`). */
export type ConditionFailure =
  | { reason: "source_not_held"; source: string }
  /** The source's `reach` excludes this sign-in (another chain, a contract wallet). */
  | { reason: "source_not_applying"; source: string }
  /** Its chain or contract did not answer: counted as not holding (fail closed). */
  | { reason: "source_unavailable"; source: string }
  | { reason: "no_member_held"; members: ConditionFailure[] }
  | { reason: "rule_not_held"; rule: string };

export interface FailedCondition {
  /** Where the condition sits in its rule: `scopesFrom`, `when[1]`. */
  at: string;
  failure: ConditionFailure;
}

/** One rule's outcome for one account. */
export interface RuleExplanation {
  rule: string;
  holds: boolean;
  /** The scopes it grants; empty when it does not hold. */
  scopes: string[];
  /** The sources it held on, as {@link evaluatePolicy} records them (anyOf: its first holding member). */
  sources: string[];
  /** Every condition that did not hold (not only the first). */
  failed: FailedCondition[];
}

export interface ExplainPolicyParameters {
  policy: Policy;
  readings: Readonly<Record<string, SourceReading>>;
}

/**
 * Every rule of a validated policy, in file order, with whether it holds for the readings, what it
 * grants, and why each failing condition failed; `holds` and `sources` agree with evaluatePolicy.
 */
export function explainPolicy({ policy, readings }: ExplainPolicyParameters): RuleExplanation[] {
  const rules = new Map(policy.rules.map((rule) => [rule.id, rule]));
  const explained = new Map<string, RuleExplanation>();

  type Outcome = { holds: true; sources: string[] } | { holds: false; failure: ConditionFailure };
  const outcome = (condition: PolicyCondition): Outcome => {
    if (typeof condition === "string") {
      const reading = readings[condition];
      if (reading?.applies && reading.answer.holds) return { holds: true, sources: [condition] };
      const reason = reading?.unavailable
        ? "source_unavailable"
        : reading && !reading.applies
          ? "source_not_applying"
          : "source_not_held";
      return { holds: false, failure: { reason, source: condition } };
    }
    if ("anyOf" in condition) {
      const members: ConditionFailure[] = [];
      for (const member of condition.anyOf) {
        const result = outcome(member);
        if (result.holds) return result;
        members.push(result.failure);
      }
      return { holds: false, failure: { reason: "no_member_held", members } };
    }
    const rule = explain(rules.get(condition.rule)!);
    return rule.holds
      ? { holds: true, sources: rule.sources }
      : { holds: false, failure: { reason: "rule_not_held", rule: rule.rule } };
  };

  function explain(rule: PolicyRule): RuleExplanation {
    const known = explained.get(rule.id);
    if (known) return known;
    const conditions: [string, PolicyCondition][] = [
      ...(rule.scopesFrom ? [["scopesFrom", rule.scopesFrom] as [string, PolicyCondition]] : []),
      ...rule.when.map((condition, i): [string, PolicyCondition] => [`when[${i}]`, condition]),
    ];
    const sources: string[] = [];
    const failed: FailedCondition[] = [];
    for (const [at, condition] of conditions) {
      const result = outcome(condition);
      if (result.holds) sources.push(...result.sources);
      else failed.push({ at, failure: result.failure });
    }
    const holds = failed.length === 0;
    const result: RuleExplanation = {
      rule: rule.id,
      holds,
      scopes: holds ? ruleScopes(rule, readings) : [],
      sources: holds ? [...new Set(sources)] : [],
      failed,
    };
    explained.set(rule.id, result);
    return result;
  }

  return policy.rules.map(explain);
}
