// The repository stands alone (docs/design.md): a clone must test and run without sibling folders.
import path from "node:path";
import { findOutsideReferences, trackedFiles } from "../../scripts/check-self-contained.js";

const root = path.resolve(import.meta.dirname, "..", "..");
// Built from parts so that this file itself holds no such reference.
const sibling = [".."].concat("shared").join("/");
const climb = (levels: number, rest: string): string => "../".repeat(levels) + rest;

describe("the repository refers to nothing outside itself", () => {
  it("no tracked file reads or links a path outside the repository", () => {
    expect(findOutsideReferences(trackedFiles(root))).toEqual([]);
  });

  it.each([
    ["README.md", `See [the design](${sibling}/DESIGN.md).`, sibling],
    ["docs/x.md", `<img src="${climb(2, "elsewhere/logo.png")}">`, climb(2, "elsewhere/logo.png")],
    [
      "test/vectors/x.test.ts",
      `const dir = path.join(here, "${climb(3, "other/vectors")}");`,
      climb(3, "other/vectors"),
    ],
    ["scripts/x.mjs", `import { y } from "${climb(2, "outside/y.js")}";`, climb(2, "outside/y.js")],
    ["apps/cli/src/x.ts", `const f = "${sibling}/conformance";`, sibling],
    [".ci/run.sh", `cp -r ${"/wo" + "rk"}/main/x .`, "/wo" + "rk/main"],
  ])("catches a reference planted in %s", (file, text, reference) => {
    expect(findOutsideReferences([{ path: file, text }])).toEqual([{ path: file, line: 1, reference }]);
  });

  it("allows paths that stay inside and links that are URLs or anchors", () => {
    const files = [
      {
        path: "docs/a.md",
        text: "[up](../README.md) [web](https://eips.ethereum.org/EIPS/eip-4361) [s](#x)",
      },
      {
        path: "apps/auth-api/src/x/y.ts",
        text: `import { z } from "../z.js"; const p = "../../package.json";`,
      },
    ];
    expect(findOutsideReferences(files)).toEqual([]);
  });
});
