import { isSigilError } from "@sigil/core";
import { availableParallelism } from "node:os";
import { workerCount } from "./worker-count.js";

const url = "postgres://postgres@127.0.0.1:5432/sigil";

describe("workerCount", () => {
  it("defaults to one process; auto is one per CPU; a number is taken as is", () => {
    expect(workerCount({})).toBe(1);
    expect(workerCount({ SIGIL_WORKERS: "" })).toBe(1);
    expect(workerCount({ SIGIL_WORKERS: "auto", DATABASE_URL: url })).toBe(availableParallelism());
    expect(workerCount({ SIGIL_WORKERS: "3", DATABASE_URL: url })).toBe(3);
  });

  it.each([["0"], ["65"], ["two"], ["1.5"]])("refuses SIGIL_WORKERS=%s naming the key", (value) => {
    expect(() => workerCount({ SIGIL_WORKERS: value, DATABASE_URL: url })).toThrow(
      expect.objectContaining({ code: "config_invalid", details: { key: "SIGIL_WORKERS" } }),
    );
  });

  it("refuses several workers on embedded PGlite, which only one process can open", () => {
    let thrown: unknown;
    try {
      workerCount({ SIGIL_WORKERS: "2" });
    } catch (error) {
      thrown = error;
    }
    expect(isSigilError(thrown) && thrown.message).toMatch(/needs DATABASE_URL/);
  });
});
