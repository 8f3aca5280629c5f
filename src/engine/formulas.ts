/**
 * Formula kinds: the only arithmetic of the engine. A pack chooses a kind per rule and supplies its
 * numbers; everything a policy can change is data.
 *
 * Every kind is a cumulative curve over the tier's year-to-date base: the tier's cumulative payment
 * for a year is curve(base of the year), rounded to the fen, capped. A claim pays the step of the
 * curve between the base before it and the base after it. That is what makes a year's totals
 * independent of how its bills were split: the steps telescope to curve(total base).
 */
import { Money, ZERO, formatAmount, minMoney, toFen } from "../lib/money";
import type { FormulaKind, RuleDocument, ValueRef, CapRef } from "./pack-document";
import type { ZeroReason } from "./types";
import { evaluateNumber, evaluateSchedule, type ResolvedParameter, type ScheduleSegment } from "./parameters";

/** What a tier brings to its formula for one claim. */
export interface TierInput {
  /** What is left to this tier on this claim (its base for this claim). */
  base: Money;
  /** The tier's cumulative base in the year before this claim. */
  baseBefore: Money;
  /** What the tier paid in the year before this claim. */
  paidBefore: Money;
  /**
   * 就高不重复: the highest cumulative entitlement at `baseBefore` of every category competing for
   * the tier; the claim pays the increase above it. Absent when one category competes.
   */
  entitledBefore?: Money;
}

/**
 * The figures a formula used, as exact values (or words such as "none"); they are turned into
 * text only when someone reads them, since formatting every figure of every line is measurable.
 */
export type RawFigures = Record<string, Money | string>;

export interface FormulaOutcome {
  amount: Money;
  figures: RawFigures;
  reason: ZeroReason | null;
  /** False for rules that exclude the claim: its costs do not count toward the tier's year. */
  countsBase: boolean;
}

export interface PreparedFormula {
  kind: FormulaKind;
  pay(input: TierInput): FormulaOutcome;
  /** The cumulative payment the curve gives at a year's cumulative base, capped. */
  entitlement(cumulativeBase: Money): Money;
  /** The year's cumulative base at which the cap is reached, to the fen; null when there is no cap. */
  capReachedAt: Money | null;
}

export type Preparation = { ok: true; formula: PreparedFormula } | { ok: false; missing: string[] };


/** Builds the formula of a rule with the parameter values in force on `date`. */
export function prepareFormula(rule: RuleDocument, parameters: Map<string, ResolvedParameter>, date: string): Preparation {
  const params = rule.event.params as Record<string, unknown>;
  const missing: string[] = [];
  const num = (ref: unknown): Money => {
    const evaluated = evaluateNumber(ref as ValueRef, parameters, date);
    if (evaluated.ok) return evaluated.value;
    missing.push(...evaluated.missing);
    return ZERO;
  };
  const cap = (ref: unknown): Money | null => ((ref as CapRef) === "none" ? null : num(ref));

  let formula: PreparedFormula;
  switch (rule.event.type) {
    case "deductible-ratio-cap":
      formula = deductibleRatioCap(num(params.deductible), num(params.ratio), cap(params.cap));
      break;
    case "segmented": {
      const evaluated = evaluateSchedule(params.schedule as ValueRef, parameters, date);
      if (!evaluated.ok) missing.push(...evaluated.missing);
      const factor = params.deductibleFactor === undefined ? null : num(params.deductibleFactor);
      const increase = params.ratioIncrease === undefined ? null : num(params.ratioIncrease);
      const schedule = evaluated.ok ? adjustSchedule(evaluated.value, factor, increase) : [];
      formula = segmented(schedule, cap(params.cap));
      break;
    }
    case "full-cover":
      formula = fullCover(cap(params.cap));
      break;
    case "threshold-top-up":
      formula = thresholdTopUp(num(params.threshold));
      break;
    case "no-payment":
      formula = noPayment();
      break;
  }
  if (missing.length > 0) return { ok: false, missing: [...new Set(missing)] };
  return { ok: true, formula };
}

/** Applies a tilt to an ordinary schedule: the deductible scaled, every ratio raised (capped at 1). */
function adjustSchedule(schedule: ScheduleSegment[], deductibleFactor: Money | null, ratioIncrease: Money | null): ScheduleSegment[] {
  return schedule.map((segment, index) => ({
    from: index === 0 && deductibleFactor !== null ? toFen(segment.from.times(deductibleFactor)) : segment.from,
    ratio: ratioIncrease === null ? segment.ratio : minMoney(segment.ratio.plus(ratioIncrease), new Money(1)),
  }));
}

/**
 * The shared step: pay curve(after) − curve(before), never more than the cap left nor the base,
 * and say why when the result is 0.
 */
function stepOnCurve(
  input: TierInput,
  curve: (cumulativeBase: Money) => Money,
  cap: Money | null,
  threshold: Money,
  figures: RawFigures,
): FormulaOutcome {
  const after = input.baseBefore.plus(input.base);
  const curveBefore = curve(input.baseBefore);
  const reached = input.entitledBefore !== undefined && input.entitledBefore.greaterThan(curveBefore) ? input.entitledBefore : curveBefore;
  const step = curve(after).minus(reached);
  const capLeft = cap === null ? null : Money.max(ZERO, cap.minus(input.paidBefore));
  let amount = Money.max(ZERO, minMoney(step, input.base));
  if (capLeft !== null) amount = minMoney(amount, capLeft);

  figures.base = input.base;
  figures.cumulativeBaseBefore = input.baseBefore;
  figures.paidBefore = input.paidBefore;
  figures.cap = cap === null ? "none" : cap;
  figures.capLeft = capLeft === null ? "none" : capLeft;

  let reason: ZeroReason | null = null;
  if (amount.isZero()) {
    if (input.base.isZero()) reason = "NOTHING_LEFT";
    else if (capLeft !== null && capLeft.isZero()) reason = "CAP_USED_UP";
    else if (after.lessThanOrEqualTo(threshold)) reason = "UNDER_THRESHOLD";
    else reason = "NOTHING_LEFT";
  }
  return { amount, figures, reason, countsBase: true };
}

/** A curve's cumulative payment at a base, never above the cap. */
function capped(curve: (cumulativeBase: Money) => Money, cap: Money | null): (cumulativeBase: Money) => Money {
  return (x) => (cap === null ? curve(x) : minMoney(curve(x), cap));
}

/** Deductible, ratio and annual cap: ratio × (cumulative base − deductible), capped. */
export function deductibleRatioCap(deductible: Money, ratio: Money, cap: Money | null): PreparedFormula {
  const curve = (x: Money): Money => (x.lessThanOrEqualTo(deductible) ? ZERO : toFen(x.minus(deductible).times(ratio)));
  const ratioText = ratio.toString();
  return {
    kind: "deductible-ratio-cap",
    entitlement: capped(curve, cap),
    capReachedAt: cap === null || ratio.isZero() ? null : toFen(deductible.plus(cap.dividedBy(ratio))),
    pay(input) {
      const figures: RawFigures = {
        deductible,
        deductibleLeft: Money.max(ZERO, deductible.minus(input.baseBefore)),
        ratio: ratioText,
      };
      return stepOnCurve(input, curve, cap, deductible, figures);
    },
  };
}

/** A segmented schedule: each segment of the cumulative base paid at its own ratio (威海 三(二)). */
export function segmented(schedule: ScheduleSegment[], cap: Money | null): PreparedFormula {
  const deductible = schedule.length > 0 ? schedule[0].from : ZERO;
  const curve = (x: Money): Money => {
    let total = ZERO;
    for (let i = 0; i < schedule.length; i++) {
      const from = schedule[i].from;
      if (x.lessThanOrEqualTo(from)) break;
      const next = i + 1 < schedule.length ? schedule[i + 1].from : null;
      const upper = next !== null && next.lessThan(x) ? next : x;
      total = total.plus(upper.minus(from).times(schedule[i].ratio));
    }
    return toFen(total);
  };
  const scheduleText = schedule
    .map((segment, i) => `${formatAmount(segment.from)}${i + 1 < schedule.length ? "–" + formatAmount(schedule[i + 1].from) : "+"} @ ${segment.ratio.toString()}`)
    .join("; ");
  return {
    kind: "segmented",
    entitlement: capped(curve, cap),
    capReachedAt: cap === null ? null : segmentedCapReachedAt(schedule, cap),
    pay(input) {
      const figures: RawFigures = {
        deductible,
        deductibleLeft: Money.max(ZERO, deductible.minus(input.baseBefore)),
        schedule: scheduleText,
      };
      return stepOnCurve(input, curve, cap, deductible, figures);
    },
  };
}

/** Where a schedule's cumulative payment reaches the cap: in the first segment whose end passes it. */
function segmentedCapReachedAt(schedule: ScheduleSegment[], cap: Money): Money | null {
  let paid = ZERO;
  for (let i = 0; i < schedule.length; i++) {
    const { from, ratio } = schedule[i];
    const next = i + 1 < schedule.length ? schedule[i + 1].from : null;
    const segmentPays = next === null ? null : next.minus(from).times(ratio);
    if (segmentPays === null || paid.plus(segmentPays).greaterThanOrEqualTo(cap)) return ratio.isZero() ? null : toFen(from.plus(cap.minus(paid).dividedBy(ratio)));
    paid = paid.plus(segmentPays);
  }
  return null;
}

/** Pays everything left, up to an annual cap (e.g. 宜春 一类 100%). */
export function fullCover(cap: Money | null): PreparedFormula {
  return {
    kind: "full-cover",
    entitlement: capped((x) => x, cap),
    capReachedAt: cap,
    pay(input) {
      return stepOnCurve(input, (x) => x, cap, ZERO, { ratio: "1" });
    },
  };
}

/** Pays what the year's cumulative base exceeds the threshold by (乐清 三(三)11: down to 50,000). */
export function thresholdTopUp(threshold: Money): PreparedFormula {
  const curve = (x: Money): Money => (x.lessThanOrEqualTo(threshold) ? ZERO : x.minus(threshold));
  return {
    kind: "threshold-top-up",
    entitlement: curve,
    capReachedAt: null,
    pay(input) {
      const thresholdLeft = Money.max(ZERO, threshold.minus(input.baseBefore));
      return stepOnCurve(input, curve, null, threshold, { threshold, deductibleLeft: thresholdLeft });
    },
  };
}

/** A rule that excludes the claim from the tier (e.g. 宜春 第十八条: care without referral). */
export function noPayment(): PreparedFormula {
  return {
    kind: "no-payment",
    entitlement: () => ZERO,
    capReachedAt: null,
    pay(input) {
      return { amount: ZERO, figures: { base: input.base }, reason: "RULE_EXCLUDES", countsBase: false };
    },
  };
}

/** The figures as text: amounts with two decimals; ratios and words are already text. */
export function formatFigures(raw: RawFigures): Record<string, string> {
  const text: Record<string, string> = {};
  for (const key in raw) {
    const value = raw[key];
    text[key] = typeof value === "string" ? value : formatAmount(value);
  }
  return text;
}
