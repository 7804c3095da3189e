import { isScope, normalizeScopes, ScopeInvalidError } from "@sigil/core";

describe("normalizeScopes", () => {
  it("accepts a space-separated OAuth scope string and returns a sorted, deduplicated list", () => {
    expect(normalizeScopes("positions:read orders:read  positions:read")).toEqual([
      "orders:read",
      "positions:read",
    ]);
  });

  it.each(["orders", "Orders:read", "orders:read\n", ":read", "orders:", "a:b:c", `${"a".repeat(32)}:read`])(
    "rejects %j",
    (scope) => {
      expect(isScope(scope)).toBe(false);
      expect(() => normalizeScopes([scope])).toThrow(ScopeInvalidError);
    },
  );

  it("accepts the longest allowed parts", () => {
    expect(isScope(`${"a".repeat(31)}:${"b".repeat(32)}`)).toBe(true);
  });
});
