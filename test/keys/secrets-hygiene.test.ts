import { generateRefreshToken, LocalKekProvider, SecretBox } from "@sigil/sessions";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

/** Production source: apps/ and libs/ TypeScript, without specs and test helpers. */
async function sourceFiles(): Promise<{ file: string; text: string }[]> {
  const files: { file: string; text: string }[] = [];
  for (const top of ["apps", "libs"]) {
    for (const entry of await readdir(path.join(root, top), { recursive: true, withFileTypes: true })) {
      const file = path.relative(root, path.join(entry.parentPath, entry.name));
      if (!entry.isFile() || !file.endsWith(".ts") || file.endsWith(".spec.ts") || file.endsWith(".d.ts"))
        continue;
      if (file.includes("/testing/") || file.includes("node_modules")) continue;
      files.push({ file, text: await readFile(path.join(root, file), "utf8") });
    }
  }
  return files;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

const SECRETISH = String.raw`\b[\w.]*(?:secret|Secret|mac|Mac|hmac|Hmac|digest|Digest|secretHash|tokenHash|keyHash|authTag|signature)\w*`;
const LITERAL = String.raw`(?:""|''|undefined|null|\d+|"[\w-]*")`;
const COMPARE = new RegExp(
  `${SECRETISH}\\s*[!=]==\\s*(?!${LITERAL}\\b|${LITERAL}\\s)[\\w.]|[\\w.\\]\\)]\\s*[!=]==\\s*${SECRETISH}`,
  "g",
);

/** Offsets of `===`/`!==` comparisons with a secret-looking operand (not against literals or lengths). */
function secretComparisons(text: string): number[] {
  return [...text.matchAll(COMPARE)]
    .filter((m) => !/typeof|\.length|instanceof/.test(m[0]))
    .map((m) => m.index);
}

describe("secrets: randomness and comparisons", () => {
  let files: { file: string; text: string }[];

  beforeAll(async () => {
    files = await sourceFiles();
  });

  it("H2: no Math.random anywhere in the service, libraries or CLI", () => {
    const hits = files.filter(({ text }) => /Math\.random\s*\(/.test(text)).map(({ file }) => file);
    expect(hits).toEqual([]);
  });

  it("H2: every randomBytes call draws at least 128 bits", () => {
    const small: string[] = [];
    let calls = 0;
    for (const { file, text } of files) {
      for (const match of text.matchAll(/randomBytes\(\s*([^)]*)\)/g)) {
        calls += 1;
        const size = /^\d[\d_]*$/.test(match[1]!.trim()) ? Number(match[1]!.replace(/_/g, "")) : undefined;
        // A named size must be a constant of at least 16 declared in the same file.
        const named = size ?? Number(new RegExp(`const ${match[1]!.trim()}\\s*=\\s*(\\d+)`).exec(text)?.[1]);
        // GCM IVs are public nonces (96 bits, fresh per seal), not secrets.
        if (match[1]!.trim() === "IV_BYTES") continue;
        if (!(named >= 16)) small.push(`${file}:${lineOf(text, match.index)} randomBytes(${match[1]})`);
      }
    }
    expect(calls).toBeGreaterThan(3);
    expect(small).toEqual([]);
  });

  it("H2: refresh tokens and sealed-secret data keys are unique 256-bit CSPRNG draws", async () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => generateRefreshToken().token));
    expect(tokens.size).toBe(2000);
    const body = [...tokens][0]!.slice("srt_".length);
    expect(Buffer.from(body, "base64url").length * 8).toBeGreaterThanOrEqual(256);
    const box = new SecretBox(
      new LocalKekProvider({ current: Buffer.alloc(32, 7).map((b, i) => b ^ (i * 31)) }),
    );
    const sealed = await Promise.all(
      Array.from({ length: 200 }, () => box.seal({ plaintext: Buffer.from("x"), context: "c" })),
    );
    expect(new Set(sealed.map((s) => s.wrappedKey.toString("hex"))).size).toBe(200);
  });

  it("H3: secrets, MACs and secret hashes are never compared with === / !== (timingSafeEqual instead)", () => {
    // The detector itself: it must flag the comparisons this test exists to forbid.
    expect(secretComparisons("if (given === client.secret) ok();")).toHaveLength(1);
    expect(secretComparisons("return macA !== expectedMac;")).toHaveLength(1);
    expect(secretComparisons('if (secret !== "") go(); if (secret.length === 0) no();')).toEqual([]);
    const hits: string[] = [];
    for (const { file, text } of files) {
      for (const index of secretComparisons(text)) {
        hits.push(`${file}:${lineOf(text, index)} ${text.split("\n")[lineOf(text, index) - 1]!.trim()}`);
      }
    }
    expect(hits).toEqual([]);
    // The one secret a request presents today (a resource client's) goes through timingSafeEqual.
    const guard = files.find(({ file }) => file === "apps/auth-api/src/access/access.guard.ts")!;
    expect(guard.text).toMatch(/timingSafeEqual\(client\.secretHash/);
  });
});
