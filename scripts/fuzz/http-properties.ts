// J12: HTTP-level fuzzing of a running auth-api over every route of its OpenAPI document: random
// methods, paths, query strings, headers, content types and bodies. No answer may be a 5xx, and
// every error must be the JSON body `{error, message, requestId}`.
import fc from "fast-check";
import http from "node:http";
import type { FuzzRun } from "./token-properties.js";

interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, unknown>;
}
interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}
/** The parts of an OpenAPI 3 document the fuzz reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

export interface FuzzRoute {
  method: string;
  /** OpenAPI path template, `{id}` for parameters. */
  path: string;
  /** Top-level fields of the JSON body the route documents (empty when none). */
  fields: string[];
}

/** Every operation of `document`, with the body fields its schema names. */
export function routesOf(document: OpenApiDocument): FuzzRoute[] {
  const resolve = (schema: OpenApiSchema | undefined): OpenApiSchema | undefined =>
    schema?.$ref ? document.components?.schemas?.[schema.$ref.split("/").at(-1)!] : schema;
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
      .map(([method, operation]) => {
        const content = operation.requestBody?.content ?? {};
        const schema = resolve(Object.values(content)[0]?.schema);
        return { method: method.toUpperCase(), path, fields: Object.keys(schema?.properties ?? {}) };
      }),
  );
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "TRACE", "SEARCH"];
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
  "application/x-www-form-urlencoded",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/octet-stream",
  "application/json; charset=latin1",
  "*/*",
  ";;",
  "",
];
const SEGMENTS = [
  "..",
  "%",
  "%00",
  "%2F",
  "%zz",
  "0",
  "-1",
  "99999999999999999999",
  "%C3%BC",
  "a".repeat(600),
  "{id}",
];

/** Printable ASCII only: Node refuses to send other header characters. */
const headerText = (maxLength: number) =>
  fc.string({ maxLength }).map((text) => text.replace(/[^\x20-\x7e]/g, ""));

/** Values a JSON field may be given: right-looking and wrong-typed alike. */
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", `0x${"11".repeat(65)}`, "srt_x", 31337, -1),
  fc.integer({ min: 1, max: 60 }).map((depth) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`)),
);

function bodyFor(route: FuzzRoute): fc.Arbitrary<Buffer | undefined> {
  const fields = [...route.fields, "__proto__", "constructor", "scope", "extra"];
  return fc.oneof(
    fc.constant(undefined),
    fc
      .dictionary(fc.constantFrom(...fields), fieldValue, { maxKeys: 6 })
      .map((object) => Buffer.from(JSON.stringify(object))),
    fc.json({ maxDepth: 5 }).map((text) => Buffer.from(text)),
    fc.integer({ min: 1, max: 6000 }).map((depth) => Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`)),
    fc
      .tuple(fc.constantFrom(...fields), fc.integer({ min: 1, max: 6000 }))
      .map(([field, depth]) => Buffer.from(`{"${field}":${"[".repeat(depth)}${"]".repeat(depth)}}`)),
    fc
      .integer({ min: 1, max: 3000 })
      .map((depth) => Buffer.from(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)),
    fc.json().map((text) => Buffer.from(text.slice(0, Math.max(0, text.length - 1)))),
    fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc
      .dictionary(fc.constantFrom(...fields), fc.string({ maxLength: 40 }), { maxKeys: 4 })
      .map((form) => Buffer.from(new URLSearchParams(form).toString())),
    fc.integer({ min: 16 * 1024 - 64, max: 17 * 1024 }).map((size) => Buffer.alloc(size, 0x20)),
  );
}

/** A random request aimed at `routes`: mostly their own method and shape, often not. */
export function fuzzRequest(routes: FuzzRoute[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((route) => {
    const segment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom(...SEGMENTS),
    );
    const path = fc
      .tuple(
        fc.array(segment, { minLength: 4, maxLength: 4 }),
        fc.constantFrom("", "/", "//", "/extra", "?"),
        fc.option(
          fc
            .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 }), { maxKeys: 3 })
            .map((query) => new URLSearchParams(query).toString()),
          { nil: undefined },
        ),
      )
      .map(([values, suffix, query]) => {
        let i = 0;
        const filled = route.path.replace(/\{[^}]+\}/g, () => values[i++]!);
        return `${filled}${suffix}${query === undefined ? "" : `?${query}`}`;
      });
    const headers = fc.record(
      {
        "content-type": fc.oneof(
          { arbitrary: fc.constant("application/json"), weight: 3 },
          fc.constantFrom(...CONTENT_TYPES),
        ),
        authorization: fc.oneof(
          headerText(80).map((text) => `Bearer ${text}`),
          headerText(40).map((text) => `Basic ${Buffer.from(text).toString("base64")}`),
          headerText(40).map((text) => `DPoP ${text}`),
          headerText(60),
        ),
        dpop: headerText(120),
        "x-request-id": headerText(80),
        "content-encoding": fc.constantFrom("gzip", "identity", "br", ""),
        "x-forwarded-for": headerText(40),
        accept: fc.constantFrom("application/json", "text/html", "*/*", ""),
        "x-sigil-key": headerText(40),
        "x-sigil-timestamp": fc.oneof(headerText(20), fc.integer().map(String)),
        "x-sigil-nonce": headerText(40),
        "x-sigil-signature": headerText(120),
      },
      { requiredKeys: [] },
    );
    return fc.record({
      method: fc.oneof({ arbitrary: fc.constant(route.method), weight: 3 }, fc.constantFrom(...METHODS)),
      path,
      headers,
      body: bodyFor(route),
    });
  });
}

export interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends `request` to `baseUrl` as is (raw path, any method) over `agent`. */
export function send(baseUrl: string, request: FuzzRequest, agent: http.Agent): Promise<FuzzResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.body === undefined ? {} : { "content-length": String(request.body.length) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/** Why `response` breaks the contract, or undefined when it keeps it. */
export function contractBreach(request: FuzzRequest, response: FuzzResponse): string | undefined {
  if (response.status >= 500) return `answered ${response.status}: ${response.body.slice(0, 300)}`;
  if (response.status < 400 || request.method === "HEAD") return undefined;
  if (!String(response.headers["content-type"]).startsWith("application/json")) {
    return `error ${response.status} as ${response.headers["content-type"]}: ${response.body.slice(0, 200)}`;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return `error ${response.status} body is not JSON: ${response.body.slice(0, 200)}`;
  }
  if (Object.keys(body).sort().join() !== "error,message,requestId") {
    return `error ${response.status} body has keys ${Object.keys(body).join()}`;
  }
  if (typeof body.error !== "string" || !/^[a-z][a-z0-9_]*$/.test(body.error)) {
    return `error code ${String(body.error)} is not a stable snake_case code`;
  }
  if (body.requestId !== response.headers["x-request-id"]) return "requestId differs from X-Request-Id";
  return undefined;
}

/** The property: `run.numRuns` random requests against the app at `baseUrl`, none breaching the contract. */
export async function checkHttpRoutes(
  run: FuzzRun & { baseUrl: string; routes: FuzzRoute[] },
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await fc.assert(
      fc.asyncProperty(fuzzRequest(run.routes), async (request) => {
        const response = await send(run.baseUrl, request, agent);
        const breach = contractBreach(request, response);
        if (breach) throw new Error(`${request.method} ${request.path}: ${breach}`);
      }),
      { numRuns: run.numRuns, ...(run.seed === undefined ? {} : { seed: run.seed }) },
    );
  } finally {
    agent.destroy();
  }
}
