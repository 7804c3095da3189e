// EIP-4361 conformance: the reference implementation's vectors (test/vectors/siwe/, kept unchanged,
// source and license in its README) run through Sigil's parser, builder, validator and EOA recovery.
import {
  SiweMessageInvalidError,
  createSiweMessage,
  jsSecp256k1Backend,
  parseSiweMessage,
  recoverSiweSigner,
  validateSiweMessage,
  verifyEoaSignature,
  type SiweMessageFields,
} from "@sigil/siwe";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";

const vectorsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "siwe");
const load = <T>(file: string): Record<string, T> =>
  JSON.parse(readFileSync(path.join(vectorsDir, file), "utf8")) as Record<string, T>;

type Fields = Record<string, unknown>;
interface VerificationVector extends Fields {
  signature: Hex;
  time?: string;
  domainBinding?: string;
  matchNonce?: string;
}

const FIELD_KEYS = [
  "scheme",
  "domain",
  "address",
  "statement",
  "uri",
  "version",
  "chainId",
  "nonce",
  "issuedAt",
  "expirationTime",
  "notBefore",
  "requestId",
  "resources",
];

/** The message fields of a vector, without nulls and test-only keys. */
function fieldsOf(vector: Fields): SiweMessageFields {
  const fields: Fields = {};
  for (const key of FIELD_KEYS)
    if (vector[key] !== undefined && vector[key] !== null) fields[key] = vector[key];
  return fields as unknown as SiweMessageFields;
}

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SiweMessageInvalidError) return error.details.reason;
    return (error as { code?: string }).code ?? String(error);
  }
  return "accepted";
}

/** Sigil's verdict on a verification vector: the first failing check's code, or "ok". */
async function verdict(vector: VerificationVector, now: Date): Promise<string> {
  try {
    const message = parseSiweMessage(createSiweMessage(fieldsOf(vector)));
    validateSiweMessage({
      message,
      expected: {
        domain: vector.domainBinding ?? (vector.domain as string),
        uri: vector.uri as string,
        chainIds: [vector.chainId as number],
        nonce: vector.matchNonce ?? (vector.nonce as string),
      },
      now,
    });
    const text = createSiweMessage(message);
    const ok = await verifyEoaSignature({
      message: text,
      signature: vector.signature,
      address: message.address,
    });
    return ok ? "ok" : "signer_mismatch";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const nowFor = (vector: VerificationVector) =>
  new Date(
    vector.time === undefined ? Date.parse(vector.issuedAt as string) + 1000 : Date.parse(vector.time),
  );

describe("EIP-4361 conformance vectors", () => {
  describe("parsing_positive.json", () => {
    const vectors = load<{ message: string; fields: Fields }>("parsing_positive.json");

    it.each(Object.entries(vectors))("A6: parses %s with equal fields", (_name, { message, fields }) => {
      expect(parseSiweMessage(message)).toEqual(fieldsOf(fields));
    });

    it.each(Object.entries(vectors))("re-creates %s byte for byte", (_name, { message, fields }) => {
      expect(createSiweMessage(fieldsOf(fields))).toBe(message);
    });
  });

  describe("parsing_negative.json", () => {
    // Each vector with the reason we give: the rejection must be for the defect the name describes.
    const reasons: Record<string, string> = {
      "missing domain": "invalid_domain",
      "missing address": "invalid_address",
      "missing uri": "missing_uri",
      "missing version": "missing_version",
      "missing chainId": "missing_chain_id",
      "missing nonce": "missing_nonce",
      "missing issuedAt": "missing_issued_at",
      "out of order uri": "missing_uri",
      "out of order version": "missing_version",
      "out of order chainId": "missing_chain_id",
      "out of order nonce": "missing_nonce",
      "out of order issuedAt": "missing_issued_at",
      "out of order expirationTime": "trailing_data",
      "out of order notBefore": "trailing_data",
      "out of order requestId": "trailing_data",
      "out of order resources": "trailing_data",
      "domain not RFC4501 authority": "invalid_domain",
      "address not EIP-55": "address_not_checksummed",
      "statement has line break": "expected_blank_line",
      "uri is non-RFC 3986": "invalid_uri",
      "version not 1": "invalid_version",
      "not a valid chainId": "invalid_chain_id",
      "nonce with less then 8 chars": "invalid_nonce",
      "non-ISO 8601 issuedAt": "invalid_issued_at",
      "non-ISO 8601 expirationTime": "invalid_expiration_time",
      "non-ISO 8601 notBefore": "invalid_not_before",
      "resources not separated by line break": "invalid_resource",
      "first resource not-RFC 3986": "invalid_resource",
      "second resource is not-RFC3986": "invalid_resource",
    };
    const vectors = load<string>("parsing_negative.json");

    it("has a reason for every vector", () => {
      expect(Object.keys(vectors).sort()).toEqual(Object.keys(reasons).sort());
    });

    it.each(Object.entries(vectors))("A6: rejects %s", (name, message) => {
      expect(reasonOf(() => parseSiweMessage(message))).toBe(reasons[name]);
    });
  });

  describe("parsing_negative_objects.json", () => {
    const reasons: Record<string, string> = {
      "missing domain": "invalid_domain",
      "missing address": "invalid_address",
      "missing uri": "missing_uri",
      "missing version": "missing_version",
      "missing chainId": "missing_chain_id",
      "missing nonce": "missing_nonce",
      "missing issuedAt": "missing_issued_at",
      "domain not RFC4501 authority": "invalid_domain",
      "address not EIP-55": "address_not_checksummed",
      "uri is non-RFC 3986": "invalid_uri",
      "version not 1": "invalid_version",
      "not a valid chainId": "invalid_chain_id",
      "nonce with less then 8 chars": "invalid_nonce",
      "non-ISO 8601 issuedAt": "invalid_issued_at",
      "non-ISO 8601 expirationTime": "invalid_expiration_time",
      "non-ISO 8601 notBefore": "invalid_not_before",
      "first resource not-RFC 3986": "invalid_resource",
      "second resource is not-RFC3986": "invalid_resource",
    };
    const vectors = load<Fields>("parsing_negative_objects.json");

    it("has a reason for every vector", () => {
      expect(Object.keys(vectors).sort()).toEqual(Object.keys(reasons).sort());
    });

    it.each(Object.entries(vectors))("A6: createSiweMessage rejects %s", (name, fields) => {
      expect(reasonOf(() => createSiweMessage(fields as unknown as SiweMessageFields))).toBe(reasons[name]);
    });
  });

  describe("verification_positive.json", () => {
    // Vectors with a `time` far from Issued At check EIP-4361's Expiration Time / Not Before only.
    // Sigil adds A5's Issued At window, checked last: failing only there proves the rest passed.
    const outcomes: Record<string, string> = {
      "example message": "ok",
      "recovery byte starting at 0": "ok",
      "not yet valid": "siwe_issued_at_too_old",
      "expired message": "siwe_issued_at_in_future",
    };
    const vectors = load<VerificationVector>("verification_positive.json");

    it("has an outcome for every vector", () => {
      expect(Object.keys(vectors).sort()).toEqual(Object.keys(outcomes).sort());
    });

    it.each(Object.entries(vectors))(
      "A5: %s passes EIP-4361 validation at its time",
      async (name, vector) => {
        expect(await verdict(vector, nowFor(vector))).toBe(outcomes[name]);
      },
    );

    it.each(Object.entries(vectors))("A7: %s recovers its address (native and JS)", async (_name, vector) => {
      const message = createSiweMessage(fieldsOf(vector));
      const signature = vector.signature;
      await expect(recoverSiweSigner({ message, signature })).resolves.toBe(vector.address);
      await expect(recoverSiweSigner({ message, signature, backend: jsSecp256k1Backend })).resolves.toBe(
        vector.address,
      );
    });
  });

  describe("verification_negative.json", () => {
    const outcomes: Record<string, [catalogue: string, code: string]> = {
      "expired message": ["A5", "siwe_expired"],
      "custom time": ["A5", "siwe_expired"],
      "not yet valid": ["A5", "siwe_not_yet_valid"],
      "domain binding": ["A2", "siwe_domain_mismatch"],
      "custom nonce": ["A1", "siwe_nonce_mismatch"],
      "malformed signature": ["A7", "signature_invalid"],
      // A well-formed signature by another key: the EOA check says no (an EIP-1271 fallback comes later).
      "wrong signature": ["A7", "signer_mismatch"],
      "invalid issuedAt": ["A6", "siwe_message_invalid"],
      "invalid notBefore": ["A6", "siwe_message_invalid"],
      "invalid expirationTime": ["A6", "siwe_message_invalid"],
    };
    const vectors = load<VerificationVector>("verification_negative.json");

    it("has an outcome for every vector", () => {
      expect(Object.keys(vectors).sort()).toEqual(Object.keys(outcomes).sort());
    });

    it.each(
      Object.entries(vectors).map(
        ([name, vector]) => [...(outcomes[name] ?? ["?", "?"]), name, vector] as const,
      ),
    )("%s: rejects %s (%s)", async (_id, code, _name, vector) => {
      expect(await verdict(vector, nowFor(vector))).toBe(code);
    });

    it("A6: the impossible dates are also refused by the parser, not only by the builder", () => {
      for (const [key, label] of [
        ["issuedAt", "Issued At"],
        ["notBefore", "Not Before"],
        ["expirationTime", "Expiration Time"],
      ] as const) {
        const vector = Object.values(vectors).find((v) => /-02-3[01]T/.test(String(v[key] ?? "")));
        if (vector === undefined) throw new Error(`no vector with an impossible ${key}`);
        const placeholder = "2099-01-01T00:00:00Z";
        const text = createSiweMessage(fieldsOf({ ...vector, [key]: placeholder })).replace(
          `${label}: ${placeholder}`,
          `${label}: ${String(vector[key])}`,
        );
        expect(reasonOf(() => parseSiweMessage(text))).toMatch(
          /^invalid_(issued_at|not_before|expiration_time)$/,
        );
      }
    });
  });

  describe("eip1271.json (needs mainnet state: shape only)", () => {
    const vectors = load<{ message: string; signature: Hex }>("eip1271.json");

    it.each(Object.entries(vectors))("A7: %s parses", (_name, { message, signature }) => {
      expect(parseSiweMessage(message).chainId).toBe(1);
      expect(signature).toMatch(/^0x(?:[0-9a-f]{2})+$/);
    });
  });
});
