/**
 * Where a beneficiary stands in a year, per tier: what was paid, and for the rule that would apply
 * to an ordinary referred inpatient bill, how much deductible and cap are left. A case worker reads
 * it as "how far is this household from the cap".
 */
import { ZERO, type Money } from "../lib/money";
import type { CompiledPack } from "./compiled-pack";
import type { RawFigures } from "./formulas";
import { categoriesOn, chooseCategory } from "./settle";
import { programsGranted } from "./applications";
import { yearOf } from "../lib/dates";
import { NO_CATEGORY, TIERS, type Tier } from "./vocabulary";
import type { Beneficiary, YearToDate } from "./types";

export interface TierPosition {
  tier: Tier;
  paid: Money;
  base: Money;
  ruleId: string | null;
  deductibleLeft: Money | null;
  capLeft: Money | null;
}

/** Reads a money figure written by a formula ("none" and absent figures are null). */
function figure(figures: RawFigures, name: string, parse: (text: string) => Money): Money | null {
  const value = figures[name];
  if (value === undefined || value === "none") return null;
  return typeof value === "string" ? parse(value) : value;
}

/**
 * The position of each tier on `date` (usually the year's last day in force), under `pack`.
 * Parameters without a value leave the figures null rather than failing.
 */
export function describeYear(pack: CompiledPack, beneficiary: Beneficiary, ytd: YearToDate, date: string, parse: (text: string) => Money): TierPosition[] {
  const category = chooseCategory(pack, categoriesOn(beneficiary, date));
  const applied = programsGranted(beneficiary, yearOf(date), pack.programs);
  const index = pack.space.index(category ?? NO_CATEGORY, "INPATIENT", true, true, true, pack.space.programMask(applied), undefined, pack.transitions.mask(beneficiary, date));
  return TIERS.map((tier) => {
    const state = ytd.tiers[tier];
    const rule = pack.tables[tier]?.choose(index) ?? null;
    const position: TierPosition = { tier, paid: state.paid, base: state.base, ruleId: rule?.name ?? null, deductibleLeft: null, capLeft: null };
    if (!rule) return position;
    const preparation = pack.formula(rule.name, date);
    if (!preparation.ok) return position;
    const { figures } = preparation.formula.pay({ base: ZERO, baseBefore: state.base, paidBefore: state.paid });
    position.deductibleLeft = figure(figures, "deductibleLeft", parse);
    position.capLeft = figure(figures, "capLeft", parse);
    return position;
  });
}
