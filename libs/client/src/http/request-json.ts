import { ClientErrorCodes, SigilClientError } from "../errors/sigil-client-error.js";
import { readError } from "./read-error.js";

/** Parameters of {@link requestJson}. */
export interface RequestJsonParameters {
  fetch: typeof globalThis.fetch;
  url: string;
  method?: "GET" | "POST" | "DELETE";
  body?: unknown;
  accessToken?: string;
}

/**
 * One JSON call to Sigil: a 2xx body (undefined for 204), otherwise a {@link SigilClientError}
 * carrying the service's stable `error` code; a transport failure is `network_error`.
 */
export async function requestJson<T>({
  fetch,
  url,
  method = "GET",
  body,
  accessToken,
}: RequestJsonParameters): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new SigilClientError(ClientErrorCodes.networkError, `could not reach ${url}`, { cause });
  }
  if (!response.ok) throw await readError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
