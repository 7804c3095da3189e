// `npm run fuzz`: SECURITY-TESTS E1 at depth. FUZZ_RUNS cases (default 100,000) per target: the SIWE
// parser against the reference ABNF parser, access tokens, DPoP proofs, signed requests (valid once,
// altered, arbitrary). FUZZ_SEED replays a failure.
import { checkSiweParserDifferential } from "../../libs/siwe/testing/siwe-differential.js";
import {
  checkArbitrarySignedRequests,
  checkSignedRequestMutations,
  checkSignedRequestsVerifyOnce,
} from "./signed-request-properties.js";
import { checkAccessTokenMutations, checkDpopProofMutations, type FuzzRun } from "./token-properties.js";

const numRuns = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const run: FuzzRun = seed === undefined ? { numRuns } : { numRuns, seed };

const targets: { name: string; check: (run: FuzzRun) => void | Promise<void> }[] = [
  { name: "SIWE parser vs reference (differential)", check: checkSiweParserDifferential },
  { name: "access tokens: mutated or forged never verify", check: checkAccessTokenMutations },
  { name: "DPoP proofs: mutated or forged never verify", check: checkDpopProofMutations },
  { name: "signed requests: valid ones verify exactly once", check: checkSignedRequestsVerifyOnce },
  { name: "signed requests: any alteration is refused", check: checkSignedRequestMutations },
  { name: "signed requests: arbitrary headers never verify", check: checkArbitrarySignedRequests },
];

async function main(): Promise<void> {
  let total = 0;
  for (const target of targets) {
    console.log(`[fuzz] ${target.name}: ${numRuns} cases …`);
    const started = performance.now();
    await target.check(run);
    const seconds = (performance.now() - started) / 1000;
    total += numRuns;
    console.log(`[fuzz]   passed in ${seconds.toFixed(1)} s (${(numRuns / seconds).toFixed(0)} cases/s)`);
  }
  console.log(`[fuzz] ${total} cases, no failure`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
