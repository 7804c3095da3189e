import { Pool } from "undici";

/** One kind of request the load generator sends. */
export interface LoadTarget {
  name: string;
  origin: string;
  path: string;
  /** The bearer token for the next request (picked by the caller, e.g. any live token). */
  token(): string;
}

/** Status counts per target, and the `kid`s of the tokens each target was sent. */
export interface LoadResult {
  statuses: Record<string, Record<number, number>>;
  kids: Record<string, Set<string>>;
  requests: number;
  /** Non-200 answers, kept for the failure message. */
  failures: { target: string; status: number; kid: string; body: string }[];
}

/** Parameters of {@link runLoad}. */
export interface RunLoadParameters {
  targets: LoadTarget[];
  /** Requests in flight per target. */
  concurrency: number;
  /** Keeps going until this resolves. */
  until: Promise<unknown>;
}

/** A bounded closed-loop load generator over keep-alive connections (undici). */
export async function runLoad({ targets, concurrency, until }: RunLoadParameters): Promise<LoadResult> {
  const result: LoadResult = { statuses: {}, kids: {}, requests: 0, failures: [] };
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const pools = targets.map((target) => new Pool(target.origin, { connections: concurrency }));
  const worker = async (target: LoadTarget, pool: Pool) => {
    const statuses = (result.statuses[target.name] ??= {});
    const kids = (result.kids[target.name] ??= new Set());
    while (!done) {
      const token = target.token();
      const kid = kidOf(token);
      kids.add(kid);
      const response = await pool.request({
        method: "GET",
        path: target.path,
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await response.body.text();
      result.requests += 1;
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      if (response.statusCode !== 200) {
        result.failures.push({
          target: target.name,
          status: response.statusCode,
          kid,
          body: body.slice(0, 200),
        });
      }
    }
  };
  try {
    await Promise.all(
      targets.flatMap((target, i) => Array.from({ length: concurrency }, () => worker(target, pools[i]!))),
    );
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return result;
}

/** The `kid` header of a compact JWS. */
export function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString("utf8")) as { kid: string }).kid;
}
