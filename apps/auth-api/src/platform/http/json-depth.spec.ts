import { jsonDepthExceeds } from "./json-depth.js";

const bytes = (text: string) => Buffer.from(text, "utf8");

describe("jsonDepthExceeds", () => {
  it("J12: counts nested arrays and objects against the limit", () => {
    expect(jsonDepthExceeds(bytes(`{"a":[{"b":[]}]}`), 4)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"a":[{"b":[[]]}]}`), 4)).toBe(true);
    expect(jsonDepthExceeds(bytes(`[[],[],[],[]]`), 2)).toBe(false);
  });

  it("J12: brackets inside strings, escaped quotes included, are not nesting", () => {
    expect(jsonDepthExceeds(bytes(`{"a":"[[[[{{{{"}`), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"a":"\\"[[[[","b":"\\\\"}`), 1)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"a":"\\\\",  "b":[[]]}`), 2)).toBe(true);
  });
});
