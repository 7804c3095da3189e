// `npm run bench`: measures Sigil against real PostgreSQL and a local chain, each figure beside the
// raw cryptographic limit measured in the same run, and writes bench-results/report.{md,json}.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { runAdapterLoad } from "./adapter-load.js";
import { type CpuShare, measureCpuShare } from "./cpu-by-process.js";
import {
  createDatabase,
  root,
  runBenchMain,
  startAuthApi,
  startChain,
  startVenue,
  stopAll,
} from "./bench-environment.js";
import { es256VerificationsPerSecond, secp256k1RecoveriesPerSecond } from "./crypto-baselines.js";
import { runDpopLoad, signedRequestVerificationsPerSecond } from "./bots-load.js";
import { runGuardLoad } from "./guard-load.js";
import { measureHttpBaseline } from "./http-baseline.js";
import { type LoadResult, makeWallets, personalSign, signInSessions } from "./login-load.js";
import { offlineVerificationsPerSecond } from "./offline-verify.js";
import { runRefreshLoad } from "./refresh-load.js";
import { measureRevocationLatency } from "./revocation-latency.js";
import { measureSignInMatrix, type SignInFigures } from "./sign-in-matrix.js";
import { type ReferenceCrypto, ratiosToReferences, startSignInReference } from "./sign-in-reference.js";
import { runTokenCheckLoad, type TokenCheck } from "./token-check-load.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const revocationCount = Number(process.env.BENCH_REVOCATIONS ?? 50);
const signInRounds = Number(process.env.BENCH_SIGNIN_ROUNDS ?? 5);
// The memory-session references measured beside the sign-ins ("none" leaves them out).
const referenceCryptos = (process.env.BENCH_REFERENCE ?? "native,viem")
  .split(",")
  .map((name) => name.trim())
  .filter((name) => name !== "" && name !== "none") as ReferenceCrypto[];
for (const name of referenceCryptos) {
  if (name !== "native" && name !== "viem") throw new Error(`BENCH_REFERENCE: ${name} is not native or viem`);
}
/** Sigil's sign-ins/s must be this many times the reference's in every round. */
const REFERENCE_FACTOR = 4;
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  log("building dist/ …");
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "ignore" });
  log("starting a Hardhat node, deploying and seeding the contracts …");
  const chain = await startChain();
  const database = await createDatabase();
  try {
    log("starting the auth-api against PostgreSQL …");
    const api = await startAuthApi({ chain, databaseUrl: database.url });

    log("raw limits on one core: native secp256k1 recovery, ES256 verification …");
    const recoveries = secp256k1RecoveriesPerSecond();
    const es256 = es256VerificationsPerSecond();
    log(`  secp256k1 ${recoveries.toFixed(0)}/s, ES256 ${es256.toFixed(0)}/s`);
    const offline = offlineVerificationsPerSecond();
    log(`  offline token verification (libs/guard path, no cache) ${offline.toFixed(0)}/s`);

    log("HTTP floor: a bare node:http server vs the auth-api's GET /health/live …");
    const http = await measureHttpBaseline({ apiUrl: api.url, seconds: Math.min(seconds, 5) });
    log(
      `  bare ${http.barePerSecond.toFixed(0)} req/s (${http.bareCpuMsPerRequest.toFixed(3)} ms CPU each), /health/live ${http.livePerSecond.toFixed(0)} req/s (${http.liveCpuMsPerRequest.toFixed(3)} ms)`,
    );

    const trader = devAccount(DevAccountIndex.trader);
    const traderWallet = { address: trader.address, privateKey: trader.getHdKey().privateKey! };
    const wallets = makeWallets(200, [traderWallet]);
    // Sign-ins: the configured deployment (BENCH_WORKERS, default auto) and one process, each
    // with the server-prepared message (challenge) and the client-written one (nonce), alternated
    // with the memory-session references in the same rounds.
    const workersSetting = process.env.BENCH_WORKERS ?? "auto";
    const targets = [{ label: `workers: ${workersSetting}`, url: api.url }];
    const sigilWorkers = new Map([
      [
        targets[0]!.label,
        `SIGIL_WORKERS=${workersSetting} as configured${workersSetting === "auto" ? ` (${os.availableParallelism()} processes)` : ""}`,
      ],
    ]);
    const single =
      workersSetting === "1"
        ? undefined
        : await startAuthApi({ chain, databaseUrl: database.url, workers: "1" });
    if (single) {
      targets.push({ label: "one process", url: single.url });
      sigilWorkers.set("one process", "SIGIL_WORKERS=1");
    }
    const references: { label: string; crypto: ReferenceCrypto; stop(): Promise<void> }[] = [];
    for (const crypto of referenceCryptos) {
      const reference = await startSignInReference(crypto);
      const label = `memory reference, ${crypto} crypto (one process)`;
      references.push({ label, crypto, stop: reference.stop });
      targets.push({ label, url: reference.url });
    }
    log(
      `sign-ins: ${signInRounds} alternated rounds of ${seconds} s per configuration (${targets.length} targets × 2 flows, ${references.length} of them memory references), ${concurrency} concurrent wallets …`,
    );
    let signIns: SignInFigures[];
    try {
      signIns = await measureSignInMatrix({
        targets,
        flows: ["challenge", "nonce"],
        wallets,
        rounds: signInRounds,
        seconds,
        concurrency,
        onProgress: (line) => log(`  ${line}`),
      });
    } finally {
      await single?.stop();
      for (const reference of references) await reference.stop();
    }
    for (const figures of signIns) {
      log(
        `  ${figures.target}, ${figures.flow} flow: median ${figures.perSecond.toFixed(0)} sign-ins/s; CPU per sign-in: ${describeCpu(figures.cpu)}`,
      );
    }
    const referenceLabels = references.map((reference) => reference.label);
    const sigilSignIns = signIns.filter((figures) => !referenceLabels.includes(figures.target));
    const referenceSignIns = signIns.filter((figures) => referenceLabels.includes(figures.target));
    const referenceRatios = ratiosToReferences({
      signIns,
      references: referenceLabels,
      factor: REFERENCE_FACTOR,
    });
    for (const ratio of referenceRatios) {
      log(
        `  ${ratio.target} ÷ ${ratio.reference}, ${ratio.flow} flow: ${ratio.perRound.map((r) => r.toFixed(2)).join(", ")} (min ${ratio.min.toFixed(2)})`,
      );
    }
    const best = sigilSignIns.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

    log(`measuring refresh-token rotations ${seconds} s with ${concurrency} signed-in clients …`);
    const refreshes = await runRefreshLoad({
      url: api.url,
      wallets,
      concurrency,
      seconds,
      onProgress: (done, elapsed) => log(`  ${done} refreshes in ${elapsed.toFixed(0)} s`),
    });
    log(`  ${refreshes.perSecond.toFixed(0)} refreshes/s, p99 ${refreshes.p99Ms.toFixed(1)} ms`);

    log(
      `token checks: ${concurrency} sessions signed in, their access tokens over ${concurrency} connections …`,
    );
    const accessTokens = (await signInSessions({ url: api.url, wallets, count: concurrency })).map(
      (session) => session.accessToken,
    );
    const tokenChecks = {} as Record<TokenCheck, LoadResult & { cpu: CpuShare }>;
    for (const check of ["introspect", "me"] as const) {
      const load = (s: number) =>
        runTokenCheckLoad({ url: api.url, check, accessTokens, connections: concurrency, seconds: s });
      await load(1);
      const { result, cpu } = await measureCpuShare(
        () => load(seconds),
        (r) => r.completed,
      );
      tokenChecks[check] = { ...result, cpu };
      log(
        `  ${TOKEN_CHECKS[check].route}: ${result.perSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(1)} ms, errors ${JSON.stringify(result.errors)}; CPU per request: ${describeCpu(cpu)}`,
      );
    }

    log("starting the example venue (libs/guard) …");
    const venue = await startVenue({ api });
    const challenge = (await (
      await fetch(`${api.url}/v1/auth/challenge`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ address: trader.address, chainId: 31337 }),
      })
    ).json()) as { message: string };
    const login = (await (
      await fetch(`${api.url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          message: challenge.message,
          signature: personalSign(traderWallet, challenge.message),
        }),
      })
    ).json()) as { access_token: string };
    log("measuring the same route with and without the guard, alternately …");
    const guard = await runGuardLoad({
      venueUrl: venue.url,
      token: login.access_token,
      rounds: 3,
      seconds: 5,
      onProgress: log,
    });

    log("the same route behind @sigil/verify's Express and Fastify adapters, alternately …");
    const adapters = await runAdapterLoad({
      apiUrl: api.url,
      token: login.access_token,
      rounds: 3,
      seconds: 5,
      onProgress: log,
    });

    log("bots: signed-request verifications (1 core), then DPoP-bound requests through libs/guard …");
    const signedRequests = await signedRequestVerificationsPerSecond();
    const dpop = await runDpopLoad({
      apiUrl: api.url,
      venueUrl: venue.url,
      bearerToken: login.access_token,
      seconds: 5,
    });
    log(
      `  signed requests: HMAC ${signedRequests.hmacPerSecond.toFixed(0)}/s, Ed25519 ${signedRequests.ed25519PerSecond.toFixed(0)}/s; DPoP ${dpop.perSecond.toFixed(0)} req/s vs Bearer ${dpop.bearerPerSecond.toFixed(0)} req/s`,
    );

    log(`timing ${revocationCount} on-chain revocations (role sync, 0 confirmations) …`);
    const revocations = await measureRevocationLatency({
      chain,
      apiUrl: api.url,
      venueUrl: venue.url,
      count: revocationCount,
      onProgress: log,
    });
    log(
      `  auth-api p50 ${revocations.authApi.p50Ms.toFixed(0)} ms, p99 ${revocations.authApi.p99Ms.toFixed(0)} ms; venue p99 ${revocations.venue.p99Ms.toFixed(0)} ms`,
    );

    const report = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      command: "npm run bench",
      settings: {
        seconds,
        concurrency,
        wallets: wallets.length,
        authApiWorkers: process.env.BENCH_WORKERS ?? `auto (${os.availableParallelism()})`,
      },
      baselines: { secp256k1RecoveriesPerSecond: recoveries, es256VerificationsPerSecond: es256 },
      offlineVerificationsPerSecond: offline,
      http,
      signInRounds,
      signIns,
      signInReference: {
        what: "memory-siwe-backend.ts: node:http, viem/siwe parse + validate, nonces and sessions in a Map, ES256 JWT; one Node process, no database, no chain read",
        references: references.map(({ label, crypto }) => ({ label, crypto })),
        factor: REFERENCE_FACTOR,
        ratios: referenceRatios,
      },
      refreshes,
      tokenChecks,
      guard,
      adapters,
      revocations,
      bots: { signedRequests, dpop },
    };
    // The figure refreshes are held to: sign-ins of the same deployment and flow in this run.
    const signInPace = signIns.find((f) => f.target === targets[0]!.label && f.flow === "challenge")!;
    const rows = [
      ["figure", "measured", "raw limit in this run", "ratio", "target"],
      ["---", "---:", "---:", "---:", "---"],
      [
        "auth-api GET /health/live req/s (CPU ms per request in the auth-api)",
        `${http.livePerSecond.toFixed(0)} (${http.liveCpuMsPerRequest.toFixed(3)} ms)`,
        `${http.barePerSecond.toFixed(0)} req/s bare node:http (${http.bareCpuMsPerRequest.toFixed(3)} ms)`,
        (http.livePerSecond / http.barePerSecond).toFixed(3),
        "",
      ],
      ...sigilSignIns.flatMap((figures) => [
        [
          `SIWE sign-ins/s, ${figures.flow === "challenge" ? "POST /v1/auth/challenge" : "GET /v1/auth/nonce"} + sign + login, ${figures.target} (median of ${signInRounds}: ${figures.rounds.map((r) => r.toFixed(0)).join(", ")})`,
          figures.perSecond.toFixed(0),
          `${recoveries.toFixed(0)} secp256k1 recoveries/s (1 core)`,
          (figures.perSecond / recoveries).toFixed(3),
          `≥ 1,000/s: ${figures.perSecond >= 1000 ? "met" : "not met"}`,
        ],
        [
          `its latency p50 / p99 (ms) and CPU per sign-in by process (ms; all cores together): ${describeCpu(figures.cpu)}`,
          `${figures.p50Ms.toFixed(0)} / ${figures.p99Ms.toFixed(0)}; ${figures.cpu.totalMs.toFixed(2)}`,
          `${figures.cpu.ceilingPerSecond.toFixed(0)} sign-ins/s if the ${os.availableParallelism()} cores did nothing else`,
          (figures.perSecond / figures.cpu.ceilingPerSecond).toFixed(3),
          "",
        ],
      ]),
      ...referenceSignIns.map((figures) => [
        `SIWE sign-ins/s, ${figures.flow} flow, ${figures.target}: node:http, nonces and sessions in memory, no database, no chain read (median of ${signInRounds}: ${figures.rounds.map((r) => r.toFixed(0)).join(", ")}); p50 / p99 ${figures.p50Ms.toFixed(0)} / ${figures.p99Ms.toFixed(0)} ms; CPU per sign-in (ms): ${describeCpu(figures.cpu)}`,
        figures.perSecond.toFixed(0),
        `${recoveries.toFixed(0)} secp256k1 recoveries/s (1 core)`,
        (figures.perSecond / recoveries).toFixed(3),
        "",
      ]),
      ...referenceRatios.map((ratio) => [
        `Sigil ${sigilWorkers.get(ratio.target) ?? ratio.target}, ${ratio.flow} flow ÷ ${ratio.reference}, same flow, per round: ${ratio.perRound.map((r) => r.toFixed(2)).join(", ")} (minimum; median ${ratio.median.toFixed(2)})`,
        `min ${ratio.min.toFixed(2)}×`,
        `${referenceSignIns.find((f) => f.target === ratio.reference && f.flow === ratio.flow)!.perSecond.toFixed(0)} sign-ins/s, the reference's median`,
        ratio.median.toFixed(3),
        `≥ ${ratio.factor}× the memory-session reference in every round: ${ratio.met ? "met" : "not met"}`,
      ]),
      [
        `refresh-token rotations/s (Postgres: rotate + grant + audit, new access token); p50 / p99 ${refreshes.p50Ms.toFixed(0)} / ${refreshes.p99Ms.toFixed(0)} ms`,
        refreshes.perSecond.toFixed(0),
        `${es256.toFixed(0)} ES256 verifications/s (1 core)`,
        (refreshes.perSecond / es256).toFixed(3),
        `≥ sign-ins/s of this run (${signInPace.perSecond.toFixed(0)}, ${signInPace.target}, challenge flow): ${refreshes.perSecond >= signInPace.perSecond ? "met" : "not met"}`,
      ],
      ...(["introspect", "me"] as const).map((check) => {
        const figures = tokenChecks[check];
        const failed = Object.keys(figures.errors).length > 0;
        const { route, target } = TOKEN_CHECKS[check];
        return [
          `${route} req/s, ${concurrency} sessions' access tokens; p50 / p99 ${figures.p50Ms.toFixed(0)} / ${figures.p99Ms.toFixed(0)} ms; CPU per request (ms): ${describeCpu(figures.cpu)}`,
          failed ? `failed: ${JSON.stringify(figures.errors)}` : figures.perSecond.toFixed(0),
          `${http.barePerSecond.toFixed(0)} req/s bare node:http; ${es256.toFixed(0)} ES256 verifications/s (1 core)`,
          `${(figures.perSecond / http.barePerSecond).toFixed(3)} / ${(figures.perSecond / es256).toFixed(3)}`,
          `≥ ${target.toLocaleString("en")}/s: ${!failed && figures.perSecond >= target ? "met" : "not met"}`,
        ];
      }),
      [
        "offline access-token verifications/s in libs/guard (verifyAccessToken, no cache, 1 core)",
        offline.toFixed(0),
        `${es256.toFixed(0)} ES256 verifications/s (1 core)`,
        (offline / es256).toFixed(3),
        "",
      ],
      ["example-venue route without guard (req/s)", guard.openPerSecond.toFixed(0), "", "", ""],
      [
        "same route through libs/guard (req/s)",
        guard.guardedPerSecond.toFixed(0),
        `${es256.toFixed(0)} ES256 verifications/s (1 core)`,
        (guard.guardedPerSecond / es256).toFixed(3),
        "",
      ],
      [
        "guard overhead (1 − guarded/open)",
        `${(guard.overhead * 100).toFixed(1)} %`,
        "",
        "",
        `≤ 20 %: ${guard.overhead <= 0.2 ? "met" : "not met"}`,
      ],
      ...(["express", "fastify"] as const).map((name) => {
        const figures = adapters[name];
        return [
          `${name === "express" ? "Express" : "Fastify"} route through @sigil/verify/${name} (req/s)`,
          figures.guardedPerSecond.toFixed(0),
          `${figures.openPerSecond.toFixed(0)} req/s, same route without it`,
          (figures.guardedPerSecond / figures.openPerSecond).toFixed(3),
          `overhead ${(figures.overhead * 100).toFixed(1)} %, ≤ 20 %: ${figures.overhead <= 0.2 ? "met" : "not met"}`,
        ];
      }),
      [
        "signed-request verifications/s, HMAC-SHA256 / Ed25519 (window, signature, nonce; 1 core, in process)",
        `${signedRequests.hmacPerSecond.toFixed(0)} / ${signedRequests.ed25519PerSecond.toFixed(0)}`,
        "",
        "",
        "",
      ],
      [
        "DPoP-bound requests through libs/guard (req/s; fresh proof each, jti cache, ath)",
        dpop.perSecond.toFixed(0),
        `${dpop.bearerPerSecond.toFixed(0)} Bearer req/s (same route, same run)`,
        (dpop.perSecond / dpop.bearerPerSecond).toFixed(3),
        "",
      ],
      [
        `on-chain revoke mined → token refused at the auth-api, p50 / p99 (ms, ${revocations.revocations} revocations)`,
        `${revocations.authApi.p50Ms.toFixed(0)} / ${revocations.authApi.p99Ms.toFixed(0)}`,
        "",
        "",
        `p99 ≤ 250 ms: ${revocations.authApi.p99Ms <= 250 ? "met" : "not met"}`,
      ],
      [
        "same, refused at the venue through libs/guard (revocation feed long-polled), p50 / p99 (ms)",
        `${revocations.venue.p50Ms.toFixed(0)} / ${revocations.venue.p99Ms.toFixed(0)}`,
        "",
        "",
        "",
      ],
    ];
    const signInErrors = signIns
      .filter((figures) => Object.keys(figures.errors).length > 0)
      .map((f) => `Sign-in errors (${f.target}, ${f.flow} flow): ${JSON.stringify(f.errors)}`);
    const otherErrors = [
      { what: "Refresh", errors: refreshes.errors },
      ...(["introspect", "me"] as const).map((c) => ({
        what: TOKEN_CHECKS[c].route,
        errors: tokenChecks[c].errors,
      })),
    ]
      .filter(({ errors }) => Object.keys(errors).length > 0)
      .map(({ what, errors }) => `${what} errors: ${JSON.stringify(errors)}`);
    const markdown = [
      `Benchmark of ${report.date} on ${report.machine} (\`${report.command}\`, ${seconds} s per figure, ${concurrency} concurrent clients, auth-api workers: ${report.settings.authApiWorkers})`,
      "",
      ...rows.map((row) => `| ${row.join(" | ")} |`),
      "",
      ...(signInErrors.length > 0 ? signInErrors : ["No sign-in errors."]),
      ...(otherErrors.length > 0 ? otherErrors : ["No refresh or token-check errors."]),
      `Fastest sign-in configuration: ${best.target}, ${best.flow} flow, ${best.perSecond.toFixed(0)}/s.`,
    ].join("\n");
    const outDir = path.join(root, "bench-results");
    await mkdir(outDir, { recursive: true });
    await writeFile(
      path.join(outDir, "report.json"),
      JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
    );
    await writeFile(path.join(outDir, "report.md"), `${markdown}\n`);
    console.log(`\n${markdown}\n\n(written to bench-results/report.md and report.json)`);
  } finally {
    stopAll();
    await database.drop();
  }
}

/** The token checks' routes as the report names them, and their targets (req/s). */
const TOKEN_CHECKS: Record<TokenCheck, { route: string; target: number }> = {
  introspect: { route: "POST /oauth/introspect (HTTP Basic, resource client)", target: 10_000 },
  me: { route: "GET /v1/me (Bearer)", target: 6_000 },
};

/** "auth-api 4.10, postgres 1.90, …" largest first. */
function describeCpu(cpu: CpuShare): string {
  return Object.entries(cpu.perUnitMs)
    .sort(([, a], [, b]) => b - a)
    .map(([group, ms]) => `${group} ${ms.toFixed(2)}`)
    .join(", ");
}

runBenchMain(main);
