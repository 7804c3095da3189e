import { checkSiweParserDifferential } from "../../testing/siwe-differential.js";

// E1/A6: our parser must accept exactly what the reference ABNF parser (siwe 3) accepts, with the
// same fields, except where siwe departs from the spec (see parse-siwe-message.spec.ts).
// SIWE_FUZZ_RUNS=100000 npm test -- parse-siwe-message.differential runs a long fuzz.
const numRuns = Number(process.env.SIWE_FUZZ_RUNS ?? 600);
const seed = process.env.SIWE_FUZZ_SEED === undefined ? undefined : Number(process.env.SIWE_FUZZ_SEED);

describe("parseSiweMessage vs siwe (differential)", () => {
  it(`E1: agrees with the reference parser on ${numRuns} generated and mutated messages`, () => {
    checkSiweParserDifferential(seed === undefined ? { numRuns } : { numRuns, seed });
  });
});
