// J10 (unknown methods, a real internal failure, SQLSTATE 40xxx) and J12 (nesting depth) over HTTP,
// against the real database: failures are forced in Postgres itself, never by mocking the filter.
import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import net from "node:net";
import { Writable } from "node:stream";
import pg from "pg";
import request from "supertest";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { expectError } from "./support/siwe.js";

/** Words a leaked stack, SQL statement or driver message would contain. */
const LEAK = /\bat .*\.(js|ts):\d+|\bSELECT\b|\bINSERT\b|\bnonces\b|relation|deadlock|serializ|pg_|SQLSTATE/i;

const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("J10, J12: the error contract at its edges", () => {
  let sigil: SigilTestEnvironment;
  let app: INestApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    sigil = await startSigil();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    app = await createApp({
      config: loadConfig({ ...sigil.env, SIGIL_LOG_LEVEL: "info" }),
      dataSource: sigil.database.dataSource,
      logStream: sink,
    });
  });
  afterAll(async () => {
    await app?.close();
    await sigil?.close();
  });

  const http = () => request(app.getHttpServer());
  const errorLines = () =>
    lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50 && !line.includes('"res"'));

  describe("J12: nesting depth", () => {
    /** `{"<field>": [[[…]]]}`: `depth` levels in all, about 2 bytes a level. */
    const nested = (field: string, depth: number) =>
      `{"${field}":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;

    it.each([
      ["/v1/auth/challenge", "address"],
      ["/v1/auth/login", "message"],
      ["/v1/auth/refresh", "refresh_token"],
      ["/oauth/revoke", "token"],
      ["/oauth/introspect", "token"],
      ["/v1/api-keys", "name"],
      ["/v1/delegations", "scopes"],
      ["/v1/auth/logout", "refresh_token"],
    ])(
      "J12: POST %s with a body nested 5,000 levels deep (10 KB) is 400 invalid_request, nothing logged",
      async (path, field) => {
        const before = errorLines().length;
        const body = nested(field, 5000);
        expect(body.length).toBeLessThan(16 * 1024);
        const response = await http().post(path).set("content-type", "application/json").send(body);
        expectError(response, 400, "invalid_request");
        expect(response.body.message).toMatch(/nested deeper than 32/);
        expect(errorLines().slice(before)).toEqual([]);
      },
    );

    it("J12: the limit is 32 levels: 32 reach validation, 33 are refused by the parser", async () => {
      const at = await http()
        .post("/v1/auth/challenge")
        .set("content-type", "application/json")
        .send(nested("address", 32));
      expectError(at, 400, "invalid_request");
      expect(at.body.message).not.toMatch(/nested deeper/);
      const over = await http()
        .post("/v1/auth/challenge")
        .set("content-type", "application/json")
        .send(nested("address", 33));
      expectError(over, 400, "invalid_request");
      expect(over.body.message).toMatch(/nested deeper than 32/);
      // Brackets inside strings are text, not nesting.
      const text = await http()
        .post("/v1/auth/challenge")
        .set("content-type", "application/json")
        .send(JSON.stringify({ address: ADDRESS, chainId: 31337, pad: `\\"${"[{".repeat(2000)}` }));
      expect(text.body.message).not.toMatch(/nested deeper/);
    });
  });

  describe("J10: unknown methods", () => {
    /** One raw HTTP/1.1 exchange: status, headers (lower-cased) and body. */
    const exchange = async (head: string) => {
      if (!app.getHttpServer().listening) await app.listen(0, "127.0.0.1");
      const { port } = new URL(await app.getUrl());
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), "127.0.0.1", () =>
          socket.write(`${head}\r\nHost: sigil.test\r\nConnection: close\r\n\r\n`),
        );
        let data = "";
        socket.on("data", (chunk) => (data += chunk.toString("utf8")));
        socket.on("end", () => resolve(data));
        socket.on("error", reject);
      });
      const [top, body = ""] = raw.split("\r\n\r\n", 2) as [string, string?];
      const [statusLine, ...headerLines] = top.split("\r\n");
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(":")).toLowerCase(),
          line.slice(line.indexOf(":") + 1).trim(),
        ]),
      );
      return { status: Number(statusLine!.split(" ")[1]), headers, body };
    };
    /** The JSON error contract: JSON content type, exactly `{error, message, requestId}`, id in the header. */
    const expectJsonError = (
      response: Awaited<ReturnType<typeof exchange>>,
      status: number,
      code: string,
    ) => {
      expect({ status: response.status, type: response.headers["content-type"] }).toEqual({
        status,
        type: "application/json; charset=utf-8",
      });
      const body = JSON.parse(response.body) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["error", "message", "requestId"]);
      expect(body.error).toBe(code);
      expect(body.requestId).toBe(response.headers["x-request-id"]);
    };

    it.each(["PROPFIND", "TRACE", "MKCOL", "SEARCH", "LOCK", "PURGE", "PUT", "OPTIONS"])(
      "J10: %s on a route that exists is 405 method_not_allowed with Allow; on no route, 404 not_found",
      async (method) => {
        for (const [path, allow] of [
          ["/v1/auth/challenge", "POST"],
          ["/health/live", "GET, HEAD"],
          ["/v1/sessions/abc", "DELETE"],
          ["/oauth/revoke/", "POST"],
        ] as const) {
          const response = await exchange(`${method} ${path} HTTP/1.1`);
          expectJsonError(response, 405, "method_not_allowed");
          expect(response.headers.allow).toBe(allow);
        }
        expectJsonError(await exchange(`${method} /v1/nowhere HTTP/1.1`), 404, "not_found");
      },
    );

    it("J10: CONNECT and a method the HTTP parser does not know answer JSON errors with stable codes", async () => {
      expectJsonError(await exchange("CONNECT sigil.test:443 HTTP/1.1"), 405, "method_not_allowed");
      expectJsonError(await exchange("BREW /v1/auth/challenge HTTP/1.1"), 400, "invalid_request");
      expectJsonError(await exchange("GET /v1/auth/nonce HTTP/9.9"), 400, "invalid_request");
    });
  });

  describe("J10: failures inside Postgres", () => {
    afterEach(async () => {
      await sigil.database.dataSource.query(`DROP TRIGGER IF EXISTS j10_fail ON nonces`);
      await sigil.database.dataSource.query(`DROP FUNCTION IF EXISTS j10_fail()`);
    });

    /** Makes every insert into `nonces` run `body` (PL/pgSQL) inside the request's own statement. */
    const failNonceInserts = async (body: string) => {
      await sigil.database.dataSource.query(
        `CREATE FUNCTION j10_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} END $$`,
      );
      await sigil.database.dataSource.query(
        `CREATE TRIGGER j10_fail BEFORE INSERT ON nonces FOR EACH ROW EXECUTE FUNCTION j10_fail()`,
      );
    };

    it("J10: a real internal failure (a missing relation) is 500 internal_error with the request id, no SQL or driver text", async () => {
      await failNonceInserts(`PERFORM 1 FROM j10_missing_table; RETURN NEW;`);
      const before = errorLines().length;
      const response = await http().get("/v1/auth/nonce");
      expectError(response, 500, "internal_error");
      expect(response.body.message).toBe("internal error");
      expect(response.body.requestId).toBe(response.headers["x-request-id"]);
      expect(JSON.stringify(response.body)).not.toMatch(LEAK);
      expect(response.text).not.toMatch(/j10_missing_table/);
      // The cause is in the log, under the request id, for the operator.
      const logged = errorLines().slice(before).join("\n");
      expect(logged).toContain(response.body.requestId);
      expect(logged).toContain("j10_missing_table");
    });

    it.each([
      ["40001", "serialization_failure"],
      ["40P01", "deadlock_detected"],
      ["40000", "transaction_rollback"],
    ])(
      "J10: SQLSTATE %s raised by Postgres is 503 database_busy with Retry-After, not 500",
      async (code, name) => {
        await failNonceInserts(`RAISE EXCEPTION 'forced %' , '${name}' USING ERRCODE = '${code}';`);
        const response = await http().get("/v1/auth/nonce");
        expectError(response, 503, "database_busy");
        expect(response.headers["retry-after"]).toBe("1");
        expect(JSON.stringify(response.body)).not.toMatch(LEAK);
      },
    );

    const server = process.env.TEST_DATABASE_URL ? it : it.skip;
    server(
      "J10: a real deadlock between a request and another connection is 503 with Retry-After (needs TEST_DATABASE_URL)",
      async () => {
        // The request's insert takes advisory lock 2 then waits for 1; the other connection holds 1
        // and then asks for 2: Postgres's deadlock detector aborts the request's statement.
        await failNonceInserts(
          `PERFORM pg_advisory_xact_lock(1710, 2); PERFORM pg_advisory_xact_lock(1710, 1); RETURN NEW;`,
        );
        const options = sigil.database.dataSource.options as { url: string };
        const other = new pg.Client({ connectionString: options.url });
        await other.connect();
        try {
          await other.query("BEGIN");
          await other.query("SELECT pg_advisory_xact_lock(1710, 1)");
          const pending = http()
            .get("/v1/auth/nonce")
            .then((response) => response);
          // Wait until the request's backend holds lock 2 and waits for lock 1.
          for (let i = 0; i < 100; i += 1) {
            const { rows } = await other.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
            );
            if (rows[0]!.n > 0) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          const second = other.query("SELECT pg_advisory_xact_lock(1710, 2)").then(
            () => "granted",
            (error: { code?: string }) => error.code,
          );
          const response = await pending;
          expect(await second).toBe("granted");
          expectError(response, 503, "database_busy");
          expect(response.headers["retry-after"]).toBe("1");
        } finally {
          await other.query("ROLLBACK").catch(() => undefined);
          await other.end();
        }
      },
    );
  });
});
