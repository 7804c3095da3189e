// Differential harness: our parser against the reference implementation (`siwe` 3, the ABNF parser
// of spruceid) over generated and mutated messages. Used by the spec beside the parser and by
// fuzz runs (`checkSiweParserDifferential({ numRuns: 100_000 })`). Test-only: imports devDependencies.
import fc from "fast-check";
import { isIPv6 } from "node:net";
import { SiweMessage as ReferenceSiweMessage } from "siwe";
import { checksumAddress, toHex, type Address } from "viem";
import {
  MAX_SIWE_MESSAGE_BYTES,
  SiweMessageInvalidError,
  SiweMessageTooLargeError,
} from "../src/errors/siwe-errors.js";
import type { SiweMessage, SiweMessageFields } from "../src/message/siwe-message.js";
import { parseSiweMessage } from "../src/parse/parse-siwe-message.js";

/** Fields as a generator may produce them: any string, so invalid values reach the parsers too. */
export interface LooseSiweFields {
  scheme?: string;
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  version: string;
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime?: string;
  notBefore?: string;
  requestId?: string;
  resources?: string[];
}

/** Writes fields in EIP-4361 layout without checking them (unlike `createSiweMessage`). */
export function formatLooseSiweMessage(f: LooseSiweFields): string {
  const lines = [
    `${f.scheme === undefined ? "" : `${f.scheme}://`}${f.domain} wants you to sign in with your Ethereum account:`,
    f.address,
    "",
    ...(f.statement === undefined ? [] : [f.statement]),
    "",
    `URI: ${f.uri}`,
    `Version: ${f.version}`,
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt}`,
  ];
  if (f.expirationTime !== undefined) lines.push(`Expiration Time: ${f.expirationTime}`);
  if (f.notBefore !== undefined) lines.push(`Not Before: ${f.notBefore}`);
  if (f.requestId !== undefined) lines.push(`Request ID: ${f.requestId}`);
  if (f.resources !== undefined) lines.push("Resources:", ...f.resources.map((uri) => `- ${uri}`));
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Generators. Written from RFC 3986 / RFC 3339 / EIP-4361 prose, independently of the parser, and
// biased towards the edges: each mostly yields valid values and sometimes near-misses.

const chars = (alphabet: string, maxLength = 8, minLength = 0): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
/** Mostly `valid`, sometimes `nearMiss`. */
const mostly = <T>(valid: fc.Arbitrary<T>, nearMiss: fc.Arbitrary<T>, odds = 30): fc.Arbitrary<T> =>
  fc.oneof({ weight: odds, arbitrary: valid }, { weight: 1, arbitrary: nearMiss });
const optional = <T>(arbitrary: fc.Arbitrary<T>, freq = 3): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined, freq });

const ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGIT = "0123456789";
const HEX = "0123456789abcdefABCDEF";
const UNRESERVED = `${ALPHA}${DIGIT}-._~`;
const SUB_DELIMS = "!$&'()*+,;=";
/** Characters that are wrong almost everywhere. */
const TROUBLE = [
  " ",
  "\n",
  "\r",
  "\t",
  "\0",
  "%",
  '"',
  "<",
  ">",
  "\\",
  "^",
  "`",
  "{",
  "|",
  "}",
  "#",
  "/",
  "?",
  "[",
  "]",
  "@",
  ":",
  "é",
  "Ⅻ",
  "😀",
  "\u2028",
  "\ufeff",
  "\ud800",
];
const trouble = fc.constantFrom(...TROUBLE);
const rarely = fc.oneof(
  { weight: 19, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);

/** Units of `alphabet`, sometimes a valid percent-encoding. */
const validUnits = (alphabet: string, maxLength = 10, minLength = 0): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...alphabet) },
        { weight: 1, arbitrary: chars(HEX, 2, 2).map((h) => `%${h}`) },
      ),
      { minLength, maxLength },
    )
    .map((units) => units.join(""));
/** Like {@link validUnits} but with broken percent-encodings and trouble mixed in. */
const looseUnits = (alphabet: string, maxLength = 10, minLength = 0): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...alphabet) },
        { weight: 1, arbitrary: fc.constantFrom("%", "%4", "%zz", "%%41", "%41") },
        { weight: 2, arbitrary: trouble },
      ),
      { minLength, maxLength },
    )
    .map((units) => units.join(""));

// Hosts
const validOctet = fc.integer({ min: 0, max: 255 }).map(String);
const validIpv4 = fc.array(validOctet, { minLength: 4, maxLength: 4 }).map((octets) => octets.join("."));
const looseOctet = mostly(validOctet, fc.constantFrom("256", "999", "00", "01", "007", "", "1234"), 4);
const looseIpv4 = fc.array(looseOctet, { minLength: 3, maxLength: 5 }).map((octets) => octets.join("."));
const validH16 = chars(HEX, 4, 1);
/** Every RFC 3986 IPv6address form: 8 groups (the last two maybe IPv4), one run of them maybe "::". */
const validIpv6 = fc
  .record({
    groups: fc.array(validH16, { minLength: 8, maxLength: 8 }),
    ipv4: fc.option(validIpv4, { nil: undefined }),
    gap: fc.option(fc.tuple(fc.nat(8), fc.nat(8)), { nil: undefined, freq: 5 }),
  })
  .map(({ groups, ipv4, gap }) => {
    const units = ipv4 === undefined ? groups : [...groups.slice(0, 6), ipv4];
    const weights = units.map((unit) => (unit.includes(".") ? 2 : 1));
    if (gap === undefined) return units.join(":");
    // Collapse units [from, to) (at least one 16-bit group, never half of the IPv4 tail) into "::".
    const from = gap[0] % units.length;
    const to = from + 1 + (gap[1] % (units.length - from));
    if (weights.slice(from, to).reduce((a, b) => a + b, 0) < 1) return units.join(":");
    return `${units.slice(0, from).join(":")}::${units.slice(to).join(":")}`;
  });
/** A valid IPv6 address with one small defect (or none): the cases where ABNF tools go wrong. */
const nearIpv6 = fc
  .tuple(
    validIpv6,
    fc.constantFrom("none", "octet", "group+", "group-", "gap", "zone", "h16", "trailing:"),
    fc.constantFrom("01", "00", "007", "", "256", "1234", "0"),
    fc.nat(),
  )
  .map(([literal, defect, octet, at]) => {
    const parts = literal.split(":");
    const i = at % parts.length;
    switch (defect) {
      case "octet":
        return literal.replace(/(?<=[.:]|^)[0-9]+(?=$|\.)/, octet);
      case "group+":
        return [...parts.slice(0, i), "ab", ...parts.slice(i)].join(":");
      case "group-":
        return [...parts.slice(0, i), ...parts.slice(i + 1)].join(":");
      case "gap":
        return [...parts.slice(0, i), "", ...parts.slice(i)].join(":");
      case "zone":
        return `${literal}%25eth0`;
      case "h16":
        return [...parts.slice(0, i), "12345", ...parts.slice(i + 1)].join(":");
      case "trailing:":
        return `${literal}:`;
      default:
        return literal;
    }
  });
const looseIpv6 = fc
  .record({
    groups: fc.array(mostly(validH16, chars(HEX, 6, 0), 6), { maxLength: 9 }),
    gapAt: optional(fc.nat(9), 2),
    extraGap: rarely,
    tail: optional(looseIpv4),
    zone: optional(fc.constantFrom("%eth0", "%25en0"), 10),
  })
  .map(({ groups, gapAt, extraGap, tail, zone }) => {
    const parts = [...groups, ...(tail === undefined ? [] : [tail])];
    let text = parts.join(":");
    if (gapAt !== undefined) {
      const at = Math.min(gapAt, parts.length);
      text = `${parts.slice(0, at).join(":")}::${parts.slice(at).join(":")}${extraGap ? "::" : ""}`;
    }
    return `${text}${zone ?? ""}`;
  });
const validIpvFuture = fc
  .tuple(fc.constantFrom("v", "V"), chars(HEX, 3, 1), chars(`${UNRESERVED}${SUB_DELIMS}:`, 6, 1))
  .map(([v, hex, rest]) => `${v}${hex}.${rest}`);
const looseIpvFuture = fc
  .tuple(
    fc.constantFrom("v", "V", "x"),
    chars(HEX, 3),
    fc.constantFrom(".", ""),
    looseUnits(`${UNRESERVED}${SUB_DELIMS}:`, 6),
  )
  .map((parts) => parts.join(""));
const validRegName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("example.com", "service.org", "localhost", "login.xyz", "a.b-c.d_e~f", ""),
  },
  { weight: 4, arbitrary: validUnits(`${UNRESERVED}${SUB_DELIMS}`, 12) },
  { weight: 2, arbitrary: mostly(validIpv4, looseIpv4, 2) },
);
const validHost = fc.oneof(
  { weight: 6, arbitrary: validRegName },
  { weight: 2, arbitrary: validIpv6.map((literal) => `[${literal}]`) },
  { weight: 1, arbitrary: validIpvFuture.map((literal) => `[${literal}]`) },
);
const looseHost = fc.oneof(
  looseUnits(`${UNRESERVED}${SUB_DELIMS}`, 12),
  looseIpv6.map((literal) => `[${literal}]`),
  looseIpvFuture.map((literal) => `[${literal}]`),
  fc.constantFrom("[", "]", "[::1", "::1]", "[::1]]", "[]", "[::1]x"),
);
const validPort = fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), chars(DIGIT, 7));
const loosePort = fc.constantFrom("08080", "80a", "-1", ":", " 80", "9".repeat(400));
const validUserinfo = validUnits(`${UNRESERVED}${SUB_DELIMS}:`, 8);
const authorityFrom = (
  host: fc.Arbitrary<string>,
  userinfo: fc.Arbitrary<string>,
  port: fc.Arbitrary<string>,
) =>
  fc
    .record({ userinfo: optional(userinfo, 4), host, port: optional(port, 3), extraAt: rarely })
    .map(
      ({ userinfo: u, host: h, port: p, extraAt }) =>
        `${u === undefined ? "" : `${u}@`}${extraAt ? "x@" : ""}${h}${p === undefined ? "" : `:${p}`}`,
    );
const cleanAuthority = (host: fc.Arbitrary<string>) =>
  fc
    .record({ userinfo: optional(validUserinfo, 4), host, port: optional(validPort, 3) })
    .map(
      ({ userinfo: u, host: h, port: p }) =>
        `${u === undefined ? "" : `${u}@`}${h}${p === undefined ? "" : `:${p}`}`,
    );
const validAuthority = cleanAuthority(validHost);
/** Valid, or an IPv6 literal one defect away from valid. */
const edgyAuthority = cleanAuthority(
  fc.oneof(
    { weight: 8, arbitrary: validHost },
    { weight: 1, arbitrary: nearIpv6.map((literal) => `[${literal}]`) },
  ),
);
const looseAuthority = authorityFrom(
  mostly(validHost, looseHost, 2),
  mostly(validUserinfo, looseUnits(UNRESERVED), 2),
  mostly(validPort, loosePort, 2),
);
const domain = mostly(
  edgyAuthority.filter((a) => a !== ""),
  looseAuthority,
  15,
);

// URIs
const validScheme = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("https", "http", "ipfs", "urn", "did", "a+b.c-d", "HTTPS") },
  {
    weight: 2,
    arbitrary: fc.tuple(chars(ALPHA, 1, 1), chars(`${ALPHA}${DIGIT}+-.`, 6)).map(([a, b]) => a + b),
  },
);
const looseScheme = fc.constantFrom("", "1http", "ht tp", "-x", "ht_tp", "é");
const PATH_CHARS = `${UNRESERVED}${SUB_DELIMS}:@/`;
const uriOf = (parts: {
  scheme: fc.Arbitrary<string>;
  authority: fc.Arbitrary<string>;
  path: fc.Arbitrary<string>;
  query: fc.Arbitrary<string>;
}) =>
  fc
    .record({
      scheme: parts.scheme,
      form: fc.constantFrom("authority", "authority", "authority", "absolute", "rootless", "empty"),
      authority: parts.authority,
      path: parts.path,
      query: optional(parts.query),
      fragment: optional(parts.query),
    })
    .map(({ scheme: s, form, authority: a, path, query, fragment }) => {
      const segments = path.replace(/^\/+/, "");
      const hier =
        form === "authority"
          ? `//${a}${path === "" ? "" : `/${segments}`}`
          : form === "absolute"
            ? `/${segments}`
            : form === "rootless"
              ? segments
              : "";
      return `${s}:${hier}${query === undefined ? "" : `?${query}`}${fragment === undefined ? "" : `#${fragment}`}`;
    });
const validUri = uriOf({
  scheme: validScheme,
  authority: validAuthority,
  path: validUnits(PATH_CHARS, 12),
  query: validUnits(`${PATH_CHARS}?`, 10),
});
const looseUri = uriOf({
  scheme: mostly(validScheme, looseScheme, 3),
  authority: looseAuthority,
  path: looseUnits(PATH_CHARS, 12),
  query: looseUnits(`${PATH_CHARS}?#`, 10),
});
const edgyUri = uriOf({
  scheme: validScheme,
  authority: edgyAuthority,
  path: validUnits(PATH_CHARS, 12),
  query: validUnits(`${PATH_CHARS}?`, 10),
});
const uri = mostly(edgyUri, looseUri, 12);

// Other fields
const addressBytes = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => toHex(bytes));
const validAddress = addressBytes.map((hex) => checksumAddress(hex as Address) as string);
const looseAddress = fc.oneof(
  addressBytes,
  addressBytes.map((hex) => `0x${hex.slice(2).toUpperCase()}`),
  addressBytes.map((hex) => `0X${checksumAddress(hex as Address).slice(2)}`),
  fc.tuple(addressBytes, fc.nat(39)).map(([hex, at]) => {
    const good = checksumAddress(hex as Address);
    const c = good[2 + at] as string;
    const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    return `${good.slice(0, 2 + at)}${flipped}${good.slice(3 + at)}`;
  }),
  fc.constantFrom("0x", "0x0000000000000000000000000000000000000000", "0x123", ""),
);
const STATEMENT_CHARS = `${ALPHA}${DIGIT} !#$&'()*+,-./:;=?@[]_~`;
const statement = optional(mostly(chars(STATEMENT_CHARS, 60), looseUnits(STATEMENT_CHARS, 30), 15), 4);
const chainId = mostly(
  fc
    .oneof(
      fc.constantFrom(0, 1, 5, 10, 137, 31337, 11155111, Number.MAX_SAFE_INTEGER),
      fc.nat(),
      fc.maxSafeNat(),
    )
    .map(String),
  fc.oneof(
    fc.constantFrom("00", "01", "9007199254740992", "1e3", "", "-1", "0x1", " 1"),
    chars(DIGIT, 30, 1),
  ),
  10,
);
const nonce = mostly(
  chars(`${ALPHA}${DIGIT}`, 24, 8),
  fc.oneof(chars(`${ALPHA}${DIGIT}`, 7), looseUnits(`${ALPHA}${DIGIT}`, 12, 8)),
  15,
);
const pad = (n: number, width: number): string => String(n).padStart(width, "0");
/** Days in a month, from the platform calendar (the Gregorian cycle repeats every 400 years). */
const daysIn = (year: number, month: number): number =>
  new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate();
const dateTimeOf = (bad: boolean) =>
  fc
    .record({
      year: fc.oneof(fc.integer({ min: 1970, max: 2200 }), fc.integer({ min: 0, max: 9999 })),
      month: bad ? fc.integer({ min: 0, max: 13 }) : fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: bad ? 0 : 1, max: 32 }),
      hour: bad ? fc.integer({ min: 0, max: 25 }) : fc.integer({ min: 0, max: 23 }),
      minute: bad ? fc.integer({ min: 0, max: 61 }) : fc.integer({ min: 0, max: 59 }),
      second: bad ? fc.integer({ min: 0, max: 61 }) : fc.integer({ min: 0, max: 60 }),
      fraction: optional(chars(DIGIT, 9, bad ? 0 : 1)),
      t: bad ? fc.constantFrom("T", "t", " ", "_") : fc.constantFrom("T", "T", "T", "t"),
      offset: bad
        ? fc.oneof(
            fc.constantFrom("Z", "", "+24:00", "-00:60", "+0100", "GMT", "+1:00"),
            fc
              .tuple(
                fc.constantFrom("+", "-"),
                fc.integer({ min: 0, max: 25 }),
                fc.integer({ min: 0, max: 61 }),
              )
              .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
          )
        : fc.oneof(
            fc.constantFrom("Z", "Z", "z"),
            fc
              .tuple(
                fc.constantFrom("+", "-"),
                fc.integer({ min: 0, max: 23 }),
                fc.integer({ min: 0, max: 59 }),
              )
              .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
          ),
    })
    .map((d) => ({ ...d, day: bad ? d.day : Math.min(d.day, daysIn(d.year, d.month)) }))
    .map(
      (d) =>
        `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}${d.t}${pad(d.hour, 2)}:${pad(d.minute, 2)}:${pad(d.second, 2)}` +
        `${d.fraction === undefined ? "" : `.${d.fraction}`}${d.offset}`,
    );
const dateTime = mostly(
  dateTimeOf(false),
  fc.oneof(
    dateTimeOf(true),
    fc.constantFrom(
      "2021-09-30T16:25:24.Z",
      "2021-9-30T16:25:24Z",
      "Wed Oct 05 2011 16:48:00 GMT+0200 (CEST)",
      "",
    ),
  ),
  12,
);
const requestId = optional(
  mostly(validUnits(`${UNRESERVED}${SUB_DELIMS}:@`, 12), looseUnits(`${UNRESERVED}:@`, 8), 12),
);
const resources = optional(fc.array(uri, { maxLength: 3 }));

/** Field sets, mostly valid, each field sometimes a near miss. */
export const looseSiweFields: fc.Arbitrary<LooseSiweFields> = fc
  .record({
    scheme: optional(mostly(validScheme, looseScheme, 10), 4),
    domain,
    address: mostly(validAddress, looseAddress, 20),
    statement,
    uri,
    version: mostly(fc.constant("1"), fc.constantFrom("2", "01", " 1", "", "1.0")),
    chainId,
    nonce,
    issuedAt: dateTime,
    expirationTime: optional(dateTime),
    notBefore: optional(dateTime),
    requestId,
    resources,
  })
  .map(withoutUndefined);

function withoutUndefined<T extends object>(fields: T): T {
  const copy = { ...fields } as Record<string, unknown>;
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy as unknown as T;
}

type Mutation =
  | { kind: "replace" | "insert"; at: number; text: string }
  | { kind: "delete" | "case"; at: number }
  | { kind: "append"; text: string }
  | { kind: "dropLine" | "duplicateLine" | "crlf"; line: number }
  | { kind: "swapLines"; line: number; other: number }
  | { kind: "huge"; at: number; size: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("replace" as const),
    at: fc.nat(400),
    text: fc.oneof(trouble, chars(`${ALPHA}${DIGIT}:-. `, 1, 1)),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(400),
    text: fc.oneof(trouble, chars(`${ALPHA}${DIGIT}:-. `, 2, 1)),
  }),
  fc.record({ kind: fc.constantFrom("delete" as const, "case" as const), at: fc.nat(400) }),
  fc.record({
    kind: fc.constant("append" as const),
    text: fc.constantFrom("\n", " ", "\r\n", "\nfoo", "\nRequest ID: x", "\nResources:", "\n- https://x"),
  }),
  fc.record({
    kind: fc.constantFrom("dropLine" as const, "duplicateLine" as const, "crlf" as const),
    line: fc.nat(16),
  }),
  fc.record({ kind: fc.constant("swapLines" as const), line: fc.nat(16), other: fc.nat(16) }),
  fc.record({ kind: fc.constant("huge" as const), at: fc.nat(400), size: fc.constantFrom(1000, 4000, 5000) }),
);

function applyMutation(text: string, m: Mutation): string {
  const at = "at" in m ? m.at % (text.length + 1) : 0;
  switch (m.kind) {
    case "replace":
      return text.slice(0, at) + m.text + text.slice(at + 1);
    case "insert":
      return text.slice(0, at) + m.text + text.slice(at);
    case "delete":
      return text.slice(0, at) + text.slice(at + 1);
    case "case": {
      const c = text.charAt(at);
      const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return text.slice(0, at) + swapped + text.slice(at + 1);
    }
    case "append":
      return text + m.text;
    case "huge":
      return text.slice(0, at) + "a".repeat(m.size) + text.slice(at);
    default: {
      const lines = text.split("\n");
      const line = m.line % lines.length;
      if (m.kind === "dropLine") lines.splice(line, 1);
      else if (m.kind === "duplicateLine") lines.splice(line, 0, lines[line] as string);
      else if (m.kind === "crlf") lines[line] = `${lines[line]}\r`;
      else if (m.kind === "swapLines") {
        const other = m.other % lines.length;
        [lines[line], lines[other]] = [lines[other] as string, lines[line] as string];
      }
      return lines.join("\n");
    }
  }
}

/** Message texts: formatted loose fields, half of them mutated one to three times. */
export const siweMessageTexts: fc.Arbitrary<string> = fc
  .tuple(
    looseSiweFields,
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
    ),
  )
  .map(([fields, mutations]) => mutations.reduce(applyMutation, formatLooseSiweMessage(fields)));

// ---------------------------------------------------------------------------------------------
// The oracle: the reference parser, corrected only where it departs from the specification. Each
// correction is a documented disagreement with its own named test in parse-siwe-message.spec.ts.

/** Fields as both parsers report them, absent optionals dropped. */
export type ComparableFields = Record<string, unknown>;

export type Verdict = { accepted: true; fields: ComparableFields } | { accepted: false; why: string };

/** What the reference `siwe` 3 parser says, before any correction. */
export function referenceVerdict(text: string): Verdict {
  try {
    return {
      accepted: true,
      fields: comparable(new ReferenceSiweMessage(text) as unknown as Record<string, unknown>),
    };
  } catch (error) {
    return { accepted: false, why: String((error as Error).message).slice(0, 200) };
  }
}

/** The reference verdict, corrected where `siwe` departs from EIP-4361, RFC 3986 or our rules. */
export function expectedVerdict(text: string): Verdict {
  if (utf8Bytes(text) > MAX_SIWE_MESSAGE_BYTES) return { accepted: false, why: "too large (our cap)" };
  const reference = referenceVerdict(text);
  if (!reference.accepted) {
    // siwe feeds every URI port through parseInt, which overflows to Infinity and throws at ~309 digits.
    if (/^URI: [^\n]*:[0-9]{309,}/m.test(text)) return ourVerdict(text);
    return reference;
  }
  const f = reference.fields;
  const chainIdLine = /\nChain ID: ([0-9]+)\n/.exec(text)?.[1] ?? "";
  if (/^0[0-9]/.test(chainIdLine)) return { accepted: false, why: "chain id with a leading zero (our rule)" };
  if (!Number.isSafeInteger(f.chainId)) return { accepted: false, why: "chain id beyond 2^53-1 (our rule)" };
  const authorities = [
    f.domain as string,
    ...[f.uri as string, ...((f.resources as string[]) ?? [])].map(authorityOf),
  ];
  for (const a of authorities) {
    const literal = ipLiteralOf(a);
    if (literal !== undefined && !/^v/i.test(literal) && !(isIPv6(literal) && !literal.includes("%"))) {
      return { accepted: false, why: "IPv6 literal that RFC 3986 (node:net) rejects but siwe accepts" };
    }
  }
  return reference;
}

/** Our parser's verdict; anything but our two error types is a crash and is rethrown. */
export function ourVerdict(text: string): Verdict {
  try {
    return {
      accepted: true,
      fields: comparable(parseSiweMessage(text) as unknown as Record<string, unknown>),
    };
  } catch (error) {
    if (error instanceof SiweMessageInvalidError || error instanceof SiweMessageTooLargeError) {
      return { accepted: false, why: `${error.code}: ${JSON.stringify(error.details)}` };
    }
    throw error;
  }
}

/** Throws (with both verdicts) when our parser disagrees with the corrected reference on `text`. */
export function assertParsersAgree(text: string): void {
  const ours = ourVerdict(text);
  const expected = expectedVerdict(text);
  const same =
    ours.accepted === expected.accepted &&
    (!ours.accepted ||
      JSON.stringify(ours.fields) === JSON.stringify((expected as { fields: unknown }).fields));
  if (!same) {
    throw new Error(
      `parsers disagree on ${JSON.stringify(text)}\n ours: ${JSON.stringify(ours)}\n expected: ${JSON.stringify(expected)}`,
    );
  }
}

/** Options of {@link checkSiweParserDifferential}. */
export interface DifferentialOptions {
  numRuns: number;
  seed?: number;
}

/** Runs the differential property; throws fast-check's report (with seed and shrunk case) on failure. */
export function checkSiweParserDifferential({ numRuns, seed }: DifferentialOptions): void {
  fc.assert(
    fc.property(siweMessageTexts, assertParsersAgree),
    seed === undefined ? { numRuns } : { numRuns, seed },
  );
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
] as const satisfies readonly (keyof SiweMessage)[];

function comparable(message: Record<string, unknown>): ComparableFields {
  const out: ComparableFields = {};
  for (const key of FIELD_KEYS)
    if (message[key] !== undefined && message[key] !== null) out[key] = message[key];
  return out;
}

function authorityOf(uriText: string): string {
  const match = /^[^:/?#]*:\/\/([^/?#]*)/.exec(uriText);
  return match?.[1] ?? "";
}

function ipLiteralOf(authorityText: string): string | undefined {
  const hostPort = authorityText.slice(authorityText.indexOf("@") + 1);
  if (!hostPort.startsWith("[")) return undefined;
  return hostPort.slice(1, hostPort.indexOf("]"));
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Valid fields only, for round-trip properties of `createSiweMessage`. */
export const validSiweFields: fc.Arbitrary<SiweMessageFields> = fc
  .record({
    scheme: optional(validScheme),
    domain: validAuthority.filter((a) => a !== ""),
    address: validAddress,
    statement: optional(chars(STATEMENT_CHARS, 60)),
    uri: validUri,
    version: fc.constant("1"),
    chainId: fc.oneof(fc.constantFrom(0, 1, 31337), fc.maxSafeNat()),
    nonce: chars(`${ALPHA}${DIGIT}`, 32, 8),
    issuedAt: dateTimeOf(false),
    expirationTime: optional(dateTimeOf(false)),
    notBefore: optional(dateTimeOf(false)),
    requestId: optional(validUnits(`${UNRESERVED}${SUB_DELIMS}:@`, 12)),
    resources: optional(fc.array(validUri, { maxLength: 3 })),
  })
  .map((fields) => withoutUndefined(fields) as unknown as SiweMessageFields);
