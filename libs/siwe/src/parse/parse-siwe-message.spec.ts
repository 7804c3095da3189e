import {
  SiweMessageInvalidError,
  SiweMessageTooLargeError,
  parseSiweMessage,
  type SiweMessage,
} from "@sigil/siwe";
import { referenceVerdict } from "../../testing/siwe-differential.js";

const BASE =
  "service.org wants you to sign in with your Ethereum account:\n" +
  "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n" +
  "I accept the ServiceOrg Terms of Service: https://service.org/tos\n\n" +
  "URI: https://service.org/login\nVersion: 1\nChain ID: 1\nNonce: 32891757\nIssued At: 2021-09-30T16:25:24.000Z";

/** The reason a message is rejected for (fails the test if it parses or fails otherwise). */
function reasonOf(text: string): string {
  try {
    parseSiweMessage(text);
  } catch (error) {
    if (error instanceof SiweMessageInvalidError) return error.details.reason;
    if (error instanceof SiweMessageTooLargeError) return error.code;
    throw error;
  }
  throw new Error("message was accepted");
}

describe("parseSiweMessage", () => {
  it("parses every field of a full message", () => {
    const text = `https://${BASE}\nExpiration Time: 2021-10-30T16:25:24Z\nNot Before: 2021-09-30T16:25:24Z\nRequest ID: a-1:b@c\nResources:\n- ipfs://Qme7ss\n- https://example.com/my-web2-claim.json`;
    const expected: SiweMessage = {
      scheme: "https",
      domain: "service.org",
      address: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
      statement: "I accept the ServiceOrg Terms of Service: https://service.org/tos",
      uri: "https://service.org/login",
      version: "1",
      chainId: 1,
      nonce: "32891757",
      issuedAt: "2021-09-30T16:25:24.000Z",
      expirationTime: "2021-10-30T16:25:24Z",
      notBefore: "2021-09-30T16:25:24Z",
      requestId: "a-1:b@c",
      resources: ["ipfs://Qme7ss", "https://example.com/my-web2-claim.json"],
    };
    expect(parseSiweMessage(text)).toEqual(expected);
  });

  it("tells no statement (3 LFs) from an empty statement (4 LFs), as the ABNF does", () => {
    const bare = BASE.replace(
      "\n\nI accept the ServiceOrg Terms of Service: https://service.org/tos\n\n",
      "\n\n\n",
    );
    expect(parseSiweMessage(bare)).not.toHaveProperty("statement");
    expect(parseSiweMessage(bare.replace("\n\n\n", "\n\n\n\n")).statement).toBe("");
  });

  it("keeps an empty Request ID and an empty Resources list", () => {
    const message = parseSiweMessage(`${BASE}\nRequest ID: \nResources:`);
    expect(message.requestId).toBe("");
    expect(message.resources).toEqual([]);
  });

  describe("A6: strict format", () => {
    it.each([
      ["a trailing LF", `${BASE}\n`],
      ["a trailing line", `${BASE}\nfoo`],
      [
        "a field out of order",
        `${BASE}\nNot Before: 2021-09-30T16:25:24Z\nExpiration Time: 2021-10-30T16:25:24Z`,
      ],
      ["a field twice", `${BASE}\nRequest ID: a\nRequest ID: b`],
      ["a line after the resources", `${BASE}\nResources:\n- https://a.b\nRequest ID: x`],
    ])("A6: rejects trailing data: %s", (_name, text) => {
      expect(reasonOf(text)).toBe("trailing_data");
    });

    it("A6: rejects trailing data glued to the last field", () => {
      expect(reasonOf(`${BASE} `)).toBe("invalid_issued_at");
      expect(reasonOf(`${BASE}\nResources:\n- https://a.b trailing`)).toBe("invalid_resource");
      expect(reasonOf(`${BASE}\nRequest ID: x y`)).toBe("invalid_request_id");
    });

    it("A6: rejects CRLF line ends and any lone CR", () => {
      expect(reasonOf(BASE.replace(/\n/g, "\r\n"))).toBe("carriage_return");
      expect(reasonOf(BASE.replace("Nonce: 32891757", "Nonce: 32891757\r"))).toBe("carriage_return");
      expect(reasonOf(`${BASE}\r`)).toBe("carriage_return");
    });

    it.each([
      ["all lowercase", "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"],
      ["all uppercase", "0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2"],
      ["one letter's case flipped", "0xc02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"],
      ["an upper-case 0X prefix", "0XC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"],
    ])("A6: rejects an address that is not EIP-55: %s", (_name, address) => {
      expect(reasonOf(BASE.replace("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", address))).toBe(
        address.startsWith("0X") ? "invalid_address" : "address_not_checksummed",
      );
    });

    it("A6: rejects nonces shorter than 8 characters or with symbols", () => {
      expect(reasonOf(BASE.replace("32891757", "3289175"))).toBe("invalid_nonce");
      expect(reasonOf(BASE.replace("32891757", "32891757-"))).toBe("invalid_nonce");
      expect(parseSiweMessage(BASE.replace("32891757", "abcdEFGH")).nonce).toBe("abcdEFGH");
    });

    it("A6: caps the message at 4096 UTF-8 bytes (413) before parsing anything", () => {
      const padTo = (bytes: number) =>
        BASE.replace("Terms of Service", `Terms${"x".repeat(bytes - BASE.length)}`);
      const fits = padTo(4096 + "Terms of Service".length - "Terms".length);
      expect(fits.length).toBe(4096);
      expect(() => parseSiweMessage(fits)).not.toThrow();
      expect(reasonOf(`${fits}x`)).toBe("siwe_message_too_large");
      // 4,000 characters but more than 4,096 bytes: still the size error, not the character error.
      expect(reasonOf("é".repeat(2100))).toBe("siwe_message_too_large");
      expect(reasonOf("\ud83d\ude00".repeat(1025))).toBe("siwe_message_too_large");
      expect(reasonOf("x".repeat(10 * 1024 * 1024))).toBe("siwe_message_too_large");
    });

    it("A4: accepts Version 1 only", () => {
      for (const version of ["2", "01", "1.0", " 1", "1 "]) {
        expect(reasonOf(BASE.replace("Version: 1", `Version: ${version}`))).toBe("invalid_version");
      }
    });

    it("A6: rejects a statement with a line break, a %, a quote or non-ASCII", () => {
      expect(reasonOf(BASE.replace("Terms of Service: ", "Terms of Service: \n"))).toBe(
        "expected_blank_line",
      );
      for (const bad of ["100%", 'say "hi"', "naïve", "tab\there", "a\u2028b", "{x}"]) {
        expect([bad, reasonOf(BASE.replace("I accept", bad))]).toEqual([
          bad,
          /^[\x20-\x7e]*$/.test(bad) ? "invalid_statement" : "invalid_character",
        ]);
      }
    });

    it("A6: rejects chain ids with leading zeros, signs, exponents or beyond 2^53 - 1", () => {
      for (const chainId of ["01", "00", "+1", "-1", "1e3", "0x1", "", "9007199254740992"]) {
        expect(reasonOf(BASE.replace("Chain ID: 1", `Chain ID: ${chainId}`))).toMatch(
          /^(invalid_chain_id|chain_id_out_of_range)$/,
        );
      }
      expect(parseSiweMessage(BASE.replace("Chain ID: 1", "Chain ID: 0")).chainId).toBe(0);
      expect(parseSiweMessage(BASE.replace("Chain ID: 1", "Chain ID: 9007199254740991")).chainId).toBe(
        Number.MAX_SAFE_INTEGER,
      );
    });

    it.each([
      ["February 29 of a common year", "2021-02-29T16:25:24Z"],
      ["April 31", "2021-04-31T16:25:24Z"],
      ["month 13", "2021-13-01T16:25:24Z"],
      ["day 0", "2021-01-00T16:25:24Z"],
      ["hour 24", "2021-09-30T24:00:00Z"],
      ["minute 60", "2021-09-30T16:60:00Z"],
      ["second 61", "2021-09-30T16:25:61Z"],
      ["offset +24:00", "2021-09-30T16:25:24+24:00"],
      ["offset without colon", "2021-09-30T16:25:24+0200"],
      ["no offset", "2021-09-30T16:25:24"],
      ["an empty fraction", "2021-09-30T16:25:24.Z"],
      ["a space for T", "2021-09-30 16:25:24Z"],
      ["a one-digit month", "2021-9-30T16:25:24Z"],
    ])("A6: rejects an Issued At that is no real RFC 3339 date-time: %s", (_name, date) => {
      expect(reasonOf(BASE.replace("2021-09-30T16:25:24.000Z", date))).toBe("invalid_issued_at");
    });

    it("accepts RFC 3339 variants: lower-case t/z, offsets, long fractions, leap years and leap seconds", () => {
      for (const date of [
        "2021-09-30t16:25:24.000z",
        "2021-09-30T16:25:24-02:00",
        "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "2021-09-30T16:25:24.123456789Z",
      ]) {
        expect(parseSiweMessage(BASE.replace("2021-09-30T16:25:24.000Z", date)).issuedAt).toBe(date);
      }
      expect(reasonOf(BASE.replace("2021-09-30T16:25:24.000Z", "1900-02-29T00:00:00Z"))).toBe(
        "invalid_issued_at",
      );
    });

    it("checks the optional dates too", () => {
      expect(reasonOf(`${BASE}\nExpiration Time: 2100-02-31T14:31:43.952Z`)).toBe("invalid_expiration_time");
      expect(reasonOf(`${BASE}\nNot Before: 2025-02-31T17:09:38.578Z`)).toBe("invalid_not_before");
    });

    it("accepts RFC 3986 authorities and URIs: userinfo, ports, IPv4, IPv6, IPvFuture, URNs", () => {
      for (const domain of [
        "a:b@example.com:8080",
        "[::1]:3000",
        "[v7.fe:80]",
        "127.0.0.1",
        "ex%41mple.com",
      ]) {
        expect(parseSiweMessage(BASE.replace("service.org wants", `${domain} wants`)).domain).toBe(domain);
      }
      for (const uri of [
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "https://[2001:db8::1.2.3.4]/",
        "mailto:a@b",
        "x:",
      ]) {
        expect(parseSiweMessage(BASE.replace("https://service.org/login", uri)).uri).toBe(uri);
      }
    });

    it("rejects what is not RFC 3986: bad domains, URIs and resources", () => {
      for (const domain of [
        "",
        "#x",
        "a b",
        "[::1",
        "[::1]x",
        "a%4",
        "[1::2::3]",
        "[::1%25eth0]",
        "a@b@c",
        "é.com",
      ]) {
        expect(reasonOf(BASE.replace("service.org wants", `${domain} wants`))).toMatch(
          /^invalid_(domain|character|header)$/,
        );
      }
      for (const uri of [":x", "//a.b/c", "https://a b", "https://a/%zz", "https://a#b#c", "https://[::g]"]) {
        expect(reasonOf(BASE.replace("https://service.org/login", uri))).toMatch(/^invalid_(uri|header)$/);
      }
      expect(reasonOf(`${BASE}\nResources:\n- https://a.b\n- :no`)).toBe("invalid_resource");
    });

    it("never echoes the input in the error", () => {
      const huge = "a".repeat(3000);
      try {
        parseSiweMessage(BASE.replace("service.org wants", `${huge}# wants`));
        throw new Error("accepted");
      } catch (error) {
        expect(error).toBeInstanceOf(SiweMessageInvalidError);
        const { message, details } = error as SiweMessageInvalidError;
        expect(details).toEqual({ reason: "invalid_domain", line: 1 });
        expect(message.length).toBeLessThan(100);
      }
    });

    it("E1: refuses non-strings with a typed error, not a crash", () => {
      for (const value of [undefined, null, 42, {}, ["x"]]) {
        expect(reasonOf(value as unknown as string)).toBe("not_a_string");
      }
    });
  });

  // Where the reference parser (siwe 3) and the specification disagree, we follow the spec and the
  // conformance vectors; the differential harness corrects its oracle for exactly these cases.
  describe("documented disagreements with siwe 3", () => {
    it("chain id with a leading zero: siwe reads 01 as 1; we refuse a second spelling of a chain", () => {
      const text = BASE.replace("Chain ID: 1", "Chain ID: 01");
      expect(referenceVerdict(text)).toMatchObject({ accepted: true, fields: { chainId: 1 } });
      expect(reasonOf(text)).toBe("invalid_chain_id");
    });

    it("chain id beyond 2^53 - 1: siwe returns a rounded number; we refuse it", () => {
      const text = BASE.replace("Chain ID: 1", "Chain ID: 123456789012345678901");
      expect(referenceVerdict(text)).toMatchObject({
        accepted: true,
        fields: { chainId: 123456789012345680000 },
      });
      expect(reasonOf(text)).toBe("chain_id_out_of_range");
    });

    it.each([
      ["an empty IPv4 octet", "[::1...]"],
      ["a zero-padded IPv4 octet", "[::1.2.3.04]"],
      ["a zero-padded first octet", "[::01.2.3.4]"],
    ])("IPv6 literal with %s: siwe accepts, RFC 3986 dec-octet forbids it", (_name, literal) => {
      const asDomain = BASE.replace("service.org wants", `${literal} wants`);
      const asUri = BASE.replace("https://service.org/login", `https://${literal}/`);
      expect(referenceVerdict(asDomain).accepted).toBe(true);
      expect(referenceVerdict(asUri).accepted).toBe(true);
      expect(reasonOf(asDomain)).toBe("invalid_domain");
      expect(reasonOf(asUri)).toBe("invalid_uri");
    });

    it("URI port of 309+ digits: siwe's parseInt overflows and throws; RFC 3986 port = *DIGIT allows it", () => {
      const text = BASE.replace("https://service.org/login", `https://service.org:${"9".repeat(400)}/login`);
      expect(referenceVerdict(text).accepted).toBe(false);
      expect(parseSiweMessage(text).uri).toContain("9".repeat(400));
    });

    it("messages over 4096 bytes: siwe has no cap; we refuse them before parsing (A6)", () => {
      const text = BASE.replace("Terms of Service", `Terms${"x".repeat(5000)}`);
      expect(referenceVerdict(text).accepted).toBe(true);
      expect(reasonOf(text)).toBe("siwe_message_too_large");
    });

    it("agrees where it may surprise: empty hosts (':80', '@') are RFC 3986 authorities", () => {
      for (const domain of [":80", "@", "user@:1"]) {
        const text = BASE.replace("service.org wants", `${domain} wants`);
        expect(referenceVerdict(text).accepted).toBe(true);
        expect(parseSiweMessage(text).domain).toBe(domain);
      }
    });
  });
});
