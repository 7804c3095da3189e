// Test titles name requirement ids (A1, J3, …); each must resolve to a line of docs/security-requirements.md.
import { readFileSync } from "node:fs";
import path from "node:path";
import { trackedFiles } from "../../scripts/check-self-contained.js";

const root = path.resolve(import.meta.dirname, "..", "..");
const TITLE =
  /\b(?:it|test|describe)(?:\.each\([^)]*\))?\(\s*["'`]((?:[A-Z]\d{1,2}[a-z]?(?:[-/, ]+|, and )?)+)[:\s]/g;
const ID = /[A-Z]\d{1,2}[a-z]?/g;

/** The requirement ids named at the start of test titles in `text`. */
function titleIds(text: string): string[] {
  return [...text.matchAll(TITLE)].flatMap((match) => match[1]!.match(ID) ?? []);
}

describe("requirement ids in test titles", () => {
  const defined = new Set(
    [
      ...readFileSync(path.join(root, "docs/security-requirements.md"), "utf8").matchAll(
        /^- \*\*([A-Z]\d+)\*\* /gm,
      ),
    ].map((match) => match[1]),
  );

  it("every id a test title names is defined in docs/security-requirements.md", () => {
    const tests = trackedFiles(root).filter((file) => /\.(spec|test)\.ts$/.test(file.path));
    const named = new Map<string, string>();
    for (const file of tests) for (const id of titleIds(file.text)) named.set(id, file.path);
    expect(named.size).toBeGreaterThan(40);
    expect([...named].filter(([id]) => !defined.has(id))).toEqual([]);
  });

  it("reads ids from single, combined and ranged titles", () => {
    expect(
      titleIds(`it("A1: nonces", …); it.each(x)("A11/H2: makes", …); describe('I1-I3, E5 logs', …)`),
    ).toEqual(["A1", "A11", "H2", "I1", "I3", "E5"]);
  });
});
