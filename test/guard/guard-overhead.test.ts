// Opt-in measurement, not a check: SIGIL_BENCH=1 npm test -- test/guard/guard-overhead
import type { ExecutionContext, INestApplication } from "@nestjs/common";
import { SigilAuthGuard } from "@sigil/guard";
import { Agent, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createVenueApp, loadVenueConfig } from "../../apps/example-venue/src/index.js";
import { BenchController } from "../../apps/example-venue/src/bench/bench.controller.js";
import { TestIssuer, VIEWER } from "./support/test-issuer.js";

const bench = process.env.SIGIL_BENCH === "1" ? describe : describe.skip;
const CONCURRENCY = 16;
const REQUESTS_PER_ROUND = Number(process.env.SIGIL_BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.SIGIL_BENCH_ROUNDS ?? 10);

/** Sends `total` GETs over `CONCURRENCY` keep-alive connections; returns requests per second. */
async function load(
  agent: Agent,
  port: number,
  path: string,
  total: number,
  token?: string,
): Promise<number> {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      sent += 1;
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, path, agent, headers }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
          res.resume().on("end", resolve);
        });
        req.on("error", reject).end();
      });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return total / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

bench("guard overhead: /bench/open vs /bench/guarded", () => {
  let issuer: TestIssuer;
  let app: INestApplication;
  let token: string;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    app = await createVenueApp(
      loadVenueConfig({
        SIGIL_ISSUER: issuer.issuer,
        SIGIL_AUDIENCE: issuer.audience,
        SIGIL_JWKS_URL: issuer.jwksUrl,
        SIGIL_REVOCATIONS_URL: issuer.revocationsUrl,
        VENUE_CLIENT_ID: issuer.clientId,
        VENUE_CLIENT_SECRET: issuer.clientSecret,
      }),
      { logger: false },
    );
    await app.listen(0, "127.0.0.1");
    token = issuer.sign({ address: VIEWER, scope: "positions:read" });
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  it("HTTP: both routes alternately in one run", async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    await load(agent, port, "/bench/open", 2000);
    await load(agent, port, "/bench/guarded", 2000, token);
    const rounds: { open: number; guarded: number }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which goes first, so a drift in machine load does not favour one route.
      const first = round % 2 === 0;
      const a = await load(
        agent,
        port,
        first ? "/bench/open" : "/bench/guarded",
        REQUESTS_PER_ROUND,
        first ? undefined : token,
      );
      const b = await load(
        agent,
        port,
        first ? "/bench/guarded" : "/bench/open",
        REQUESTS_PER_ROUND,
        first ? token : undefined,
      );
      rounds.push(first ? { open: a, guarded: b } : { open: b, guarded: a });
    }
    agent.destroy();
    const open = median(rounds.map((r) => r.open));
    const guarded = median(rounds.map((r) => r.guarded));
    const ratio = median(rounds.map((r) => r.guarded / r.open));
    console.log(
      `${ROUNDS} rounds × ${REQUESTS_PER_ROUND} requests per route, ${CONCURRENCY} keep-alive connections\n` +
        `median: open ${open.toFixed(0)} req/s, guarded ${guarded.toFixed(0)} req/s; ` +
        `median per-round overhead ${((1 - ratio) * 100).toFixed(1)} %`,
    );
  }, 600_000);

  it("in process: SigilAuthGuard.canActivate on a cached token", () => {
    const guard = app.get(SigilAuthGuard);
    const request = { url: "/bench/guarded", headers: { authorization: `Bearer ${token}` } };
    const response = { headersSent: false, setHeader: () => undefined };
    const http = { getRequest: () => request, getResponse: () => response, getNext: () => undefined };
    const context = {
      getClass: () => BenchController,
      getHandler: () => BenchController.prototype.guarded,
      getType: () => "http",
      switchToHttp: () => http,
      getArgByIndex: (index: number) => [request, response][index],
    } as unknown as ExecutionContext;
    const runs: number[] = [];
    for (let run = 0; run < 7; run += 1) {
      const n = 200_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i += 1) if (guard.canActivate(context) !== true) throw new Error("refused");
      runs.push(Number(process.hrtime.bigint() - started) / n);
    }
    console.log(
      `canActivate (cache hit, scope check, revocation check): median ${median(runs).toFixed(0)} ns per call`,
    );
  });
});
