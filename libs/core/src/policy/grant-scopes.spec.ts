import { grantScopes, ScopeInvalidError } from "@sigil/core";

const trader = ["orders:read", "orders:write", "positions:read"];

describe("grantScopes", () => {
  it("grants the intersection of requested and allowed, and lists what was narrowed away", () => {
    expect(grantScopes({ requested: ["orders:write", "sigil:admin"], allowed: trader })).toEqual({
      granted: ["orders:write"],
      denied: ["sigil:admin"],
    });
  });

  it("grants everything allowed when nothing specific is requested", () => {
    expect(grantScopes({ requested: undefined, allowed: trader }).granted).toEqual(trader);
  });

  it("grants nothing to an account without roles, whatever it asks", () => {
    expect(grantScopes({ requested: ["orders:write"], allowed: [] })).toEqual({
      granted: [],
      denied: ["orders:write"],
    });
  });

  it("rejects a malformed requested scope instead of ignoring it", () => {
    expect(() => grantScopes({ requested: ["orders:write drop"], allowed: trader })).toThrow(
      ScopeInvalidError,
    );
  });
});
