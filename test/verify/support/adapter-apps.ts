import type { SigilPrincipal, SigilVerifier, SigilVerifierOptions } from "@sigil/verify";
import { principalOf, sigilExpress, type SigilExpress } from "@sigil/verify/express";
import { sigilFastify } from "@sigil/verify/fastify";
import express, { type RequestHandler } from "express";
import Fastify, { type FastifyInstance, type preHandlerHookHandler } from "fastify";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A venue served by one adapter on a real port. */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export type AdapterName = "express" | "fastify";

/**
 * Test-only: the scopes a catch-all vector route requires, as a JSON array. The vectors vary a
 * route's scopes per request; a real app fixes them per route.
 */
export const REQUIRED_SCOPES_HEADER = "x-test-required-scopes";

/** The principal's wire view: what a venue handler would read, and what the vectors compare. */
export function principalView(principal: SigilPrincipal | undefined | null) {
  if (!principal) throw new Error("no principal on an admitted request");
  return {
    sub: principal.sub,
    address: principal.address,
    chainId: principal.chainId,
    scopes: [...principal.scopes].sort(),
    sid: principal.sid,
    jti: principal.jti,
    ...(principal.act ? { act: { ...principal.act } } : {}),
  };
}

/** The example venue's routes on Express behind `sigil` (started and closed by the caller). */
export function venueOnExpress(sigil: SigilExpress): Promise<RunningApp> {
  const app = express();
  app.use(express.json());
  const answer: RequestHandler = (req, res) => {
    res.json(principalView(principalOf(req)));
  };
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/me", sigil.requireScopes(), answer);
  app.get("/positions", sigil.requireScopes("positions:read"), answer);
  app.get("/orders", sigil.requireScopes("orders:read"), answer);
  app.post("/orders", sigil.requireScopes("orders:write"), (req, res) => {
    res.status(201).json({ ...principalView(principalOf(req)), order: req.body });
  });
  return listenExpress(app);
}

/** The same routes on Fastify, the plugin owning its verifier's lifecycle. */
export async function venueOnFastify(options: SigilVerifierOptions): Promise<RunningApp> {
  const app = Fastify();
  await app.register(sigilFastify, options);
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/me", { preHandler: app.sigil.requireScopes() }, async (request) =>
    principalView(request.sigilPrincipal),
  );
  app.get("/positions", { preHandler: app.sigil.requireScopes("positions:read") }, async (request) =>
    principalView(request.sigilPrincipal),
  );
  app.get("/orders", { preHandler: app.sigil.requireScopes("orders:read") }, async (request) =>
    // principalOf reads the same principal on either framework.
    principalView(principalOf(request)),
  );
  app.post("/orders", { preHandler: app.sigil.requireScopes("orders:write") }, async (request, reply) =>
    reply.code(201).send({ ...principalView(request.sigilPrincipal), order: request.body }),
  );
  return listenFastify(app);
}

/** Any method and path, admitted for the scopes the test header names, on `adapter` over `verifier`. */
export function vectorApp(adapter: AdapterName, verifier: SigilVerifier): Promise<RunningApp> {
  return adapter === "express" ? vectorAppOnExpress(verifier) : vectorAppOnFastify(verifier);
}

function scopesOf(headers: Record<string, string | string[] | undefined>): string[] {
  return JSON.parse(String(headers[REQUIRED_SCOPES_HEADER] ?? "[]")) as string[];
}

function vectorAppOnExpress(verifier: SigilVerifier): Promise<RunningApp> {
  const sigil = sigilExpress(verifier);
  const app = express();
  app.use((req, res, next) => sigil.requireScopes(...scopesOf(req.headers))(req, res, next));
  app.use((req, res) => {
    res.json(principalView(principalOf(req)));
  });
  return listenExpress(app);
}

async function vectorAppOnFastify(verifier: SigilVerifier): Promise<RunningApp> {
  const app = Fastify();
  await app.register(sigilFastify, { verifier });
  const preHandler: preHandlerHookHandler = function (request, reply, done) {
    app.sigil.requireScopes(...scopesOf(request.headers)).call(this, request, reply, done);
  };
  app.all("/*", { preHandler }, async (request) => principalView(request.sigilPrincipal));
  return listenFastify(app);
}

async function listenExpress(app: express.Express): Promise<RunningApp> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function listenFastify(app: FastifyInstance): Promise<RunningApp> {
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
}
