import {
  folderCycles,
  folderGraph,
  nestedFolderCycles,
  type SourceFile,
} from "../../scripts/check-folder-cycles.js";

const cyclesOf = (files: SourceFile[]) => folderCycles(folderGraph(files));

describe("folder-level import cycles (scripts/check-folder-cycles.ts, run by npm run lint)", () => {
  it("finds a loop that runs through several files of three folders", () => {
    const files = [
      { path: "auth/login.ts", text: `import { a } from "../sessions/rotate.js";` },
      { path: "sessions/rotate.ts", text: `import type { B } from "../keys/keys.service.js";` },
      { path: "keys/keys.service.ts", text: `export { c } from "../auth/login-helpers.js";` },
      { path: "auth/login-helpers.ts", text: `export const c = 1;` },
      { path: "platform/http.ts", text: `import { x } from "@sigil/core";` },
    ];
    expect(cyclesOf(files)).toEqual([["auth", "keys", "sessions"]]);
  });

  it("accepts dependencies that run one way, type-only and dynamic imports included", () => {
    const files = [
      {
        path: "auth/login.ts",
        text: `import { a } from "../sessions/rotate.js"; import("../platform/http.js");`,
      },
      { path: "sessions/rotate.ts", text: `import type { H } from "../platform/http.js";` },
      { path: "platform/http.ts", text: `import { y } from "./errors.js";` },
      { path: "app.module.ts", text: `import { m } from "./auth/login.js";` },
    ];
    expect(cyclesOf(files)).toEqual([]);
  });

  it("counts a dynamic import as a dependency", () => {
    const files = [
      { path: "a/x.ts", text: `const m = await import("../b/y.js");` },
      { path: "b/y.ts", text: `import { x } from "../a/x.js";` },
    ];
    expect(cyclesOf(files)).toEqual([["a", "b"]]);
  });

  it("finds a cycle between subfolders of one folder, at any depth, with the parent's own files", () => {
    const files = [
      { path: "platform/http/types.ts", text: `import type { E } from "../errors/filter.js";` },
      { path: "platform/errors/filter.ts", text: `import type { T } from "../http/types.js";` },
      { path: "bots/keys/a/x.ts", text: `import { y } from "../b/y.js";` },
      { path: "bots/keys/b/y.ts", text: `import { z } from "../z.js";` },
      { path: "bots/keys/z.ts", text: `import { x } from "./a/x.js";` },
      { path: "sessions/s.ts", text: `import { t } from "../platform/http/types.js";` },
    ];
    expect(cyclesOf(files)).toEqual([]);
    expect(nestedFolderCycles(files)).toEqual([
      ["bots/keys/.", "bots/keys/a", "bots/keys/b"],
      ["platform/errors", "platform/http"],
    ]);
  });

  it("accepts subfolders that depend one way, and imports that leave the parent", () => {
    const files = [
      { path: "platform/http/types.ts", text: `import { s } from "../../sessions/s.js";` },
      { path: "platform/errors/filter.ts", text: `import type { T } from "../http/types.js";` },
      { path: "sessions/s.ts", text: `export const s = 1;` },
    ];
    expect(nestedFolderCycles(files)).toEqual([]);
  });
});
