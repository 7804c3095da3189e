import { ChainClients, readLatestBlock } from "@sigil/chain";
import {
  type AppConfig,
  EX_CONFIG,
  loadConfig,
  loadKeyConfig,
  problemsOf,
  reportInvalidConfig,
  resolveKekProvider,
} from "@sigil/config";
import { ConfigInvalidError, isSigilError } from "@sigil/core";
import { SigningKeyStore } from "@sigil/persistence";
import { SecretBox } from "@sigil/sessions";
import { Redis } from "ioredis";
import { openCliDatabase } from "../database/open-cli-database.js";
import { checkPolicySource } from "./policy.js";

/** One live check of `sigil config check`; `code` says why it failed (stable). */
export interface LiveCheck {
  check: string;
  ok: boolean;
  code?: string;
  message?: string;
}

export interface ConfigCheckParameters {
  env?: NodeJS.ProcessEnv;
  json?: boolean;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
const failed = (check: string, code: string, error: unknown): LiveCheck => ({
  check,
  ok: false,
  code: isSigilError(error) ? error.code : code,
  message: describe(error),
});

/**
 * `sigil config check`: the service's validation of the environment without starting it (exit 78
 * listing every problem), then live checks: the database answers and is migrated, each chain's RPC
 * answers with its configured id, every policy source (the registries by default) has code and
 * answers its interface, the KEK opens every stored signing key, Redis answers when configured.
 * Returns the exit code: 0 only when every check passes.
 */
export async function configCheck(p: ConfigCheckParameters = {}): Promise<number> {
  const { env = process.env, print = console.log, printError = console.error } = p;
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    if (!p.json) return reportInvalidConfig(error, printError);
    printError(JSON.stringify({ ok: false, error: error.code, problems: problemsOf(error) }, null, 2));
    return EX_CONFIG;
  }
  const checks = [
    ...(await checkDatabaseAndKeys(env)),
    ...(await checkChains(config)),
    ...(config.abuse.redisUrl ? [await checkRedis(config.abuse.redisUrl)] : []),
  ];
  const ok = checks.every((check) => check.ok);
  if (p.json) print(JSON.stringify({ ok, checks }, null, 2));
  else {
    for (const check of checks)
      print(
        `${check.ok ? "ok    " : "FAILED"} ${check.check}${check.ok ? "" : `: ${check.message} [${check.code}]`}`,
      );
    print(ok ? `config check: all ${checks.length} checks ok` : "config check: FAILED");
  }
  return ok ? 0 : 1;
}

async function checkDatabaseAndKeys(env: NodeJS.ProcessEnv): Promise<LiveCheck[]> {
  let dataSource;
  try {
    dataSource = await openCliDatabase(env);
    await dataSource.query("SELECT 1");
  } catch (error) {
    await dataSource?.destroy().catch(() => undefined);
    return [failed("database", "database_unavailable", error)];
  }
  try {
    if (await dataSource.showMigrations())
      return [
        {
          check: "database",
          ok: false,
          code: "database_not_migrated",
          message:
            "pending migrations: run `sigil migrate` (or start one instance with SIGIL_MIGRATE_ON_START)",
        },
      ];
    const checks: LiveCheck[] = [{ check: "database", ok: true }];
    try {
      const config = loadKeyConfig(env);
      const box = new SecretBox(await resolveKekProvider({ config, warn: () => undefined }));
      const store = new SigningKeyStore(dataSource, box);
      const stored = (await store.list({ now: new Date(), includeRetired: true })).filter(
        (key) => key.canSign,
      );
      for (const key of stored) await store.openSigningKey(key.kid);
      checks.push({ check: `kek opens ${stored.length} stored signing key(s)`, ok: true });
    } catch (error) {
      checks.push(failed("kek", "kek_cannot_open", error));
    }
    return checks;
  } finally {
    await dataSource.destroy();
  }
}

async function checkChains(config: AppConfig): Promise<LiveCheck[]> {
  const clients = new ChainClients(config.chains);
  const checks = await Promise.all(
    clients.all().map(async (chain): Promise<LiveCheck> => {
      const check = `chain ${chain.chainId} rpc`;
      try {
        const answered = await chain.client.getChainId();
        if (answered !== chain.chainId)
          return { check, ok: false, code: "chain_id_mismatch", message: `the RPC serves chain ${answered}` };
        return { check, ok: true };
      } catch (error) {
        return failed(check, "rpc_unavailable", error);
      }
    }),
  );
  const heads = new Map(clients.all().map((chain) => [chain.chainId, readLatestBlock(chain)] as const));
  for (const source of Object.values(config.policy.sources)) {
    const result = await checkPolicySource({
      chain: clients.get(source.chain),
      source,
      head: heads.get(source.chain)!,
    });
    const check = `source ${source.id} (${source.kind} at ${source.address} on chain ${source.chain})`;
    checks.push(
      result.ok
        ? { check, ok: true }
        : { check, ok: false, code: result.code ?? "source_failed", message: result.message ?? "" },
    );
  }
  return checks;
}

async function checkRedis(url: string): Promise<LiveCheck> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    // One attempt: a check reports, it does not wait for Redis to come back.
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { check: "redis", ok: true };
  } catch (error) {
    return failed("redis", "redis_unavailable", error);
  } finally {
    redis.disconnect();
  }
}
