// Code comments say why the code is as it is now; measurements and their history live in
// docs/benchmarks.md (docs/design.md, code style 8), where they can be dated and re-run.
import path from "node:path";
import { trackedFiles } from "../../scripts/check-self-contained.js";

const root = path.resolve(import.meta.dirname, "..", "..");
const COMMENT = /^\s*(?:\/\/|\/?\*)/;
const FIGURE = /\d\s?%|\d\s?µs|req\/s|\bp(?:50|99)\b|→\s?~?\d/;

/** Comment lines of `text` that quote a measured figure, as `line: text`. */
function figuresIn(text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, index) =>
      COMMENT.test(line) && FIGURE.test(line) ? [`${index + 1}: ${line.trim()}`] : [],
    );
}

describe("code comments quote no benchmark figures", () => {
  it("no comment in apps/ or libs/ quotes a percentage, a µs figure, a rate or a percentile", () => {
    const sources = trackedFiles(root).filter(
      (file) =>
        /^(apps|libs)\//.test(file.path) && /\.ts$/.test(file.path) && !/\.(spec|test)\.ts$/.test(file.path),
    );
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.flatMap((file) => figuresIn(file.text).map((hit) => `${file.path}:${hit}`))).toEqual([]);
  });

  it("catches the kinds of figure that used to sit in comments", () => {
    expect(
      figuresIn("// Measured: about 9 % less CPU.\n * jsonwebtoken 56.5 µs, this 37.1 µs\nconst x = 5 % 2;"),
    ).toEqual(["1: // Measured: about 9 % less CPU.", "2: * jsonwebtoken 56.5 µs, this 37.1 µs"]);
    expect(figuresIn("   * (alone it gained nothing; p99 150 → 90 ms)")).toHaveLength(1);
  });
});
