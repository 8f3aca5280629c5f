/**
 * Locating the project's own files (rule packs, schema, scenarios) from compiled or source code.
 */
import * as fs from "node:fs";
import * as path from "node:path";

let root: string | null = null;

/** The directory holding package.json: found by walking up from this file, so dist/ and src/ agree. */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json")) || !fs.existsSync(path.join(dir, "rules-json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the project root (package.json with rules-json/)");
    dir = parent;
  }
  root = dir;
  return root;
}

/** A path inside the project. */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}
