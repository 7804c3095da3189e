import { type KeyCommandConfig, loadKeyConfig, resolveKekProvider, rotationPolicy } from "@sigil/config";
import { rewrapApiKeySecrets, type SigilDataSource, SigningKeyStore } from "@sigil/persistence";
import { SecretBox, signingKeyState } from "@sigil/sessions";
import path from "node:path";
import { openCliDatabase } from "../database/open-cli-database.js";
import { repoRoot } from "../dev/repo-root.js";

/** The environment as the service would read it, with dev mode's data folder as the default. */
function keyConfig(env: NodeJS.ProcessEnv): KeyCommandConfig {
  return loadKeyConfig({ ...env, SIGIL_DATA_DIR: env.SIGIL_DATA_DIR ?? path.join(repoRoot(), ".data") });
}

/** Opens DATABASE_URL, or dev mode's PGlite under SIGIL_DATA_DIR (stop `npm start` first: one process at a time). */
async function withStore<T>(
  env: NodeJS.ProcessEnv,
  use: (
    store: SigningKeyStore,
    config: KeyCommandConfig,
    more: { dataSource: SigilDataSource; box: SecretBox },
  ) => Promise<T>,
): Promise<T> {
  const config = keyConfig(env);
  const kek = await resolveKekProvider({ config, warn: (message) => console.error(message) });
  const dataSource = await openCliDatabase(env);
  try {
    if (await dataSource.showMigrations()) {
      throw new Error("the database has pending migrations: run `sigil migrate` and retry");
    }
    const box = new SecretBox(kek);
    return await use(new SigningKeyStore(dataSource, box), config, { dataSource, box });
  } finally {
    await dataSource.destroy();
  }
}

/** Parameters of {@link keys}. */
export interface KeysParameters {
  action: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Where the JSON result goes (stdout by default). */
  print?: (text: string) => void;
}

/**
 * `sigil keys list`: every key with its state; `sigil keys rotate`: create the successor now (published
 * at once, signing after the publish lead; running instances pick it up on their next poll).
 */
export async function keys({
  action,
  env = process.env,
  print = console.log,
}: KeysParameters): Promise<void> {
  if (action === "list") {
    return withStore(env, async (store) => {
      const now = new Date();
      const all = await store.list({ now, includeRetired: true });
      const rows = all.map((key) => ({
        kid: key.kid,
        alg: key.alg,
        state: signingKeyState(key, all, now),
        createdAt: key.createdAt.toISOString(),
        activatedAt: key.activatedAt.toISOString(),
        retiredAt: key.retiredAt?.toISOString() ?? null,
        kekId: key.kekId,
        privateKeyStored: key.canSign,
      }));
      print(JSON.stringify(rows, null, 2));
    });
  }
  if (action === "rotate") {
    return withStore(env, async (store, config) => {
      const outcome = await store.rotate({ now: new Date(), policy: rotationPolicy(config), force: true });
      if (!outcome.rotated)
        throw new Error("a new key is already pending: it activates on its own; run `sigil keys list`");
      print(
        JSON.stringify(
          {
            kid: outcome.kid,
            activatesAt: outcome.plan.activatedAt.toISOString(),
            retiring: outcome.plan.retire.map(({ kid, retiredAt }) => ({
              kid,
              retiredAt: retiredAt.toISOString(),
            })),
          },
          null,
          2,
        ),
      );
    });
  }
  throw new Error("usage: sigil keys list | sigil keys rotate");
}

/** `sigil kek rewrap`: re-wraps every data key still under a former KEK (set SIGIL_KEK_PREVIOUS to it). */
export async function kek({ action, env = process.env, print = console.log }: KeysParameters): Promise<void> {
  if (action !== "rewrap") throw new Error("usage: sigil kek rewrap");
  return withStore(env, async (store, _config, { dataSource, box }) => {
    const signingKeys = await store.rewrap();
    const apiKeySecrets = await rewrapApiKeySecrets(dataSource, box);
    print(JSON.stringify({ ...signingKeys, apiKeySecrets }, null, 2));
  });
}
