import { InvalidTokenError } from "@sigil/sessions";
import { accessTokenOf, bearerTokenOf } from "./bearer-token.js";

const JWS = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

function refusal(url: string, authorization?: string): string {
  try {
    bearerTokenOf({ url, headers: { authorization } });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as Error).message;
  }
  return "accepted";
}

describe("bearerTokenOf", () => {
  it("returns the token of an Authorization: Bearer header, scheme in any case", () => {
    expect(bearerTokenOf({ url: "/x", headers: { authorization: `Bearer ${JWS}` } })).toBe(JWS);
    expect(bearerTokenOf({ url: "/x", headers: { authorization: `bearer  ${JWS}` } })).toBe(JWS);
  });

  it.each([undefined, "", "Basic dTpw", "Bearer", `Token ${JWS}`, JWS])("refuses the header %j", (header) => {
    expect(refusal("/x", header)).not.toBe("accepted");
  });

  it.each([
    `/x?access_token=${JWS}`,
    `/x?a=1&access_token=abc`,
    `/x?jwt=${JWS}`,
    `/x/${JWS}`,
    `/x?state=${encodeURIComponent(JWS)}`,
  ])("B11: refuses a token in the URL %s, even with a valid header", (url) => {
    expect(refusal(url, `Bearer ${JWS}`)).toMatch(/URLs/);
  });

  it("leaves ordinary query strings alone", () => {
    expect(refusal("/orders?token=ETH&next_token=abc&market=ETH-USD", `Bearer ${JWS}`)).toBe("accepted");
  });
});

describe("accessTokenOf", () => {
  it("B9: reads the DPoP scheme in any case (RFC 7235 §2.1), and still refuses a token in the URL", () => {
    for (const scheme of ["DPoP", "dpop", "DPOP"]) {
      expect(accessTokenOf({ url: "/orders", headers: { authorization: `${scheme} ${JWS}` } })).toEqual({
        token: JWS,
        scheme: "dpop",
      });
    }
    expect(accessTokenOf({ url: "/orders", headers: { authorization: `Bearer ${JWS}` } }).scheme).toBe(
      "bearer",
    );
    expect(() =>
      accessTokenOf({ url: `/orders?access_token=${JWS}`, headers: { authorization: `dpop ${JWS}` } }),
    ).toThrow(InvalidTokenError);
  });
});
