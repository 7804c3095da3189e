import {
  ConfigInvalidError,
  isScope,
  type NamedPolicySource,
  type Policy,
  type PolicyCondition,
  type PolicyRule,
  ROLE_SOURCE_KINDS,
} from "@sigil/core";
import { getAddress, isAddress } from "viem";
import { z } from "zod";

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const id = z.string().regex(ID, "an id: 1-64 of [A-Za-z0-9._-]");
const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "expected a 20-byte 0x address")
  .transform((value) => getAddress(value));
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x hex value");
const scope = z.string().refine(isScope, "expected a scope (resource:action, lowercase)");
const scopes = z.array(scope).min(1, "at least one scope");
const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,76})$/, "expected a non-negative integer as a decimal string");
const base = {
  chain: z.number().int().positive(),
  address,
  reach: z.enum(["eoa-anywhere", "any-wallet", "sign-in-chain"]).default("eoa-anywhere"),
};

const sourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("sigil-registry"), ...base }),
  z.strictObject({
    kind: z.literal("access-control"),
    ...base,
    roles: z.record(bytes32, scopes).refine((r) => Object.keys(r).length > 0, "at least one role"),
  }),
  z.strictObject({
    kind: z.literal("access-manager"),
    ...base,
    roles: z
      .record(
        uint.refine((v) => BigInt(v) < 2n ** 64n, "a uint64 role id"),
        scopes,
      )
      .refine((r) => Object.keys(r).length > 0, "at least one role"),
  }),
  z.strictObject({
    kind: z.literal("erc20"),
    ...base,
    measure: z.enum(["balance", "votes"]).default("balance"),
    threshold: z
      .string()
      .refine(
        (v) => /^(0|[1-9][0-9]{0,40})(\.[0-9]{1,36})?$/.test(v) && /[1-9]/.test(v),
        'expected a decimal string above zero, such as "100" or "0.5"',
      ),
  }),
  z.strictObject({ kind: z.literal("erc721"), ...base, min: z.number().int().min(1).default(1) }),
  z.strictObject({
    kind: z.literal("erc1155"),
    ...base,
    tokenId: uint,
    min: z.number().int().min(1).default(1),
  }),
  z.strictObject({
    kind: z.literal("eas"),
    ...base,
    schema: bytes32,
    attesters: z.array(address).min(1, "at least one trusted attester"),
    fromBlock: z.number().int().min(0).default(0),
  }),
  z.strictObject({ kind: z.literal("safe"), ...base }),
]);

const conditionSchema: z.ZodType<PolicyCondition> = z.lazy(() =>
  z.union([id, z.strictObject({ anyOf: z.array(conditionSchema).min(1) }), z.strictObject({ rule: id })]),
);

const policySchema = z.strictObject({
  version: z.literal(1).optional(),
  sources: z.record(id, sourceSchema).refine((s) => Object.keys(s).length > 0, "at least one source"),
  rules: z
    .array(
      z.strictObject({
        id,
        scopes: scopes.optional(),
        scopesFrom: id.optional(),
        when: z.array(conditionSchema).default([]),
      }),
    )
    .min(1, "at least one rule"),
});

export interface ParsePolicyParameters {
  /** The parsed JSON or YAML document. */
  document: unknown;
  /** Chain ids of `SIGIL_CHAINS`: a source on any other chain is refused. */
  chainIds: readonly number[];
  /** Names the file in messages (`SIGIL_POLICY` or its path). */
  origin?: string;
}

/**
 * Validates a policy document: shape, every reference (sources, rules, chains), rule cycles and
 * rules that would grant to everyone. Throws one {@link ConfigInvalidError} listing every problem,
 * each naming the path of the bad field (`sources.pass.address`, `rules[1].when[0]`).
 */
export function parsePolicy({ document, chainIds, origin = "SIGIL_POLICY" }: ParsePolicyParameters): Policy {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) {
    throw policyError(
      origin,
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  const sources: Record<string, NamedPolicySource> = {};
  for (const [sourceId, source] of Object.entries(parsed.data.sources)) {
    sources[sourceId] = { id: sourceId, ...source } as NamedPolicySource;
  }
  const rules: PolicyRule[] = parsed.data.rules.map((rule) => ({
    id: rule.id,
    ...(rule.scopes ? { scopes: rule.scopes } : {}),
    ...(rule.scopesFrom ? { scopesFrom: rule.scopesFrom } : {}),
    when: rule.when,
  }));
  const problems = [...checkSources(sources, chainIds), ...checkRules(rules, sources)];
  if (problems.length > 0) throw policyError(origin, problems);
  return { sources, rules };
}

interface Problem {
  path: string;
  message: string;
}

function checkSources(sources: Record<string, NamedPolicySource>, chainIds: readonly number[]): Problem[] {
  const problems: Problem[] = [];
  for (const source of Object.values(sources)) {
    if (!chainIds.includes(source.chain)) {
      problems.push({
        path: `sources.${source.id}.chain`,
        message: `chain ${source.chain} is not in SIGIL_CHAINS (configured: ${chainIds.join(", ") || "none"})`,
      });
    }
  }
  return problems;
}

function checkRules(rules: PolicyRule[], sources: Record<string, NamedPolicySource>): Problem[] {
  const problems: Problem[] = [];
  const ruleIds = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (ruleIds.has(rule.id))
      problems.push({ path: `rules[${i}].id`, message: `"${rule.id}" is used twice` });
    ruleIds.set(rule.id, i);
  });
  rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!rule.scopes && !rule.scopesFrom) {
      problems.push({ path: at, message: "grants nothing: give scopes, scopesFrom, or both" });
    }
    if (!rule.scopesFrom && rule.when.length === 0) {
      problems.push({
        path: `${at}.when`,
        message: "empty: a rule without conditions would grant every wallet",
      });
    }
    if (rule.scopesFrom) {
      const source = sources[rule.scopesFrom];
      if (!source)
        problems.push({ path: `${at}.scopesFrom`, message: `unknown source "${rule.scopesFrom}"` });
      else if (!ROLE_SOURCE_KINDS.includes(source.kind)) {
        problems.push({
          path: `${at}.scopesFrom`,
          message: `source "${source.id}" (${source.kind}) confers no scopes; use ${ROLE_SOURCE_KINDS.join(", ")}`,
        });
      }
    }
    const visit = (condition: PolicyCondition, path: string): void => {
      if (typeof condition === "string") {
        if (!sources[condition]) problems.push({ path, message: `unknown source "${condition}"` });
      } else if ("anyOf" in condition) {
        condition.anyOf.forEach((member, j) => visit(member, `${path}.anyOf[${j}]`));
      } else if (!ruleIds.has(condition.rule)) {
        problems.push({ path: `${path}.rule`, message: `unknown rule "${condition.rule}"` });
      }
    };
    rule.when.forEach((condition, j) => visit(condition, `${at}.when[${j}]`));
  });
  problems.push(...findCycles(rules));
  return problems;
}

/** Rules that depend on themselves through `{ rule }` conditions. */
function findCycles(rules: PolicyRule[]): Problem[] {
  const byId = new Map(rules.map((rule, i) => [rule.id, { rule, i }]));
  const referenced = (condition: PolicyCondition): string[] =>
    typeof condition === "string"
      ? []
      : "anyOf" in condition
        ? condition.anyOf.flatMap(referenced)
        : [condition.rule];
  const problems: Problem[] = [];
  for (const { rule, i } of byId.values()) {
    const seen = new Set<string>();
    const stack = rule.when.flatMap(referenced);
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === rule.id) {
        problems.push({ path: `rules[${i}].when`, message: `rule "${rule.id}" depends on itself (a cycle)` });
        break;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(byId.get(next)?.rule.when.flatMap(referenced) ?? []));
    }
  }
  return problems;
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (out, key) =>
        typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key),
      "",
    ) || "(document)"
  );
}

function policyError(origin: string, problems: Problem[]): ConfigInvalidError {
  const lines = problems.map((problem) => `${origin} ${problem.path}: ${problem.message}`);
  return new ConfigInvalidError(lines.join("\n"), {
    details: { key: "SIGIL_POLICY", problems: problems.map((p) => ({ path: p.path, message: p.message })) },
  });
}
