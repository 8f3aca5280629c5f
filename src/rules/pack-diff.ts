/**
 * What changed between two versions of a pack, for the people who write them: parameters (value,
 * unit, citation), rules (added, removed, changed conditions or formula), and the pack's dates.
 */
import { canonicalJson } from "../lib/canonical-json";
import type { RulePackDocument } from "../engine/pack-document";
import { TIERS } from "../engine/vocabulary";

function text(value: unknown): string {
  return value === undefined ? "(none)" : canonicalJson(value);
}

/** One line per difference; empty when the two documents say the same. */
export function diffPacks(before: RulePackDocument, after: RulePackDocument): string[] {
  const lines: string[] = [];
  for (const key of ["id", "version", "title"] as const) if (before[key] !== after[key]) lines.push(`${key}: ${text(before[key])} → ${text(after[key])}`);
  if (canonicalJson(before.inForce) !== canonicalJson(after.inForce)) lines.push(`inForce: ${text(before.inForce)} → ${text(after.inForce)}`);
  if (canonicalJson(before.source) !== canonicalJson(after.source)) lines.push(`source: ${text(before.source)} → ${text(after.source)}`);
  if (canonicalJson(before.precedence.order) !== canonicalJson(after.precedence.order)) lines.push(`precedence: ${before.precedence.order.join(" > ")} → ${after.precedence.order.join(" > ")}`);

  const ids = [...new Set([...Object.keys(before.parameters), ...Object.keys(after.parameters)])].sort();
  for (const id of ids) {
    const a = before.parameters[id];
    const b = after.parameters[id];
    if (!a) lines.push(`parameter ${id}: added, ${text(b.value ?? b.values)} ${b.unit} (${b.source.clause})`);
    else if (!b) lines.push(`parameter ${id}: removed (was ${text(a.value ?? a.values)})`);
    else {
      if (text(a.value ?? a.values) !== text(b.value ?? b.values)) lines.push(`parameter ${id}: ${text(a.value ?? a.values)} → ${text(b.value ?? b.values)} ${b.unit}`);
      if (a.unit !== b.unit) lines.push(`parameter ${id}: unit ${a.unit} → ${b.unit}`);
      if (canonicalJson(a.source) !== canonicalJson(b.source)) lines.push(`parameter ${id}: citation ${text(a.source)} → ${text(b.source)}`);
    }
  }

  for (const tier of TIERS) {
    const rulesBefore = new Map((before.tiers[tier]?.rules ?? []).map((r) => [r.name, r]));
    const rulesAfter = new Map((after.tiers[tier]?.rules ?? []).map((r) => [r.name, r]));
    for (const [name, rule] of rulesAfter) {
      const old = rulesBefore.get(name);
      if (!old) lines.push(`rule ${tier}/${name}: added (${rule.event.type}, ${rule.event.params.clause})`);
      else {
        if (canonicalJson(old.conditions) !== canonicalJson(rule.conditions)) lines.push(`rule ${tier}/${name}: conditions ${text(old.conditions)} → ${text(rule.conditions)}`);
        if (canonicalJson(old.event) !== canonicalJson(rule.event)) lines.push(`rule ${tier}/${name}: event ${text(old.event)} → ${text(rule.event)}`);
        if ((old.priority ?? 1) !== (rule.priority ?? 1)) lines.push(`rule ${tier}/${name}: priority ${old.priority ?? 1} → ${rule.priority ?? 1}`);
      }
    }
    for (const name of rulesBefore.keys()) if (!rulesAfter.has(name)) lines.push(`rule ${tier}/${name}: removed`);
  }
  if (canonicalJson(before.charityFunding ?? null) !== canonicalJson(after.charityFunding ?? null)) lines.push(`charityFunding: ${text(before.charityFunding)} → ${text(after.charityFunding)}`);
  return lines;
}
