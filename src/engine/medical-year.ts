/**
 * An identification's own medical year (聊城 四(一): "一次身份认定享受一个医疗年度（即自然年度）的救助待遇
 * 和救助限额"). A tier's year-to-date account is kept per natural year; for a lookback that says
 * `identificationYear`, the costs it reaches back to in an earlier natural year count in the account
 * of the identification's year instead, so that the looked-back months and that year share one
 * deductible and one cap. The accounts of two natural years are then linked, and a household's
 * linked years are planned together (plan-year.ts).
 */
import { yearOf } from "../lib/dates";
import type { CompiledPack } from "./compiled-pack";
import type { Lookback } from "./pack-document";
import { lookbackStart } from "./lookback";
import type { Beneficiary, CategoryPeriod } from "./types";
import type { Tier } from "./vocabulary";

/** A lookback whose reached-back costs count in the identification's year, with the period it extends. */
interface LinkingPeriod {
  period: CategoryPeriod;
  lookback: Lookback;
  /** The first day the lookback reaches. */
  start: string;
}

function linkingPeriods(pack: CompiledPack, beneficiary: Beneficiary): LinkingPeriod[] {
  const found: LinkingPeriod[] = [];
  for (const period of beneficiary.identities) {
    const lookback = pack.lookbacks.get(period.category);
    if (lookback?.identificationYear) found.push({ period, lookback, start: lookbackStart(period.from, lookback) });
  }
  return found;
}

/**
 * The natural year whose account a bill's tier counts in: the bill's own year, unless the bill is
 * reached only by a lookback of an identification of a later year, which then gives its year (the
 * earliest such identification's, as it reaches the bill first). A bill within a period that is
 * held on its date counts in its own year.
 */
export function accountYearOf(pack: CompiledPack, beneficiary: Beneficiary, date: string, tier: Tier): number {
  const year = yearOf(date);
  if (!pack.lookbackTiers.has(tier)) return year;
  let account = year;
  for (const { period, lookback, start } of linkingPeriods(pack, beneficiary)) {
    if (!lookback.tiers.includes(tier)) continue;
    if (period.from <= date && (period.to === null || date <= period.to)) return year;
    const identificationYear = yearOf(period.from);
    if (start <= date && identificationYear > year && (account === year || identificationYear < account)) account = identificationYear;
  }
  return account;
}

/**
 * The natural years planned together with `year`: those linked to it, directly or through another,
 * by a lookback that reaches from an identification's year into an earlier one. In order; `[year]`
 * for every household without such a lookback.
 */
export function linkedYears(pack: CompiledPack | null, beneficiary: Beneficiary, year: number): number[] {
  if (!pack) return [year];
  const links = linkingPeriods(pack, beneficiary)
    .map(({ period, start }) => ({ first: yearOf(start), last: yearOf(period.from) }))
    .filter((link) => link.first < link.last);
  let first = year;
  let last = year;
  for (let grown = true; grown; ) {
    grown = false;
    for (const link of links) {
      if (link.last < first || link.first > last) continue;
      if (link.first < first || link.last > last) {
        first = Math.min(first, link.first);
        last = Math.max(last, link.last);
        grown = true;
      }
    }
  }
  const years: number[] = [];
  for (let y = first; y <= last; y++) years.push(y);
  return years;
}
