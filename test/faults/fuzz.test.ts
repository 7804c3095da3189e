// E1 in `npm test`: a few hundred cases each; `npm run fuzz` runs the same properties ≥ 10⁵ times.
// (The SIWE parser's differential fuzz lives beside it: libs/siwe/src/parse/*.differential.spec.ts.)
import { checkAccessTokenMutations, checkDpopProofMutations } from "../../scripts/fuzz/token-properties.js";

const numRuns = Number(process.env.FUZZ_RUNS ?? 400);

describe("E1: property-based fuzzing of tokens and proofs", () => {
  it(`E1: ${numRuns} mutated or forged access tokens (bytes, segments, alg none/HS256 with the public key, claims) never verify; each is invalid_token`, () => {
    checkAccessTokenMutations({ numRuns });
  });

  it(`E1: ${numRuns} mutated or forged DPoP proofs never verify; each is a typed DPoP error`, async () => {
    await checkDpopProofMutations({ numRuns });
  });
});
