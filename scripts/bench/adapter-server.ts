// One small route twice, open and behind a @sigil/verify adapter, served by Express or Fastify in
// its own process (BENCH_ADAPTER); the adapter benchmark loads both and compares.
import { sigilExpress } from "@sigil/verify/express";
import { sigilFastify } from "@sigil/verify/fastify";
import type { SigilVerifierOptions } from "@sigil/verify";
import express from "express";
import Fastify from "fastify";

const ECHO = Object.freeze({ ok: true, venue: "example", market: "ETH-USD" });
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`adapter-server: ${name} is required`);
  return value;
};
const port = Number(env("PORT"));
const options: SigilVerifierOptions = {
  issuer: env("SIGIL_ISSUER"),
  audience: "urn:sigil:venue",
  jwksUrl: `${env("SIGIL_ISSUER")}/.well-known/jwks.json`,
  // As the example venue: the feed long-polled.
  revocations: {
    url: `${env("SIGIL_ISSUER")}/v1/revocations`,
    clientId: env("VENUE_CLIENT_ID"),
    clientSecret: env("VENUE_CLIENT_SECRET"),
    longPollMs: 5_000,
  },
};

if (env("BENCH_ADAPTER") === "express") {
  const sigil = sigilExpress(options);
  await sigil.start();
  const app = express();
  app.get("/bench/open", (_req, res) => {
    res.json(ECHO);
  });
  app.get("/bench/guarded", sigil.requireScopes("positions:read"), (_req, res) => {
    res.json(ECHO);
  });
  app.listen(port, "127.0.0.1");
} else {
  const app = Fastify();
  await app.register(sigilFastify, options);
  app.get("/bench/open", async () => ECHO);
  app.get("/bench/guarded", { preHandler: app.sigil.requireScopes("positions:read") }, async () => ECHO);
  await app.listen({ port, host: "127.0.0.1" });
}
