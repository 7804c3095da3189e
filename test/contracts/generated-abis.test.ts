import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

describe("generated ABIs", () => {
  it("the committed ABIs and bytecode equal what this machine's offline compile produces", () => {
    // Jest's global setup has just compiled with the pinned solc; --check fails on any byte of difference.
    const output = execFileSync(
      process.execPath,
      [path.join(root, "scripts", "generate-abis.mjs"), "--check"],
      {
        cwd: root,
      },
    ).toString();
    expect(output).toMatch(/generated ABIs match the artifacts \(\d+ contracts\)/);
  });
});
