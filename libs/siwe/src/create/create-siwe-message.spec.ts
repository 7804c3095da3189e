import fc from "fast-check";
import {
  SiweMessageInvalidError,
  SiweMessageTooLargeError,
  createSiweMessage,
  parseSiweMessage,
  type SiweMessageFields,
} from "@sigil/siwe";
import {
  ourVerdict,
  referenceVerdict,
  siweMessageTexts,
  validSiweFields,
} from "../../testing/siwe-differential.js";

const FIELDS: SiweMessageFields = {
  domain: "service.org",
  address: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
  statement: "I accept the ServiceOrg Terms of Service: https://service.org/tos",
  uri: "https://service.org/login",
  version: "1",
  chainId: 1,
  nonce: "32891757",
  issuedAt: "2021-09-30T16:25:24.000Z",
};

function reasonOf(fields: unknown): string {
  try {
    createSiweMessage(fields as SiweMessageFields);
  } catch (error) {
    if (error instanceof SiweMessageInvalidError) return error.details.reason;
    if (error instanceof SiweMessageTooLargeError) return error.code;
    throw error;
  }
  throw new Error("fields were accepted");
}

describe("createSiweMessage", () => {
  it("writes the EIP-4361 layout", () => {
    expect(createSiweMessage({ ...FIELDS, scheme: "https", requestId: "r1", resources: ["ipfs://Qm"] })).toBe(
      "https://service.org wants you to sign in with your Ethereum account:\n" +
        "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n" +
        "I accept the ServiceOrg Terms of Service: https://service.org/tos\n\n" +
        "URI: https://service.org/login\nVersion: 1\nChain ID: 1\nNonce: 32891757\n" +
        "Issued At: 2021-09-30T16:25:24.000Z\nRequest ID: r1\nResources:\n- ipfs://Qm",
    );
  });

  it("round-trips: parseSiweMessage(createSiweMessage(f)) equals f, and siwe reads the same fields", () => {
    fc.assert(
      fc.property(validSiweFields, (fields) => {
        const text = createSiweMessage(fields);
        expect(parseSiweMessage(text)).toEqual(fields);
        expect(referenceVerdict(text)).toEqual(ourVerdict(text));
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 150) },
    );
  });

  it("is canonical: every accepted text is re-created byte for byte from its parsed fields", () => {
    fc.assert(
      fc.property(siweMessageTexts, (text) => {
        const verdict = ourVerdict(text);
        if (verdict.accepted) expect(createSiweMessage(parseSiweMessage(text))).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it("A6: refuses fields that would inject lines into the message", () => {
    expect(reasonOf({ ...FIELDS, statement: "hi\n\nURI: https://evil.example" })).toBe("invalid_statement");
    expect(reasonOf({ ...FIELDS, statement: "hi\r" })).toBe("invalid_statement");
    expect(reasonOf({ ...FIELDS, requestId: "x\nResources:" })).toBe("invalid_request_id");
    expect(reasonOf({ ...FIELDS, uri: "https://a.b\nVersion: 1" })).toBe("invalid_uri");
    expect(reasonOf({ ...FIELDS, resources: ["https://a.b", "https://c.d\n- https://e.f"] })).toBe(
      "invalid_resource",
    );
    expect(
      reasonOf({ ...FIELDS, domain: "evil.com wants you to sign in with your Ethereum account:\n" }),
    ).toBe("invalid_domain");
  });

  it("refuses wrong types and missing fields with the field's name", () => {
    expect(reasonOf(null)).toBe("not_an_object");
    expect(reasonOf({ ...FIELDS, chainId: "1" })).toBe("invalid_chain_id");
    expect(reasonOf({ ...FIELDS, chainId: 1.5 })).toBe("invalid_chain_id");
    expect(reasonOf({ ...FIELDS, chainId: -1 })).toBe("invalid_chain_id");
    expect(reasonOf({ ...FIELDS, chainId: 2 ** 53 })).toBe("chain_id_out_of_range");
    expect(reasonOf({ ...FIELDS, resources: "https://a.b" })).toBe("invalid_resources");
    expect(reasonOf({ ...FIELDS, scheme: "" })).toBe("invalid_scheme");
    expect(reasonOf({ ...FIELDS, statement: null })).toBe("invalid_statement");
    expect(reasonOf({ ...FIELDS, issuedAt: new Date() })).toBe("invalid_issued_at");
    const { nonce: _nonce, ...withoutNonce } = FIELDS;
    try {
      createSiweMessage(withoutNonce as SiweMessageFields);
    } catch (error) {
      expect((error as SiweMessageInvalidError).details).toEqual({ reason: "missing_nonce", field: "nonce" });
    }
  });

  it("A6: refuses to write a message over 4096 bytes (it could never be parsed)", () => {
    expect(
      reasonOf({ ...FIELDS, resources: Array.from({ length: 200 }, (_, i) => `https://example.com/${i}`) }),
    ).toBe("siwe_message_too_large");
  });
});
