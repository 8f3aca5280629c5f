/**
 * Loading the rule packs of `rules-json/`: each file is built (schema, references, decision tables)
 * and then put to the caller's check (the scenario tools pass a pack's own scenarios); a pack that
 * fails either is not loaded, and the reasons are returned so that the caller can report them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DomainError, isDomainError } from "../lib/errors";
import { compilePack, type CompiledPack } from "./compiled-pack";
import { PackRegistry } from "./pack-registry";

export interface RefusedPack {
  file: string;
  error: DomainError;
}

export interface LoadedPacks {
  registry: PackRegistry;
  refused: RefusedPack[];
}

/** Reads and builds one pack file. */
export async function loadPackFile(file: string): Promise<CompiledPack> {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new DomainError("INVALID_PACK", file, `${file}: not JSON: ${(error as Error).message}`, [(error as Error).message]);
  }
  return compilePack(document, path.basename(file));
}

/** A further check of a built pack: the failures found, none when it passes. */
export type PackCheck = (pack: CompiledPack) => string[];

/** Loads every `*.json` pack of a directory; packs that fail are refused, the rest registered. */
export async function loadPackDirectory(dir: string, check: PackCheck = () => []): Promise<LoadedPacks> {
  const registry = new PackRegistry();
  const refused: RefusedPack[] = [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  for (const name of files) {
    const file = path.join(dir, name);
    try {
      const pack = await loadPackFile(file);
      const failures = check(pack);
      if (failures.length > 0) {
        throw new DomainError("INVALID_PACK", name, `${name}: ${failures.length} of its scenarios fail`, failures);
      }
      registry.add(pack);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      refused.push({ file, error });
    }
  }
  return { registry, refused };
}
