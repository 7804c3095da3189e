// The adapter benchmark alone: the Nest guard, @sigil/verify/express and @sigil/verify/fastify, each
// as open vs guarded rounds of one small route in the same run (also part of `npm run bench`):
//   node --import @swc-node/register/esm-register scripts/bench/adapters-bench.ts
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { execFileSync } from "node:child_process";
import { runAdapterLoad } from "./adapter-load.js";
import {
  createDatabase,
  root,
  runBenchMain,
  startAuthApi,
  startChain,
  startVenue,
  stopAll,
} from "./bench-environment.js";
import { type GuardLoadResult, runGuardLoad } from "./guard-load.js";
import { personalSign } from "./login-load.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const log = (line: string) =>
  console.log(`[bench:adapters ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** A trader's access token from a SIWE sign-in at the auth-api. */
async function traderToken(apiUrl: string): Promise<string> {
  const trader = devAccount(DevAccountIndex.trader);
  const wallet = { address: trader.address, privateKey: trader.getHdKey().privateKey! };
  const post = async (path: string, body: unknown) =>
    (
      await fetch(`${apiUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json() as Promise<Record<string, string>>;
  const { message } = await post("/v1/auth/challenge", { address: trader.address, chainId: 31337 });
  const login = await post("/v1/auth/login", { message, signature: personalSign(wallet, message!) });
  return login.access_token!;
}

async function main(): Promise<void> {
  log("building dist/ (the Nest example venue) …");
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "ignore" });
  const chain = await startChain();
  const database = await createDatabase();
  try {
    const api = await startAuthApi({ chain, databaseUrl: database.url });
    const venue = await startVenue({ api });
    const token = await traderToken(api.url);
    log(`${rounds} alternated rounds of ${seconds} s, open vs guarded, per framework …`);
    log("nest (libs/guard, example venue):");
    const nest = await runGuardLoad({ venueUrl: venue.url, token, rounds, seconds, onProgress: log });
    const adapters = await runAdapterLoad({ apiUrl: api.url, token, rounds, seconds, onProgress: log });
    const rows: [string, GuardLoadResult][] = [
      ["NestJS + libs/guard", nest],
      ["Express + @sigil/verify/express", adapters.express],
      ["Fastify + @sigil/verify/fastify", adapters.fastify],
    ];
    console.log("\n| framework | open req/s | guarded req/s | guarded/open | overhead | ≤ 20 % |");
    console.log("| --- | ---: | ---: | ---: | ---: | --- |");
    for (const [name, r] of rows) {
      console.log(
        `| ${name} | ${r.openPerSecond.toFixed(0)} | ${r.guardedPerSecond.toFixed(0)} | ${(r.guardedPerSecond / r.openPerSecond).toFixed(3)} | ${(r.overhead * 100).toFixed(1)} % | ${r.overhead <= 0.2 ? "met" : "not met"} |`,
      );
    }
  } finally {
    stopAll();
    await database.drop();
  }
}

runBenchMain(main);
