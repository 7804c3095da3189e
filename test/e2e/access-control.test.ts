// Who may call what: SECURITY-TESTS C1 (every route has an explicit, enforced policy) and C2
// (one wallet cannot read or end another's sessions or grants; sigil:admin reads anyone's grants).
import type { INestApplication } from "@nestjs/common";
import { METHOD_METADATA, PATH_METADATA } from "@nestjs/common/constants.js";
import { RequestMethod } from "@nestjs/common";
import { ModulesContainer, Reflector } from "@nestjs/core";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { ROUTE_POLICY, type RoutePolicy } from "../../apps/auth-api/src/platform/http/route-policy.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { grantNewRole, withChainSnapshot } from "./support/chain-state.js";
import { type Api, basic, bearer, listen } from "./support/http.js";
import { expectError, type Tokens, tokensFor } from "./support/siwe.js";

const alice = devAccount(DevAccountIndex.trader);
const bob = devAccount(DevAccountIndex.viewer);
const admin = devAccount(DevAccountIndex.admin);

interface Route {
  method: string;
  /** Express-style path, `:param` for parameters. */
  path: string;
  policy: RoutePolicy | undefined;
}

/**
 * Every handler of every controller Nest registered, with the policy the global guard will read
 * for it (handler metadata over controller metadata, as the guard resolves it).
 */
function nestRoutes(app: INestApplication): Route[] {
  const reflector = new Reflector();
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? "");
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
        if (typeof handler !== "function" || name === "constructor") continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const joined = `/${[base, path]
          .map((part) => part.replace(/^\/+|\/+$/g, ""))
          .filter(Boolean)
          .join("/")}`;
        routes.push({
          method: method.toLowerCase(),
          path: joined,
          policy: reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [handler, controller]),
        });
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/**
 * What the HTTP server actually answers: Fastify's route tree (`printRoutes`, one node per line,
 * four columns per level), flattened to `method path`. HEAD is Fastify's automatic twin of GET.
 */
function servedRoutes(app: INestApplication): string[] {
  const fastify = app.getHttpAdapter().getInstance() as { printRoutes(options: object): string };
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split("\n")) {
    const node = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    const path = (parents[depth - 1] ?? "") + node[2]!;
    parents[depth] = path;
    const methods = (node[3] ?? "").split(", ").filter(Boolean);
    for (const method of methods) {
      if (method !== "HEAD" || !methods.includes("GET")) routes.push(`${method.toLowerCase()} ${path}`);
    }
  }
  return routes;
}

/** Served by Swagger (and @fastify/static for its UI) for documentation, outside Nest's controllers (and so outside the guard). */
const DOCUMENTATION_ROUTE = /^get \/(openapi\.json|docs-yaml|docs(\/.*|\*)?)$/;

describe("access control over HTTP", () => {
  let sigil: SigilTestEnvironment;
  let api: Api;

  beforeAll(async () => {
    sigil = await startSigil();
    api = await listen(sigil.app);
  });
  afterAll(() => sigil?.close());

  describe("C1: every route has an explicit policy", () => {
    it("C1: every route of the app declares a policy, and the server exposes no other route but the docs", () => {
      const routes = nestRoutes(sigil.app);
      expect(routes.length).toBeGreaterThanOrEqual(16);
      const withoutPolicy = routes.filter((route) => route.policy === undefined);
      expect(withoutPolicy).toEqual([]);
      for (const { policy } of routes)
        expect(["public", "bearer", "client", "proof", "scrape"]).toContain(policy!.kind);

      const declared = new Set(routes.map((route) => `${route.method} ${route.path}`));
      const served = servedRoutes(sigil.app);
      const undeclared = served.filter((route) => !declared.has(route) && !DOCUMENTATION_ROUTE.test(route));
      expect(undeclared).toEqual([]);
      expect(served.filter((route) => declared.has(route)).sort()).toEqual([...declared].sort());
    });

    it("C1: the OpenAPI document at /openapi.json lists exactly the app's routes", async () => {
      const { body } = await api.get("/openapi.json").expect(200);
      const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`),
      );
      const routes = nestRoutes(sigil.app).map(
        (route) => `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`,
      );
      expect(documented.sort()).toEqual(routes.sort());
    });

    it("C1: each policy is enforced: bearer routes refuse a missing token, client routes missing credentials", async () => {
      const anyId = "00000000-0000-4000-8000-000000000000";
      for (const route of nestRoutes(sigil.app)) {
        const path = route.path.replace(/:[A-Za-z0-9_]+/g, anyId);
        const call = () =>
          (api as unknown as Record<string, (path: string) => ReturnType<Api["get"]>>)[route.method]!(path);
        const response = await call().send({});
        const label = `${route.method} ${route.path} (${route.policy!.kind})`;
        if (route.policy!.kind === "bearer") {
          expect([label, response.status, response.body.error]).toEqual([label, 401, "unauthorized"]);
          expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
        } else if (route.policy!.kind === "client") {
          expect([label, response.status, response.body.error]).toEqual([label, 401, "invalid_client"]);
          const bearerOnly = await call().set(bearer("x.y.z")).send({});
          expect([label, bearerOnly.status]).toEqual([label, 401]);
        } else if (route.policy!.kind === "proof") {
          // Bot routes: a DPoP proof or a signed request (issue 5), checked before the handler.
          const error = route.policy!.proof === "dpop" ? "invalid_dpop_proof" : "request_signature_invalid";
          expect([label, response.status, response.body.error]).toEqual([label, 401, error]);
          const bearerOnly = await call().set(bearer("x.y.z")).send({});
          expect([label, bearerOnly.status]).toEqual([label, 401]);
        } else {
          // Public routes (and scrape routes with no scrape token configured, as here) may refuse the
          // empty body (400), but never for want of credentials.
          expect([label, [401, 403].includes(response.status)]).toEqual([label, false]);
          expect([label, response.status < 500]).toEqual([label, true]);
        }
      }
    });
  });

  describe("C2: one wallet cannot reach another's sessions or grants", () => {
    let a: Tokens;
    let b: Tokens;
    beforeAll(async () => {
      a = await tokensFor(api, alice);
      b = await tokensFor(api, bob);
    });

    it("C2: wallet B lists only its own sessions", async () => {
      const { body } = await api.get("/v1/sessions").set(bearer(b.access_token)).expect(200);
      const ids = body.sessions.map((session: { id: string }) => session.id);
      expect(ids).toContain(b.session_id);
      expect(ids).not.toContain(a.session_id);
      const { body: mine } = await api.get("/v1/sessions").set(bearer(a.access_token)).expect(200);
      expect(mine.sessions.map((session: { id: string }) => session.id)).toContain(a.session_id);
    });

    it("C2: wallet B cannot end wallet A's session: 404, and A's session lives on", async () => {
      const response = await api.delete(`/v1/sessions/${a.session_id}`).set(bearer(b.access_token));
      expectError(response, 404, "not_found");
      await api.get("/v1/me").set(bearer(a.access_token)).expect(200);
      // Malformed ids are just as unknown: 404, never a database error.
      for (const id of ["0".repeat(36), "-".repeat(36), "not-a-session", "' OR 1=1 --"]) {
        expectError(
          await api.delete(`/v1/sessions/${encodeURIComponent(id)}`).set(bearer(b.access_token)),
          404,
          "not_found",
        );
      }
    });

    it("C2: wallet B cannot read wallet A's grants (403), only its own", async () => {
      const refused = await api.get("/v1/grants").query({ subject: a.sub }).set(bearer(b.access_token));
      expectError(refused, 403, "insufficient_scope");
      const { body } = await api.get("/v1/grants").set(bearer(b.access_token)).expect(200);
      expect(body.grants.length).toBeGreaterThan(0);
      for (const grant of body.grants) expect(grant.subject).toBe(b.sub);
    });

    it("C2: a wallet whose on-chain role confers sigil:admin can read anyone's grants", async () => {
      await withChainSnapshot(async () => {
        await grantNewRole(sigil.chain, sigil.stack.registry, {
          name: "AUDITOR",
          scopes: ["sigil:admin"],
          holder: admin.address,
        });
        const auditor = await tokensFor(api, admin);
        expect(auditor.scope.split(" ")).toContain("sigil:admin");
        const { body } = await api
          .get("/v1/grants")
          .query({ subject: a.sub })
          .set(bearer(auditor.access_token))
          .expect(200);
        expect(body.grants.map((grant: { sessionId: string }) => grant.sessionId)).toContain(a.session_id);
        for (const grant of body.grants) expect(grant.subject).toBe(a.sub);
      });
      // The same wallet without the role (chain reverted) is an ordinary caller again.
      const ordinary = await tokensFor(api, admin);
      expect(ordinary.scope).toBe("");
      const refused = await api
        .get("/v1/grants")
        .query({ subject: a.sub })
        .set(bearer(ordinary.access_token));
      expectError(refused, 403, "insufficient_scope");
    });
  });

  it("the revocation feed is for registered resource servers only", async () => {
    expectError(await api.get("/v1/revocations"), 401, "invalid_client");
    await api.get("/v1/revocations").set(basic()).expect(200);
  });
});
