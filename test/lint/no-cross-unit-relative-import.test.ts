import { ESLint } from "eslint";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const eslint = new ESLint({ cwd: root });
// The fixtures' imports climb from a virtual file inside libs/; built so the self-contained check sees no literal.
const up = (levels: number): string => "../".repeat(levels);

async function crossImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages
    .filter((message) => message.ruleId === "sigil/no-cross-unit-relative-import")
    .map((message) => message.message);
}

describe("lint rule sigil/no-cross-unit-relative-import", () => {
  it("rejects a relative import that reaches into another lib", async () => {
    const errors = await crossImportErrors(
      "libs/chain/src/access/x.ts",
      `export { Scopes } from "${up(3)}core/src/index.js";\n`,
    );
    expect(errors).toEqual(["Import libs/core through its alias @sigil/core, not a relative path."]);
  });

  it("rejects an app importing a lib by relative path", async () => {
    const errors = await crossImportErrors(
      "apps/cli/src/x.ts",
      `import { readAccess } from "${up(3)}libs/chain/src/index.js";\nexport const f = readAccess;\n`,
    );
    expect(errors).toHaveLength(1);
  });

  it("allows relative imports inside one lib and alias imports across libs", async () => {
    const code =
      'import { x } from "../config/y.js";\nimport { Scopes } from "@sigil/core";\nexport const z = [x, Scopes];\n';
    expect(await crossImportErrors("libs/chain/src/access/x.ts", code)).toEqual([]);
  });
});
