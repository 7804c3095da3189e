import { DEMO_ROLE_SCOPES, scopesForRoles } from "@sigil/core";

describe("scopesForRoles", () => {
  it("is the sorted union of the scopes each role confers", () => {
    const roles = Object.values(DEMO_ROLE_SCOPES).map((scopes) => ({ scopes: [...scopes] }));
    expect(scopesForRoles(roles)).toEqual(["orders:read", "orders:write", "positions:read"]);
  });

  it("is empty without roles", () => {
    expect(scopesForRoles([])).toEqual([]);
  });
});
