// SECURITY-TESTS I4: the audit log is append-only and hash-chained by the database itself, and
// `sigil audit verify` names the first edited, removed or reordered row.
import { createDataSource, runMigrations } from "@sigil/persistence";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { DataSource } from "typeorm";
import { AuditService } from "../../apps/auth-api/src/platform/audit/audit.service.js";
import { verifyAuditChain } from "../../apps/cli/src/commands/audit.js";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";

const run = promisify(execFile);

/** Writes rows the three ways Sigil does: AuditService, a data-modifying CTE, and plain SQL. */
async function writeAuditRows(dataSource: DataSource, count: number): Promise<void> {
  const audit = new AuditService();
  for (let i = 0; i < count; i += 1) {
    await dataSource.transaction((manager) =>
      audit.record(manager, {
        type: "login",
        outcome: i % 3 === 0 ? "failure" : "success",
        subject: `eip155:31337:0x${String(i).padStart(40, "0")}`,
        chainId: 31337,
        requestId: `req-${i}`,
        data: { i, note: "ünïcode ✓", nested: { b: 1, a: [1, 2] } },
        occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i, 123)),
      }),
    );
  }
  await dataSource.query(
    `WITH inserted AS (
       INSERT INTO audit_events (occurred_at, type, outcome, data)
       SELECT now(), 'cte_row', 'info', jsonb_build_object('n', n) FROM generate_series(1, 3) AS n
     ) SELECT 1`,
  );
  await dataSource.query(
    `INSERT INTO audit_events (occurred_at, type, outcome, subject) VALUES (now(), 'plain', 'info', NULL)`,
  );
}

/** What an attacker with superuser rights does: switch the append-only trigger off around a change. */
async function tamper(dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query(`ALTER TABLE audit_events DISABLE TRIGGER "TRG_audit_events_append_only"`);
    await manager.query(sql, parameters);
    await manager.query(`ALTER TABLE audit_events ENABLE TRIGGER "TRG_audit_events_append_only"`);
  });
}

async function ids(dataSource: DataSource): Promise<string[]> {
  const rows = (await dataSource.query(
    `SELECT id::text AS id FROM audit_events ORDER BY audit_events.id`,
  )) as { id: string }[];
  return rows.map((row) => row.id);
}

describe("I4: tamper-evident audit log", () => {
  let database: TestDataSource;

  beforeEach(async () => {
    database = await createTestDataSource();
    await writeAuditRows(database.dataSource, 8);
  });
  afterEach(() => database?.destroy());

  it("I4: every row is chained by the database, whoever inserts it, and the chain verifies", async () => {
    const rows = (await database.dataSource.query(
      `SELECT id::text AS id, prev_hash, hash FROM audit_events ORDER BY audit_events.id`,
    )) as { id: string; prev_hash: Buffer | null; hash: Buffer }[];
    expect(rows).toHaveLength(12);
    expect(rows[0]!.prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prev_hash).toEqual(rows[i - 1]!.hash);
    expect(new Set(rows.map((row) => row.hash.toString("hex"))).size).toBe(12);
    const result = await verifyAuditChain(database.dataSource);
    expect(result).toEqual({ rows: 12, headHash: rows.at(-1)!.hash.toString("hex"), broken: undefined });
  });

  it("I4: concurrent writers still form one chain in id order", async () => {
    const audit = new AuditService();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.dataSource.transaction((manager) =>
          audit.record(manager, { type: "concurrent", outcome: "info", data: { i }, occurredAt: new Date() }),
        ),
      ),
    );
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      rows: 32,
      broken: undefined,
    });
  });

  it("I4: the application's SQL cannot UPDATE, DELETE or TRUNCATE audit rows", async () => {
    const [first] = await ids(database.dataSource);
    await expect(
      database.dataSource.query(`UPDATE audit_events SET outcome = 'success' WHERE id = $1`, [first]),
    ).rejects.toThrow(/append-only/);
    await expect(
      database.dataSource.query(`DELETE FROM audit_events WHERE id = $1`, [first]),
    ).rejects.toThrow(/append-only/);
    await expect(database.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    await expect(database.dataSource.query(`UPDATE audit_chain_head SET hash = NULL`)).rejects.toThrow(
      /append-only/,
    );
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      rows: 12,
      broken: undefined,
    });
  });

  it("I4: an edited row is named; restoring its content makes the chain verify again", async () => {
    const target = (await ids(database.dataSource))[4]!;
    const [{ outcome }] = (await database.dataSource.query(`SELECT outcome FROM audit_events WHERE id = $1`, [
      target,
    ])) as [{ outcome: string }];
    await tamper(database.dataSource, `UPDATE audit_events SET outcome = 'info' WHERE id = $1`, [target]);
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      rows: 4,
      broken: { id: target, kind: "hash_mismatch" },
    });
    await tamper(database.dataSource, `UPDATE audit_events SET outcome = $2 WHERE id = $1`, [
      target,
      outcome,
    ]);
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({ broken: undefined });
  });

  it("I4: an edited jsonb payload or timestamp is detected too", async () => {
    const [, second, third] = await ids(database.dataSource);
    await tamper(database.dataSource, `UPDATE audit_events SET data = data || '{"i": 99}' WHERE id = $1`, [
      third,
    ]);
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      broken: { id: third, kind: "hash_mismatch" },
    });
    await tamper(
      database.dataSource,
      `UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE id = $1`,
      [second],
    );
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      broken: { id: second, kind: "hash_mismatch" },
    });
  });

  it("I4: a removed row breaks the link of the row after it", async () => {
    const all = await ids(database.dataSource);
    await tamper(database.dataSource, `DELETE FROM audit_events WHERE id = $1`, [all[6]]);
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      rows: 6,
      broken: { id: all[7], kind: "link_broken" },
    });
  });

  it("I4: reordered rows (contents swapped between two ids) are detected at the first", async () => {
    const all = await ids(database.dataSource);
    const [a, b] = [all[2]!, all[5]!];
    await tamper(
      database.dataSource,
      `UPDATE audit_events AS x SET type = y.type, outcome = y.outcome, subject = y.subject,
              request_id = y.request_id, data = y.data, occurred_at = y.occurred_at
         FROM (SELECT id, type, outcome, subject, request_id, data, occurred_at FROM audit_events
                WHERE id IN ($1, $2)) AS y
        WHERE x.id IN ($1, $2) AND y.id <> x.id`,
      [a, b],
    );
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      broken: { id: a, kind: "hash_mismatch" },
    });
  });

  it("I4: rows removed from the end are caught by the chain head", async () => {
    const all = await ids(database.dataSource);
    await tamper(database.dataSource, `DELETE FROM audit_events WHERE id >= $1`, [all[10]]);
    await expect(verifyAuditChain(database.dataSource)).resolves.toMatchObject({
      rows: 10,
      broken: { id: all[11], kind: "tail_missing" },
    });
  });
});

describe("I4: sigil audit verify (the command)", () => {
  const cli = path.resolve("apps/cli/src/main.ts");
  const sigil = (env: Record<string, string>) =>
    run(process.execPath, ["--import", "@swc-node/register/esm-register", cli, "audit", "verify"], {
      env: { ...process.env, DATABASE_URL: "", ...env },
      timeout: 60_000,
    });

  it("I4: exits 0 on an intact log, and 1 naming the row after one audit row is edited in SQL", async () => {
    // Postgres mode: the command reads DATABASE_URL. Embedded mode: a PGlite folder under SIGIL_DATA_DIR.
    const serverUrl = process.env.TEST_DATABASE_URL;
    const dataDir = serverUrl ? undefined : await mkdtemp(path.join(tmpdir(), "sigil-audit-"));
    const database = serverUrl ? await createTestDataSource() : undefined;
    const dataSource = database?.dataSource ?? createDataSource({ dataDir: path.join(dataDir!, "pglite") });
    try {
      if (!database) {
        await dataSource.initialize();
        await runMigrations(dataSource);
      }
      await writeAuditRows(dataSource, 5);
      const target = (await ids(dataSource))[3]!;
      const env: Record<string, string> = serverUrl
        ? { DATABASE_URL: (dataSource.options as { url: string }).url }
        : { SIGIL_DATA_DIR: dataDir! };
      // PGlite admits one process at a time: close ours while the command runs.
      if (!database) await dataSource.destroy();
      const intact = await sigil(env);
      expect(intact.stdout).toMatch(/audit log intact: 9 rows verified/);

      if (!database) await dataSource.initialize();
      await tamper(dataSource, `UPDATE audit_events SET subject = 'eip155:31337:0xattacker' WHERE id = $1`, [
        target,
      ]);
      if (!database) await dataSource.destroy();
      const failure = await sigil(env).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(`audit log broken at row ${target}:`);
      expect(failure?.stderr).toContain("[audit_chain_broken]");
    } finally {
      if (database) await database.destroy();
      else {
        if (dataSource.isInitialized) await dataSource.destroy();
        await rm(dataDir!, { recursive: true, force: true });
      }
    }
  });
});
