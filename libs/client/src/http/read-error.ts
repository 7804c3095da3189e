import { ClientErrorCodes, SigilClientError } from "../errors/sigil-client-error.js";

/** Turns a non-2xx answer of Sigil (or a Sigil-guarded resource server) into a typed error. */
export async function readError(response: Response): Promise<SigilClientError> {
  const retryAfter = Number(response.headers.get("retry-after"));
  const init = {
    status: response.status,
    requestId: response.headers.get("x-request-id") ?? undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    return new SigilClientError(
      ClientErrorCodes.networkError,
      `HTTP ${response.status} without a JSON body`,
      {
        ...init,
        cause,
      },
    );
  }
  const { error, message, requestId } = (body ?? {}) as {
    error?: unknown;
    message?: unknown;
    requestId?: unknown;
  };
  return new SigilClientError(
    typeof error === "string" ? error : ClientErrorCodes.networkError,
    typeof message === "string" ? message : `HTTP ${response.status}`,
    { ...init, requestId: typeof requestId === "string" && requestId ? requestId : init.requestId },
  );
}
