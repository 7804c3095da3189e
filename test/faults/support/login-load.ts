// A bounded load generator for fault tests: a few wallets signing in (and refreshing) in a closed
// loop on loopback, recording every token handed out and every refusal with its status and code.
import { setTimeout as sleep } from "node:timers/promises";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

/** A token response the client received. */
export interface ReceivedToken {
  kind: "login" | "refresh";
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  at: number;
}

/** A request that did not succeed: HTTP status (0 = no response) and the body's `error` code. */
export interface Refusal {
  path: string;
  status: number;
  code: string;
  at: number;
}

/** A signed login the client sent, whether or not an answer came back. */
export interface SentLogin {
  message: string;
  signature: `0x${string}`;
}

export interface LoginLoad {
  tokens: ReceivedToken[];
  sent: SentLogin[];
  refusals: Refusal[];
  /** Stops the workers and waits for their in-flight requests. */
  stop(): Promise<void>;
}

export interface LoginLoadParameters {
  /** Base URL of one instance or a balancer. */
  url: string;
  workers: number;
  /** Refresh the session once after each successful login. */
  refresh?: boolean;
  /** Pause between iterations of one worker (bounds the rate). */
  pauseMs?: number;
}

/** Starts `workers` closed-loop clients, each with its own random wallet (no on-chain role). */
export function startLoginLoad({
  url,
  workers,
  refresh = false,
  pauseMs = 5,
}: LoginLoadParameters): LoginLoad {
  const tokens: ReceivedToken[] = [];
  const refusals: Refusal[] = [];
  const sent: SentLogin[] = [];
  let running = true;
  const post = async (path: string, body: unknown): Promise<Record<string, string> | undefined> => {
    try {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const json = (await response.json().catch(() => ({}))) as Record<string, string>;
      if (response.status === 200) return json;
      refusals.push({ path, status: response.status, code: String(json.error), at: Date.now() });
    } catch (error) {
      refusals.push({ path, status: 0, code: (error as Error).name, at: Date.now() });
    }
    return undefined;
  };
  const worker = async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    while (running) {
      const challenge = await post("/v1/auth/challenge", { address: account.address, chainId: 31337 });
      if (challenge) {
        const signature = await account.signMessage({ message: challenge.message! });
        sent.push({ message: challenge.message!, signature });
        const login = await post("/v1/auth/login", { message: challenge.message, signature });
        if (login) {
          tokens.push(received("login", login));
          if (refresh) {
            const refreshed = await post("/v1/auth/refresh", { refresh_token: login.refresh_token });
            if (refreshed) tokens.push(received("refresh", refreshed));
          }
        }
      }
      await sleep(challenge ? pauseMs : 50);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    tokens,
    refusals,
    sent,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

function received(kind: ReceivedToken["kind"], body: Record<string, string>): ReceivedToken {
  return {
    kind,
    sessionId: body.session_id!,
    accessToken: body.access_token!,
    refreshToken: body.refresh_token!,
    at: Date.now(),
  };
}

/** Resolves once `count` more tokens have arrived than when it was called (or throws after `timeoutMs`). */
export async function waitForTokens(load: LoginLoad, count: number, timeoutMs: number): Promise<void> {
  const target = load.tokens.length + count;
  const deadline = Date.now() + timeoutMs;
  while (load.tokens.length < target) {
    if (Date.now() > deadline) {
      const recent = load.refusals.slice(-5).map((r) => `${r.path} ${r.status} ${r.code}`);
      throw new Error(`only ${load.tokens.length}/${target} tokens within ${timeoutMs} ms; last: ${recent}`);
    }
    await sleep(50);
  }
}
