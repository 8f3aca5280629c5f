/**
 * Pack parameters: reading their values (dated, possibly unset), applying scenario overrides, and
 * evaluating the value references that formulas use.
 */
import { Money, money } from "../lib/money";
import { DomainError } from "../lib/errors";
import { isValidDate } from "../lib/dates";
import type { ParameterDocument, ParameterUnit, ParameterValue, RulePackDocument, ValueRef } from "./pack-document";

export interface ScheduleSegment {
  from: Money;
  ratio: Money;
}

/** A parameter value read into exact numbers (a `date` stays its YYYY-MM-DD text); null means the text gives no value. */
export type ResolvedValue = Money | ScheduleSegment[] | string | null;

export interface ResolvedParameter {
  id: string;
  unit: ParameterUnit;
  /** Dated values in ascending order of `from`; an undated parameter has one entry from "0000-01-01". */
  values: Array<{ from: string; value: ResolvedValue }>;
}

const AMOUNT = /^(0|[1-9]\d{0,15})(\.\d{1,2})?$/;
const RATIO = /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/;
const SHARE = /^(0|[1-9]\d{0,2})(\.\d{1,6})?$/;

/** Why a raw value does not fit its parameter's unit. */
export interface ValueProblem {
  problem: string;
}

export function isValueProblem(value: ResolvedValue | ValueProblem): value is ValueProblem {
  return value !== null && typeof value === "object" && "problem" in value;
}

/** Reads one raw value for a parameter of the given unit; returns a problem when it does not fit. */
export function readParameterValue(unit: ParameterUnit, raw: ParameterValue): ResolvedValue | ValueProblem {
  const wrong = (problem: string): ValueProblem => ({ problem });
  if (raw === null) return null;
  if (unit === "schedule") {
    if (!Array.isArray(raw) || raw.length === 0) return wrong("a schedule is a non-empty list of {from, ratio}");
    const segments: ScheduleSegment[] = [];
    for (const segment of raw) {
      if (!AMOUNT.test(segment.from) || !RATIO.test(segment.ratio)) return wrong("each segment needs an amount `from` and a ratio");
      segments.push({ from: money(segment.from), ratio: money(segment.ratio) });
    }
    for (let i = 1; i < segments.length; i++) {
      if (!segments[i].from.greaterThan(segments[i - 1].from)) return wrong("segments must start at increasing amounts");
    }
    return segments;
  }
  if (typeof raw !== "string") return wrong(`a ${unit} value is a string`);
  // A date stays text: it is compared with claim dates, never computed with.
  if (unit === "date") return isValidDate(raw) ? raw : wrong(`"${raw}" is not a calendar date (YYYY-MM-DD)`);
  if (unit === "ratio" && !RATIO.test(raw)) return wrong(`"${raw}" is not a ratio between 0 and 1`);
  if (unit === "share" && !SHARE.test(raw)) return wrong(`"${raw}" is not a share (a non-negative multiple such as 1.50)`);
  if (unit === "CNY" && !AMOUNT.test(raw)) return wrong(`"${raw}" is not an amount with at most 2 decimals`);
  return money(raw);
}

/** Reads every parameter of a pack; problems are collected, not thrown, so a publisher sees them all. */
export function resolveParameters(document: RulePackDocument, problems: string[]): Map<string, ResolvedParameter> {
  const resolved = new Map<string, ResolvedParameter>();
  for (const [id, parameter] of Object.entries(document.parameters)) {
    const dated = datedValues(parameter);
    const values: ResolvedParameter["values"] = [];
    let previousFrom = "";
    for (const entry of dated) {
      if (entry.from <= previousFrom) problems.push(`parameters.${id}.values: dates must increase`);
      previousFrom = entry.from;
      const value = readParameterValue(parameter.unit, entry.value);
      if (isValueProblem(value)) {
        problems.push(`parameters.${id}: ${value.problem}`);
        continue;
      }
      values.push({ from: entry.from, value });
    }
    resolved.set(id, { id, unit: parameter.unit, values });
  }
  return resolved;
}

function datedValues(parameter: ParameterDocument): Array<{ from: string; value: ParameterValue }> {
  if (parameter.values) return parameter.values;
  return [{ from: "0000-01-01", value: parameter.value ?? null }];
}

/**
 * Replaces parameter values by id (a scenario's `parameters`, a what-if). Every id must exist and
 * every value must fit the parameter's unit; an override holds for all dates.
 */
export function overrideParameters(
  parameters: Map<string, ResolvedParameter>,
  overrides: Record<string, unknown>,
  fieldPrefix = "parameters",
): Map<string, ResolvedParameter> {
  const result = new Map(parameters);
  for (const [id, raw] of Object.entries(overrides)) {
    const parameter = parameters.get(id);
    if (!parameter) {
      throw new DomainError("INVALID_INPUT", `${fieldPrefix}.${id}`, `参数 ${id} 不存在 / the pack has no parameter "${id}"`);
    }
    const value = readParameterValue(parameter.unit, raw as ParameterValue);
    if (isValueProblem(value)) {
      const code = parameter.unit === "CNY" ? "INVALID_AMOUNT" : parameter.unit === "date" ? "INVALID_DATE" : "INVALID_INPUT";
      throw new DomainError(code, `${fieldPrefix}.${id}`, `参数 ${id} 的值无效 / parameter "${id}": ${value.problem}`);
    }
    result.set(id, { ...parameter, values: [{ from: "0000-01-01", value }] });
  }
  return result;
}

/** The value of a parameter on a date, or null when it is unset then. */
export function valueOn(parameter: ResolvedParameter, date: string): ResolvedValue {
  let current: ResolvedValue = null;
  for (const entry of parameter.values) {
    if (entry.from <= date) current = entry.value;
    else break;
  }
  return current;
}

/** Every date on which some parameter changes value: formulas are prepared once per interval. */
export function changeDates(parameters: Map<string, ResolvedParameter>): string[] {
  const dates = new Set<string>(["0000-01-01"]);
  for (const parameter of parameters.values()) for (const entry of parameter.values) dates.add(entry.from);
  return [...dates].sort();
}

/** The parameter ids a value reference uses. */
export function referencedParameters(ref: ValueRef): string[] {
  return "param" in ref ? [ref.param] : ref.product.flatMap(referencedParameters);
}

/** What evaluating a reference gives: a number, or the ids of the unset parameters it needs. */
export type Evaluated<T> = { ok: true; value: T } | { ok: false; missing: string[] };

/** Evaluates a reference to a number (an amount or a ratio) on a date. */
export function evaluateNumber(ref: ValueRef, parameters: Map<string, ResolvedParameter>, date: string): Evaluated<Money> {
  if ("param" in ref) {
    const parameter = parameters.get(ref.param);
    const value = parameter ? valueOn(parameter, date) : null;
    if (value === null || Array.isArray(value) || typeof value === "string") return { ok: false, missing: [ref.param] };
    return { ok: true, value };
  }
  let product: Money | null = null;
  const missing: string[] = [];
  for (const factor of ref.product) {
    const evaluated = evaluateNumber(factor, parameters, date);
    if (!evaluated.ok) missing.push(...evaluated.missing);
    else product = product === null ? evaluated.value : product.times(evaluated.value);
  }
  if (missing.length > 0 || product === null) return { ok: false, missing };
  return { ok: true, value: product };
}

/** Evaluates a reference to a schedule on a date. */
export function evaluateSchedule(ref: ValueRef, parameters: Map<string, ResolvedParameter>, date: string): Evaluated<ScheduleSegment[]> {
  if (!("param" in ref)) return { ok: false, missing: referencedParameters(ref) };
  const parameter = parameters.get(ref.param);
  const value = parameter ? valueOn(parameter, date) : null;
  if (value === null || !Array.isArray(value)) return { ok: false, missing: [ref.param] };
  return { ok: true, value };
}

/** A `date` parameter's value on a date; null when it is unset then. */
export function dateOn(parameter: ResolvedParameter | undefined, date: string): string | null {
  const value = parameter ? valueOn(parameter, date) : null;
  return typeof value === "string" ? value : null;
}
