/**
 * Floors a parameter's value must respect (东至 二(五): 特困、低保 "按不低于70%的比例救助"): the pack
 * declares `floor: { param }` on the parameter, and a value below the floor, in a pack version or an
 * override, makes the pack invalid, so a figure contrary to the text is never activated.
 */
import type { Money } from "../lib/money";
import type { RulePackDocument } from "./pack-document";
import { valueOn, type ResolvedParameter, type ResolvedValue } from "./parameters";

/** One line per parameter value below its floor, or per floor that does not resolve. */
export function floorProblems(document: RulePackDocument, parameters: ReadonlyMap<string, ResolvedParameter>): string[] {
  const problems: string[] = [];
  for (const [id, declared] of Object.entries(document.parameters)) {
    if (!declared.floor) continue;
    const parameter = parameters.get(id);
    const floor = parameters.get(declared.floor.param);
    if (!parameter || !floor || floor.unit !== parameter.unit || parameter.unit === "schedule") {
      problems.push(`parameters.${id}.floor: "${declared.floor.param}" is not a parameter of the same unit`);
      continue;
    }
    problems.push(...valuesBelowFloor(parameter, floor));
  }
  return problems;
}

/** Compared on every date either value changes, so a dated floor or value cannot slip through. */
function valuesBelowFloor(parameter: ResolvedParameter, floor: ResolvedParameter): string[] {
  const dates = [...new Set([...parameter.values, ...floor.values].map((entry) => entry.from))].sort();
  const problems: string[] = [];
  for (const date of dates) {
    const value = valueOn(parameter, date);
    const minimum = valueOn(floor, date);
    if (isNumber(value) && isNumber(minimum) && value.lessThan(minimum)) {
      problems.push(`parameters.${parameter.id}: ${value.toString()} from ${date} is below its floor ${floor.id} = ${minimum.toString()}`);
    }
  }
  return problems;
}

function isNumber(value: ResolvedValue): value is Money {
  return value !== null && !Array.isArray(value) && typeof value !== "string";
}
