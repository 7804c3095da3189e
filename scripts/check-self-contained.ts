// The repository stands alone: no tracked file may read or link a path outside it. Run by
// `npm run lint`; test/lint/self-contained.test.ts plants each kind of reference and expects it caught.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CODE = /\.(?:[cm]?[jt]s|json|sh|ya?ml)$/;
const MARKDOWN = /\.md$/;
// Relative string literals in code, relative link targets in Markdown.
const CODE_LITERAL = /["'`](\.\.\/[^"'`\s]*)["'`]/g;
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)>?[^)]*\)|\b(?:src|href)="([^"]+)"/g;
// A sibling folder that exists on the team's machines only, and machine-specific absolute paths.
const NAMED = /(?:^|[^\w.])(\.\.\/shared\b|\/work\/[\w.-]+)/g;

/**
 * Every place in `files` (`{ path, text }`, paths relative to the repository root) that refers to a
 * path outside the repository, as `{ path, line, reference }`.
 */
export interface RepoFile {
  path: string;
  text: string;
}
export interface OutsideReference {
  path: string;
  line: number;
  reference: string;
}

export function findOutsideReferences(files: RepoFile[]): OutsideReference[] {
  const found: OutsideReference[] = [];
  for (const file of files) {
    const dir = path.posix.dirname(file.path);
    const escapes = (target: string): boolean => {
      const bare = target.split(/[?#]/)[0];
      if (!bare || /^[a-z][\w+.-]*:/i.test(bare) || bare.startsWith("/")) return false;
      return path.posix.normalize(path.posix.join(dir, bare)).startsWith("../");
    };
    file.text.split("\n").forEach((text, index) => {
      const report = (reference: string): number =>
        found.push({ path: file.path, line: index + 1, reference });
      for (const match of text.matchAll(NAMED)) report(match[1]!);
      const pattern = MARKDOWN.test(file.path)
        ? MARKDOWN_LINK
        : CODE.test(file.path)
          ? CODE_LITERAL
          : undefined;
      if (!pattern) return;
      for (const match of text.matchAll(pattern)) {
        const target = match[1] ?? match[2] ?? "";
        if (escapes(target) && !found.some((f) => f.line === index + 1 && f.path === file.path))
          report(target);
      }
    });
  }
  return found;
}

/** The tracked text files of the repository at `root`. */
export function trackedFiles(root: string): RepoFile[] {
  const names = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((name) => name && name !== "package-lock.json" && (CODE.test(name) || MARKDOWN.test(name)));
  return names.map((name) => ({ path: name, text: readFileSync(path.join(root, name), "utf8") }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const found = findOutsideReferences(trackedFiles(root));
  for (const f of found) console.error(`${f.path}:${f.line}: refers outside the repository: ${f.reference}`);
  if (found.length > 0) process.exit(1);
}
