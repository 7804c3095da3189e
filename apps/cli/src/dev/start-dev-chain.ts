import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createPublicClient, http, type PublicClient } from "viem";
import { repoRoot } from "./repo-root.js";

export interface StartDevChainParameters {
  host: string;
  port: number;
  /** How long to wait for a spawned node to answer. */
  timeoutMs?: number;
}

export interface DevChain {
  url: string;
  client: PublicClient;
  /** True when this process started the node (so the chain is new); false when one was running. */
  startedHere: boolean;
  stop(): Promise<void>;
}

/** Uses the local chain at host:port when one answers, otherwise starts `hardhat node` there. */
export async function startDevChain({
  host,
  port,
  timeoutMs = 30_000,
}: StartDevChainParameters): Promise<DevChain> {
  const url = `http://${host}:${port}`;
  const client = createPublicClient({
    transport: http(url, { retryCount: 2, retryDelay: 100, timeout: 5_000 }),
  });
  if (await answers(client)) {
    return { url, client, startedHere: false, stop: async () => {} };
  }
  const cli = createRequire(import.meta.url).resolve("hardhat/internal/cli/cli.js");
  const child = spawn(process.execPath, [cli, "node", "--hostname", host, "--port", String(port)], {
    cwd: repoRoot(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(client))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`hardhat node did not start on ${url}: ${stderr.trim() || `exit ${child.exitCode}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, client, startedHere: true, stop: () => stopChild(child) };
}

async function answers(client: PublicClient): Promise<boolean> {
  try {
    await client.getChainId();
    return true;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
