import { ConfigInvalidError } from "@sigil/core";

/** One thing wrong with the environment: the variable (or a field of it) and what is wrong. */
export interface ConfigProblem {
  key: string;
  problem: string;
}

/** Exit status of a process stopped by its configuration (sysexits EX_CONFIG). */
export const EX_CONFIG = 78;

const DOCS = "docs/configuration.md";

// What a valid value looks like, for the variables a production setup must name.
const EXAMPLES: Readonly<Record<string, string>> = {
  SIGIL_CHAINS: `[{"chainId":1,"rpcUrls":["https://rpc.example"],"registry":"0x…"}]`,
  DATABASE_URL: "postgres://sigil:…@db.internal:5432/sigil",
  SIGIL_KEK: "32 random bytes, base64 (openssl rand -base64 32)",
  SIGIL_KEK_FILE: "a file holding `openssl rand -base64 32`, readable by the service only",
  SIGIL_METRICS_TOKEN: "a random secret (openssl rand -hex 32)",
  SIGIL_ISSUER: "https://auth.venue.example",
  SIGIL_SIWE_URI: "https://app.venue.example",
  SIGIL_RESOURCE_CLIENTS: `[{"id":"venue-api","secret":"≥ 32 random characters"}]`,
};

/** `KEY: problem; e.g. …` for one problem (the example of the variable the key belongs to). */
export function describeConfigProblem({ key, problem }: ConfigProblem): string {
  const example = EXAMPLES[key.split(".")[0]!];
  return `${key}: ${problem}${example === undefined ? "" : `; e.g. ${example}`}`;
}

/**
 * One {@link ConfigInvalidError} for every problem found: `details.problems` lists them (never a
 * value: some are secrets), `details.key` is the first, the message has a line per problem.
 */
export function configInvalid(problems: readonly ConfigProblem[]): ConfigInvalidError {
  const unique = problems.filter(
    (p, i) => problems.findIndex((q) => q.key === p.key && q.problem === p.problem) === i,
  );
  const message =
    unique.length === 1
      ? `configuration ${describeConfigProblem(unique[0]!)} (see ${DOCS})`
      : `configuration: ${unique.length} problems (see ${DOCS})\n${unique
          .map((p) => `  ${describeConfigProblem(p)}`)
          .join("\n")}`;
  return new ConfigInvalidError(message, { details: { key: unique[0]!.key, problems: unique } });
}

/** The problems a {@link ConfigInvalidError} carries (one, for errors made before they were listed). */
export function problemsOf(error: ConfigInvalidError): ConfigProblem[] {
  type Listed = Partial<ConfigProblem> & { path?: string; message?: string };
  const details = error.details as { key?: string; problems?: Listed[] } | undefined;
  // A policy file's problems name a path inside SIGIL_POLICY's file.
  if (details?.problems)
    return details.problems.map((p) => ({
      key: p.key ?? "SIGIL_POLICY",
      problem: p.problem ?? `${p.path}: ${p.message}`,
    }));
  const key = details?.key ?? "configuration";
  return [{ key, problem: error.message.replace(/^configuration [^:]*: /, "") }];
}

/**
 * What a process prints when its configuration is invalid: every problem, one line each, no stack
 * trace; returns {@link EX_CONFIG}. Anything but a ConfigInvalidError is rethrown.
 */
export function reportInvalidConfig(error: unknown, write: (line: string) => void): number {
  if (!(error instanceof ConfigInvalidError)) throw error;
  const problems = problemsOf(error);
  write(
    `sigil: the configuration has ${problems.length === 1 ? "a problem" : `${problems.length} problems`} (see ${DOCS}):`,
  );
  for (const problem of problems) write(`  ${describeConfigProblem(problem)}`);
  return EX_CONFIG;
}
