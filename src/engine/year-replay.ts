/**
 * Settling a beneficiary's bills of one year again, in date order, from an empty year: what happens
 * when a bill dated before bills already settled arrives, so that each bill meets the year's
 * deductibles and caps in the order the care was given.
 */
import { DomainError } from "../lib/errors";
import type { CompiledPack } from "./compiled-pack";
import { settle } from "./settle";
import type { Beneficiary, Claim, Settlement, YearToDate } from "./types";
import { emptyYearToDate } from "./year-to-date";

export interface ReplayedBill<B> {
  bill: B;
  settlement: Settlement;
  /** The year's account after this bill. */
  yearToDate: YearToDate;
}

/**
 * Settles `bills` of `year` in date order; bills of the same date keep the order they are given in
 * (the order they arrived). `packFor` chooses each bill's pack. A refused bill throws, unless
 * `onRefused` is given: then it is told the refusal and the bill is left out of the year.
 */
export function settleInDateOrder<B extends { claim: Claim }>(
  bills: readonly B[],
  beneficiary: Beneficiary,
  year: number,
  packFor: (bill: B) => CompiledPack,
  onRefused?: (bill: B, error: DomainError) => void,
): ReplayedBill<B>[] {
  const ordered = [...bills].sort((a, b) => (a.claim.date < b.claim.date ? -1 : a.claim.date > b.claim.date ? 1 : 0));
  let yearToDate = emptyYearToDate(beneficiary.id, year);
  const replayed: ReplayedBill<B>[] = [];
  for (const bill of ordered) {
    try {
      const result = settle(packFor(bill), beneficiary, bill.claim, yearToDate);
      yearToDate = result.yearToDate;
      replayed.push({ bill, settlement: result.settlement, yearToDate });
    } catch (error) {
      if (!onRefused || !(error instanceof DomainError)) throw error;
      onRefused(bill, error);
    }
  }
  return replayed;
}
