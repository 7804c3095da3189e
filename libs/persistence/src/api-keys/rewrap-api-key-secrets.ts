import type { SecretBox } from "@sigil/sessions";
import type { DataSource } from "typeorm";

/** The AES-GCM context an API key's sealed secret is bound to (its id). */
export const apiKeySecretContext = (id: string): string => `api-key:${id}`;

/**
 * KEK rotation for API keys: re-wraps the data key of every HMAC secret not under the current KEK
 * (the ciphertext is untouched); each row is a compare-and-set, so a concurrent re-wrap is harmless.
 */
export async function rewrapApiKeySecrets(dataSource: DataSource, box: SecretBox): Promise<number> {
  const rows: { id: string; kek_id: string; wrapped_data_key: Buffer; secret_encrypted: Buffer }[] =
    await dataSource.query(
      `SELECT id, kek_id, wrapped_data_key, secret_encrypted FROM api_keys
        WHERE secret_encrypted IS NOT NULL AND kek_id <> $1`,
      [box.currentKekId],
    );
  for (const row of rows) {
    const sealed = await box.rewrap({
      sealed: { kekId: row.kek_id, wrappedKey: row.wrapped_data_key, ciphertext: row.secret_encrypted },
      context: apiKeySecretContext(row.id),
    });
    await dataSource.query(
      `UPDATE api_keys SET kek_id = $2, wrapped_data_key = $3 WHERE id = $1 AND kek_id = $4`,
      [row.id, sealed.kekId, sealed.wrappedKey, row.kek_id],
    );
  }
  return rows.length;
}
