// Folders depend one way: an import cycle between two folders of one unit (a feature of the auth-api,
// a part of a lib), or between two subfolders of one folder at any depth, fails `npm run lint`.
// Module-level tools miss a loop that passes through several files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** Each folder's set of folders it imports from, keyed by folder path relative to the unit. */
export type FolderGraph = Map<string, Set<string>>;

export interface SourceFile {
  /** Path relative to the unit's root, e.g. `sessions/session.service.ts`. */
  path: string;
  text: string;
}

/**
 * The import graph among the child folders of `parent` (`""` for the unit's root): relative imports
 * only, between files under `parent`; a file directly in `parent` counts as the folder `.`.
 */
export function folderGraph(files: SourceFile[], parent = ""): FolderGraph {
  const graph: FolderGraph = new Map();
  const prefix = parent ? `${parent}/` : "";
  const childOf = (file: string): string | undefined => {
    if (!file.startsWith(prefix)) return undefined;
    const rest = file.slice(prefix.length);
    return rest.includes("/") ? rest.split("/")[0]! : ".";
  };
  for (const file of files) {
    const from = childOf(file.path);
    if (from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const { fileName } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), fileName));
      if (target.startsWith("..")) continue;
      const to = childOf(target);
      if (to !== undefined && to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Every folder of the unit that holds a source file at any depth, the root (`""`) first. */
export function foldersOf(files: SourceFile[]): string[] {
  const folders = new Set<string>([""]);
  for (const file of files) {
    const segments = file.path.split("/").slice(0, -1);
    for (let depth = 1; depth <= segments.length; depth++) folders.add(segments.slice(0, depth).join("/"));
  }
  return [...folders].sort();
}

/** The cycles among the child folders of every folder of the unit, each prefixed with its parent. */
export function nestedFolderCycles(files: SourceFile[]): string[][] {
  return foldersOf(files).flatMap((parent) =>
    folderCycles(folderGraph(files, parent)).map((cycle) =>
      cycle.map((child) => (parent ? `${parent}/${child}` : child)),
    ),
  );
}

/** The cycles of `graph`: its strongly connected components of more than one folder (Tarjan). */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The non-test TypeScript sources under `dir`, relative to it. */
export function sourcesUnder(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, child)).isDirectory()) walk(child);
      else if (name.endsWith(".ts") && !name.endsWith(".spec.ts") && !name.endsWith(".d.ts")) {
        files.push({ path: child, text: readFileSync(path.join(dir, child), "utf8") });
      }
    }
  };
  walk("");
  return files;
}

/** The units whose folders must not form a cycle: every app's and lib's `src/`. */
export function unitRoots(root: string): string[] {
  return ["apps", "libs"].flatMap((group) =>
    readdirSync(path.join(root, group))
      .map((name) => path.join(group, name, "src"))
      .filter((src) => statSync(path.join(root, src), { throwIfNoEntry: false })?.isDirectory()),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  let failed = false;
  for (const unit of unitRoots(root)) {
    for (const cycle of nestedFolderCycles(sourcesUnder(path.join(root, unit)))) {
      failed = true;
      console.error(`${unit}: folders import each other in a cycle: ${cycle.join(", ")}`);
    }
  }
  if (failed) process.exit(1);
}
