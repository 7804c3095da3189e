import { statementOf, walletNamedIn } from "./siwe-lines.js";

const MESSAGE = [
  "sigil.test wants you to sign in with your Ethereum account:",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "",
  "Sign in to Sigil",
  "",
  "URI: http://sigil.test",
  "Version: 1",
].join("\n");

describe("SIWE lines read without parsing", () => {
  it("reads the wallet of line 2 and the statement", () => {
    expect(walletNamedIn(MESSAGE)).toBe("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    expect(statementOf(MESSAGE)).toBe("Sign in to Sigil");
  });

  it("finds nothing in text that is not a SIWE message", () => {
    expect(walletNamedIn("hello\nworld\n")).toBeUndefined();
    expect(statementOf("hello")).toBeUndefined();
  });

  it("cuts a long statement to 200 characters", () => {
    expect(statementOf(MESSAGE.replace("Sign in to Sigil", "x".repeat(1_000)))).toBe("x".repeat(200));
  });
});
