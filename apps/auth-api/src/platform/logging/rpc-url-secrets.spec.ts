import { rpcUrlSecrets, scrubbing } from "./rpc-url-secrets.js";

describe("RPC URL credentials in logs", () => {
  it("J11: takes user, password and path+query of RPC URLs as secrets, not a bare host", () => {
    expect(
      rpcUrlSecrets([
        "https://rpc-user:p%40ssword@rpc.example/v3/0123456789abcdef",
        "https://eth.example/?apikey=abcd1234",
        "http://127.0.0.1:8545",
      ]),
    ).toEqual([
      "/v3/0123456789abcdef",
      "/?apikey=abcd1234",
      "0123456789abcdef",
      "p%40ssword",
      "rpc-user",
      "p@ssword",
    ]);
  });

  it("J11: a long key is scrubbed when quoted alone, and as written before URL encoding", () => {
    const key = "k3y|0123456789abcdef";
    const secrets = rpcUrlSecrets([
      `https://rpc.example/v3/${key}`,
      "https://eth.example/rpc?apikey=fedcba9876543210xx",
    ]);
    const written: string[] = [];
    const stream = scrubbing({ write: (line: string) => void written.push(line) }, secrets);
    stream.write(`invalid project id ${key}; url https://rpc.example/v3/${key}; apikey fedcba9876543210xx\n`);
    expect(written[0]).not.toContain("0123456789abcdef");
    expect(written[0]).not.toContain("fedcba9876543210xx");
  });

  it("J11: scrubs every occurrence from each line, and passes lines without one unchanged", () => {
    const written: string[] = [];
    const stream = scrubbing({ write: (line: string) => void written.push(line) }, ["/v3/key-1234"]);
    stream.write(`{"msg":"URL: https://rpc.example/v3/key-1234 failed; again /v3/key-1234"}\n`);
    stream.write(`{"msg":"fine"}\n`);
    expect(written).toEqual([
      `{"msg":"URL: https://rpc.example[redacted] failed; again [redacted]"}\n`,
      `{"msg":"fine"}\n`,
    ]);
  });
});
