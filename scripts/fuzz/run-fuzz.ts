// `npm run fuzz`: SECURITY-TESTS E1 at depth. FUZZ_RUNS cases (default 100,000) per target: the SIWE
// parser against the reference ABNF parser, access tokens, DPoP proofs, signed requests (valid once,
// altered, arbitrary); then J12, HTTP_FUZZ_RUNS requests (default 20,000) over every route of a
// running auth-api (a Hardhat node process; PGlite, or TEST_DATABASE_URL). FUZZ_SEED replays a failure.
import { checkSiweParserDifferential } from "../../libs/siwe/testing/siwe-differential.js";
import {
  checkArbitrarySignedRequests,
  checkSignedRequestMutations,
  checkSignedRequestsVerifyOnce,
} from "./signed-request-properties.js";
import { checkAccessTokenMutations, checkDpopProofMutations, type FuzzRun } from "./token-properties.js";
import { checkHttpRoutes, type OpenApiDocument, routesOf } from "./http-properties.js";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import { createTestDataSource } from "@sigil/persistence/testing";
import { randomBytes } from "node:crypto";
import { startChain, stopAll } from "../bench/bench-environment.js";

const numRuns = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const run: FuzzRun = seed === undefined ? { numRuns } : { numRuns, seed };
const httpRuns = Number(process.env.HTTP_FUZZ_RUNS ?? 20_000);

/** J12: a real auth-api (in this process) on a Hardhat node, fuzzed over HTTP. */
async function checkHttp(): Promise<void> {
  const chain = await startChain();
  const database = await createTestDataSource();
  const app = await createApp({
    config: loadConfig({
      SIGIL_ENV: "test",
      SIGIL_ISSUER: "http://sigil.test",
      SIGIL_SIWE_DOMAIN: "sigil.test",
      SIGIL_SIWE_URI: "http://sigil.test",
      SIGIL_KEK: randomBytes(32).toString("base64"),
      SIGIL_CHAINS: JSON.stringify([
        { chainId: 31337, name: "local", rpcUrls: [chain.url], registry: chain.registry, timeoutMs: 2000 },
      ]),
      SIGIL_AUTH_RATE_LIMIT_IP: "0",
      SIGIL_AUTH_RATE_LIMIT_ADDRESS: "0",
      SIGIL_ROLE_SYNC: "false",
    }),
    dataSource: database.dataSource,
    logger: false,
  });
  try {
    await app.listen(0, "127.0.0.1");
    const baseUrl = await app.getUrl();
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
    await checkHttpRoutes({ ...run, numRuns: httpRuns, baseUrl, routes: routesOf(document) });
  } finally {
    await app.close();
    await database.destroy();
    stopAll();
  }
}

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
  console.log(`[fuzz] HTTP routes of a running auth-api: ${httpRuns} requests …`);
  const started = performance.now();
  await checkHttp();
  const seconds = (performance.now() - started) / 1000;
  total += httpRuns;
  console.log(`[fuzz]   passed in ${seconds.toFixed(1)} s (${(httpRuns / seconds).toFixed(0)} requests/s)`);
  console.log(`[fuzz] ${total} cases, no failure`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
