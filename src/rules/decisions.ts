/**
 * The decisions a pack records (`decision`: a choice the text leaves open, made by the project or
 * an office), gathered into one table for the README, so that a reader never takes a decision for
 * a quotation of the text.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RulePackDocument } from "../engine/pack-document";
import { projectPath } from "../lib/project";

export interface PackDecision {
  pack: string;
  /** Where in the pack the decision sits, e.g. `charityFunding.rules[yq-fund-order-city]`. */
  where: string;
  /** The clause next to the decision (what it reads or leaves open), if any. */
  clause: string | null;
  by: string;
  text: string;
}

/** Every `decision` of a pack, in document order. */
export function packDecisions(document: RulePackDocument): PackDecision[] {
  const found: PackDecision[] = [];
  const visit = (node: unknown, where: string, clause: string | null): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${where}[${(item as { id?: string })?.id ?? (item as { name?: string })?.name ?? i}]`, clause));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    const here = clauseOf(record) ?? clause;
    const decision = record.decision as { by: string; text: string } | undefined;
    if (decision) found.push({ pack: document.id, where: where.replace(/\.event\.params$/, ""), clause: here, by: decision.by, text: decision.text });
    for (const [key, value] of Object.entries(record)) if (key !== "decision") visit(value, where ? `${where}.${key}` : key, here);
  };
  visit(document, "", null);
  return found;
}

function clauseOf(record: Record<string, unknown>): string | null {
  for (const value of [record.clause, record.basisClause, (record.source as { clause?: unknown } | undefined)?.clause]) if (typeof value === "string") return value;
  return null;
}

/** The README table of every pack's decisions. */
export function decisionsTable(documents: readonly RulePackDocument[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = documents.flatMap(packDecisions).map((d) => `| ${d.pack} | \`${d.where}\` | ${cell(d.clause ?? "—")} | ${d.by} | ${cell(d.text)} |`);
  return ["| pack | where | clause | decided by | decision |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The table for the packs shipped in `rules-json/`, in file-name order. */
export function shippedDecisionsTable(): string {
  const dir = projectPath("rules-json");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  return decisionsTable(files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as RulePackDocument));
}
