import { type AccessTokenClaims, InvalidTokenError } from "@sigil/sessions";
import { principalFromClaims } from "./principal-from-claims.js";

const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const claims = (overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  iss: "https://sigil.test",
  aud: "https://venue.test",
  sub: `eip155:31337:${ADDRESS}`,
  scope: "orders:read  positions:read",
  sid: "s-1",
  jti: "j-1",
  iat: 1,
  nbf: 1,
  exp: 2,
  ...overrides,
});

describe("principalFromClaims", () => {
  it("splits the CAIP-10 subject and the scopes", () => {
    const principal = principalFromClaims(claims({ act: { sub: "eip155:31337:0xbot" } }));
    expect(principal).toMatchObject({ address: ADDRESS, chainId: 31337, sid: "s-1", jti: "j-1" });
    expect([...principal.scopes]).toEqual(["orders:read", "positions:read"]);
    expect(principal.act).toEqual({ sub: "eip155:31337:0xbot" });
  });

  it("is immutable, scopes included: a cached principal is shared by requests", () => {
    const principal = principalFromClaims(claims());
    expect(() => (principal.scopes as Set<string>).add("sigil:admin")).toThrow(TypeError);
    expect(() => (principal.scopes as Set<string>).delete("orders:read")).toThrow(TypeError);
    expect(() => (principal.scopes as Set<string>).clear()).toThrow(TypeError);
    expect(() => ((principal as { sid: string }).sid = "other")).toThrow(TypeError);
    expect(() => ((principal.claims as { scope: string }).scope = "sigil:admin")).toThrow(TypeError);
    expect(principal.scopes.has("sigil:admin")).toBe(false);
  });

  it("B9: keeps a DPoP-bound token's binding (frozen) for the guard's proof check", () => {
    const principal = principalFromClaims(claims({ cnf: { jkt: "thumbprint" } }));
    expect(principal.claims.cnf).toEqual({ jkt: "thumbprint" });
    expect(Object.isFrozen(principal.claims.cnf)).toBe(true);
  });

  it.each([
    "did:web:example.com",
    `eip155:0:${ADDRESS}`,
    `eip155:31337:${ADDRESS}00`,
    `eip155:31337:${ADDRESS.slice(2)}`,
    `cosmos:31337:${ADDRESS}`,
    `eip155:99999999999999999:${ADDRESS}`,
  ])("refuses the subject %s", (sub) => {
    expect(() => principalFromClaims(claims({ sub }))).toThrow(InvalidTokenError);
  });
});
