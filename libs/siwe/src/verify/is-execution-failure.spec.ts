import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPublicClient, http } from "viem";
import { call } from "viem/actions";
import { isExecutionFailure } from "./is-execution-failure.js";

/** A fake node answering every request with the HTTP status and JSON-RPC error set for it. */
let answer: { status: number; error?: { code: number; message: string; data?: unknown } };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { id } = JSON.parse(Buffer.concat(chunks).toString()) as { id: number };
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id, error: answer.error }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failureOf(next: typeof answer): Promise<unknown> {
  answer = next;
  const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
  return call(client, { to: "0x0000000000000000000000000000000000000001", data: "0x", gas: 1n }).then(
    () => "answered",
    (error: unknown) => error,
  );
}

describe("isExecutionFailure: how each node dialect reads through viem's http transport", () => {
  it.each([
    ["geth/reth/anvil revert (code 3)", { code: 3, message: "execution reverted", data: "0x08c379a0" }],
    ["geth out of gas", { code: -32000, message: "out of gas" }],
    ["geth invalid opcode", { code: -32000, message: "invalid opcode: INVALID" }],
    [
      "Hardhat revert",
      { code: -32603, message: "Error: VM Exception while processing transaction: reverted" },
    ],
    ["Hardhat out of gas", { code: -32603, message: "Transaction ran out of gas" }],
  ])("%s is an execution failure: the signature is refused", async (_name, error) => {
    expect(isExecutionFailure(await failureOf({ status: 200, error }))).toBe(true);
  });

  it.each([
    ["rate limit", 200, { code: -32005, message: "limit exceeded" }],
    ["missing state", 200, { code: -32000, message: "header not found" }],
    ["node fault", 200, { code: -32603, message: "missing trie node" }],
    ["HTTP 502", 502, undefined],
    ["HTTP 429", 429, undefined],
  ])("%s is not: the chain is unavailable", async (_name, status, error) => {
    expect(isExecutionFailure(await failureOf(error ? { status, error } : { status }))).toBe(false);
  });

  it("a refused connection or a non-viem error is not", async () => {
    const client = createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0 }) });
    const refused = await call(client, { to: "0x0000000000000000000000000000000000000001" }).catch(
      (error: unknown) => error,
    );
    expect(isExecutionFailure(refused)).toBe(false);
    expect(isExecutionFailure(new Error("execution reverted"))).toBe(false);
  });
});
