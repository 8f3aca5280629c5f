/**
 * The JSON Schema check of a rule pack document (`schema/rule-pack.schema.json`).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectPath } from "../lib/project";

let validator: ValidateFunction | null = null;

function compiledValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(projectPath("schema", "rule-pack.schema.json"), "utf8"));
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

/** Checks a document against the schema; returns one readable line per problem (empty when valid). */
export function schemaProblems(document: unknown): string[] {
  const validate = compiledValidator();
  if (validate(document)) return [];
  return simplify(validate.errors ?? []);
}

/**
 * Ajv reports every failed branch of a oneOf; a person wants the deepest, most specific failures.
 * Errors whose path is a prefix of another error's path are dropped.
 */
function simplify(errors: ErrorObject[]): string[] {
  const lines = new Set<string>();
  const paths = errors.map((error) => error.instancePath);
  for (const error of errors) {
    const deeper = paths.some((p) => p !== error.instancePath && p.startsWith(error.instancePath + "/"));
    if (deeper && (error.keyword === "oneOf" || error.keyword === "const" || error.keyword === "enum")) continue;
    const where = error.instancePath === "" ? "(document)" : error.instancePath.slice(1).replace(/\//g, ".");
    const extra = error.keyword === "additionalProperties" ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : "";
    lines.add(`${where}: ${error.message ?? error.keyword}${extra}`);
  }
  return [...lines];
}

export const SCHEMA_FILE = path.join("schema", "rule-pack.schema.json");
