import { evaluatePolicy, type EvaluatePolicyParameters } from "./evaluate-policy.js";

/** Stands for "any scope" in an unavailable role source's answer; never a valid scope itself. */
const ANY_SCOPE = "*";

/** Scopes that sources which did not answer could still grant; `any` when such a role source's rule lists none. */
export interface UndecidedScopes {
  scopes: string[];
  any: boolean;
}

/**
 * What the account would also be allowed if every unavailable source held (a role source conferring
 * whatever its rule allows): the scopes an outage leaves undecided. Undefined when every source answered.
 */
export function undecidedScopes({ policy, readings }: EvaluatePolicyParameters): UndecidedScopes | undefined {
  const unavailable = Object.values(readings).filter((reading) => reading.unavailable);
  if (unavailable.length === 0) return undefined;
  const named = [...new Set(policy.rules.flatMap((rule) => rule.scopes ?? []))];
  const optimistic = { ...readings };
  for (const reading of unavailable) {
    optimistic[reading.source] = {
      ...reading,
      applies: true,
      answer: { holds: true, scopes: [...named, ANY_SCOPE] },
    };
  }
  const { scopes } = evaluatePolicy({ policy, readings: optimistic });
  return { scopes: scopes.filter((scope) => scope !== ANY_SCOPE), any: scopes.includes(ANY_SCOPE) };
}
