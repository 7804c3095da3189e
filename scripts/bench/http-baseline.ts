// The HTTP floor of this machine: a bare node:http server answering a constant JSON body, in its
// own process, against the auth-api's cheapest route (GET /health/live), under the
// same load generator. What the framework, middleware and logging cost per request, before any
// sign-in work.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { measureCpuShare } from "./cpu-by-process.js";
import { loadUrl } from "./guard-load.js";

export interface HttpBaseline {
  barePerSecond: number;
  bareCpuMsPerRequest: number;
  livePerSecond: number;
  liveCpuMsPerRequest: number;
}

const SERVER = fileURLToPath(new URL("./bare-http-server.mjs", import.meta.url));

const load = (url: string, seconds: number) => loadUrl({ url, seconds, connections: 16 });

/** CPU per request counted in the server's processes only (not the load generator). */
async function measure(url: string, seconds: number, group: "other" | "auth-api") {
  await load(url, 1);
  const { result, cpu } = await measureCpuShare(
    () => load(url, seconds),
    (r) => r.total,
  );
  return { perSecond: result.perSecond, cpuMs: cpu.perUnitMs[group] ?? 0 };
}

export async function measureHttpBaseline(p: { apiUrl: string; seconds: number }): Promise<HttpBaseline> {
  const child = fork(SERVER, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  try {
    const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(Number(m))));
    const bare = await measure(`http://127.0.0.1:${port}/`, p.seconds, "other");
    const live = await measure(`${p.apiUrl}/health/live`, p.seconds, "auth-api");
    return {
      barePerSecond: bare.perSecond,
      bareCpuMsPerRequest: bare.cpuMs,
      livePerSecond: live.perSecond,
      liveCpuMsPerRequest: live.cpuMs,
    };
  } finally {
    child.kill();
  }
}
