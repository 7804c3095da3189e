import {
  parseSiweMessage,
  validateSiweMessage,
  type SiweExpectations,
  type SiweMessage,
  type ValidateSiweMessageParameters,
} from "@sigil/siwe";

const ISSUED_AT = Date.parse("2024-05-01T12:00:00.000Z");
const MESSAGE: SiweMessage = parseSiweMessage(
  "app.example.com wants you to sign in with your Ethereum account:\n" +
    "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\nSign in to Example\n\n" +
    "URI: https://app.example.com/login\nVersion: 1\nChain ID: 31337\nNonce: abcdEFGH1234\n" +
    "Issued At: 2024-05-01T12:00:00.000Z",
);
const EXPECTED: SiweExpectations = {
  domain: "app.example.com",
  uri: "https://app.example.com",
  chainIds: [1, 31337],
  nonce: "abcdEFGH1234",
};

/** The error code validation fails with, or "ok". */
function outcome(
  overrides: Partial<SiweMessage> = {},
  params: Partial<ValidateSiweMessageParameters> = {},
): string {
  try {
    validateSiweMessage({
      message: { ...MESSAGE, ...overrides },
      expected: EXPECTED,
      now: new Date(ISSUED_AT + 1000),
      ...params,
    });
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const at = (ms: number) => new Date(ms);
const iso = (ms: number) => new Date(ms).toISOString();

describe("validateSiweMessage", () => {
  it("accepts a fresh message bound to the configured domain, origin, chain and nonce", () => {
    expect(outcome()).toBe("ok");
    expect(outcome({}, { expected: { ...EXPECTED, nonce: undefined } })).toBe("ok");
  });

  describe("A2: domain and URI come from configuration", () => {
    it.each([
      "evil.example.com",
      "app.example.com.evil.com",
      "evil@app.example.com",
      "app.example.com:443",
      "APP.example.com",
    ])("A2: rejects domain %s", (domain) => {
      expect(outcome({ domain })).toBe("siwe_domain_mismatch");
    });

    it("A2: rejects a scheme other than the configured origin's", () => {
      expect(outcome({ scheme: "https" })).toBe("ok");
      expect(outcome({ scheme: "http" })).toBe("siwe_domain_mismatch");
    });

    it.each([
      ["the origin itself", "https://app.example.com", "ok"],
      ["a path under it", "https://app.example.com/login/step", "ok"],
      ["a query on it", "https://app.example.com?next=/x", "ok"],
      ["a fragment on it", "https://app.example.com#top", "ok"],
      ["another scheme", "http://app.example.com/login", "siwe_uri_mismatch"],
      ["a longer host", "https://app.example.com.evil.com/login", "siwe_uri_mismatch"],
      ["userinfo smuggling", "https://app.example.com@evil.com/", "siwe_uri_mismatch"],
      ["another port", "https://app.example.com:8443/", "siwe_uri_mismatch"],
      ["another origin", "https://evil.com/https://app.example.com", "siwe_uri_mismatch"],
      ["a dot-dot segment", "https://app.example.com/a/../b", "siwe_uri_mismatch"],
      ["an encoded dot-dot segment", "https://app.example.com/a/%2E%2e/b", "siwe_uri_mismatch"],
    ])("A2: URI %s → %s", (_name, uri, expected) => {
      expect(outcome({ uri })).toBe(expected);
    });

    it("A2: a configured base path binds the URI to that path at a segment boundary", () => {
      const expected = { ...EXPECTED, uri: "https://app.example.com/app" };
      expect(outcome({ uri: "https://app.example.com/app/login" }, { expected })).toBe("ok");
      expect(outcome({ uri: "https://app.example.com/application" }, { expected })).toBe("siwe_uri_mismatch");
      expect(outcome({ uri: "https://app.example.com/app/../admin" }, { expected })).toBe(
        "siwe_uri_mismatch",
      );
      const withSlash = { ...EXPECTED, uri: "https://app.example.com/" };
      expect(outcome({ uri: "https://app.example.com/login" }, { expected: withSlash })).toBe("ok");
    });
  });

  it("A3: rejects a chain that is not configured", () => {
    expect(outcome({ chainId: 1 })).toBe("ok");
    expect(outcome({ chainId: 5 })).toBe("siwe_chain_not_allowed");
    expect(outcome({}, { expected: { ...EXPECTED, chainIds: [] } })).toBe("siwe_chain_not_allowed");
  });

  it("A1: rejects a nonce other than the issued one", () => {
    expect(outcome({ nonce: "abcdEFGH1235" })).toBe("siwe_nonce_mismatch");
    expect(outcome({ nonce: "ABCDefgh1234" })).toBe("siwe_nonce_mismatch");
  });

  describe("A5: time", () => {
    it("A5: Issued At may be up to 5 minutes old, not older", () => {
      expect(outcome({}, { now: at(ISSUED_AT + 300_000) })).toBe("ok");
      expect(outcome({}, { now: at(ISSUED_AT + 300_001) })).toBe("siwe_issued_at_too_old");
    });

    it("A5: Issued At may be up to 30 s in the future, not more", () => {
      expect(outcome({}, { now: at(ISSUED_AT - 30_000) })).toBe("ok");
      expect(outcome({}, { now: at(ISSUED_AT - 30_001) })).toBe("siwe_issued_at_in_future");
    });

    it("A5: the window is configurable", () => {
      expect(outcome({}, { now: at(ISSUED_AT + 61_000), maxAgeMs: 60_000 })).toBe("siwe_issued_at_too_old");
      expect(outcome({}, { now: at(ISSUED_AT - 2_000), clockSkewMs: 1_000 })).toBe(
        "siwe_issued_at_in_future",
      );
      expect(outcome({}, { now: at(ISSUED_AT + 10 * 365 * 86_400_000), maxAgeMs: Infinity })).toBe("ok");
    });

    it("A5: Expiration Time is enforced on its own, with the same skew", () => {
      const expires = ISSUED_AT + 60_000;
      const message = { expirationTime: iso(expires) };
      expect(outcome(message, { now: at(expires - 1) })).toBe("ok");
      expect(outcome(message, { now: at(expires + 29_999) })).toBe("ok");
      expect(outcome(message, { now: at(expires + 30_000) })).toBe("siwe_expired");
      // Expired although Issued At is fresh: the rules do not lean on each other.
      const early = { expirationTime: iso(ISSUED_AT - 60_000) };
      expect(outcome(early, { now: at(ISSUED_AT) })).toBe("siwe_expired");
    });

    it("A5: Not Before is enforced on its own, with the same skew", () => {
      const notBefore = ISSUED_AT + 120_000;
      const message = { notBefore: iso(notBefore) };
      expect(outcome(message, { now: at(notBefore - 30_000) })).toBe("ok");
      expect(outcome(message, { now: at(notBefore - 30_001) })).toBe("siwe_not_yet_valid");
      expect(outcome({ notBefore: "2100-01-01T00:00:00Z" })).toBe("siwe_not_yet_valid");
    });

    it("A5: reads offsets and leap seconds exactly", () => {
      const message = { expirationTime: "2024-05-01T14:00:30+02:00" }; // 12:00:30Z
      expect(outcome(message, { now: at(ISSUED_AT), clockSkewMs: 0 })).toBe("ok");
      expect(outcome(message, { now: at(ISSUED_AT + 30_000), clockSkewMs: 0 })).toBe("siwe_expired");
      const leap = parseSiweMessage(
        "a.b wants you to sign in with your Ethereum account:\n0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n\n" +
          "URI: https://a.b\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2016-12-31T23:59:60.5Z",
      );
      const now = at(Date.parse("2017-01-01T00:00:00.500Z"));
      const expected = { domain: "a.b", uri: "https://a.b", chainIds: [1] };
      expect(() =>
        validateSiweMessage({ message: leap, expected, now, clockSkewMs: 0, maxAgeMs: 0 }),
      ).not.toThrow();
    });

    it("reports the most specific reason first: expiry before age", () => {
      const message = { expirationTime: iso(ISSUED_AT + 60_000) };
      expect(outcome(message, { now: at(ISSUED_AT + 3_600_000) })).toBe("siwe_expired");
    });
  });

  it("refuses an invalid `now` or window as programming errors", () => {
    expect(outcome({}, { now: new Date(Number.NaN) })).toBe("internal_error");
    expect(outcome({}, { maxAgeMs: -1 })).toBe("config_invalid");
    expect(outcome({}, { clockSkewMs: Infinity })).toBe("config_invalid");
  });

  it("re-checks timestamps of messages that did not come from the parser", () => {
    expect(outcome({ issuedAt: "yesterday" })).toBe("siwe_message_invalid");
  });
});
