/** A request to the issuer that did not produce a usable answer (network, timeout, status, body). */
export class UpstreamRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status when the issuer answered, undefined when it could not be reached. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UpstreamRequestError";
  }
}

export interface FetchJsonParameters {
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Aborts the request early (e.g. the module shutting down during a long poll). */
  signal?: AbortSignal;
}

/** GETs `url` and parses its JSON body; throws {@link UpstreamRequestError} on any failure. */
export async function fetchJson({ url, headers, timeoutMs, signal }: FetchJsonParameters): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json", ...headers },
      redirect: "error",
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new UpstreamRequestError(`${url} unreachable`, undefined, { cause });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpstreamRequestError(`${url} answered ${response.status}`, response.status);
  }
  try {
    return await response.json();
  } catch (cause) {
    throw new UpstreamRequestError(`${url} answered a body that is not JSON`, response.status, { cause });
  }
}
