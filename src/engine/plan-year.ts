/**
 * A household's year as one pure function. Every path that settles — one bill, a late earlier bill,
 * a retroactive category, a re-settlement, a preview, a what-if, the scenario runner, the NocoBase
 * plugin — asks `planYear` what the year's settlements are and only stores or shows the answer, so
 * that no two paths can pay a bill differently.
 *
 * Bills are settled in date order; bills of the same date in the order they arrived, by an arrival
 * number that belongs to the bill (never to a stored row, which changes when a settlement is
 * superseded). A year's settlements therefore depend on its bills and their arrival numbers only,
 * not on the order in which they were settled.
 *
 * A year is planned with the natural years its accounts are linked with (an identification's own
 * medical year, medical-year.ts: looked-back costs of the previous year count in the
 * identification's year): the caller gives the bills of all of them, and they are settled in one
 * pass, each tier in its account. For every other household that is the year alone.
 */
import { isDomainError, type DomainError } from "../lib/errors";
import { ZERO, type Money } from "../lib/money";
import type { CompiledPack } from "./compiled-pack";
import { settle } from "./settle";
import type { Beneficiary, Claim, Settlement, YearToDate } from "./types";
import type { Tier } from "./vocabulary";
import { emptyYearToDate } from "./year-to-date";
import { yearOf } from "../lib/dates";

/** A bill of the year with its arrival number (same-date bills settle in arrival order). */
export interface YearBill {
  claim: Claim;
  arrival: number;
}

/** A difference between a stored settlement and the plan, per tier or for the self-pay. */
export interface PlannedAdjustment {
  tier: Tier | "selfPay";
  before: Money;
  after: Money;
  difference: Money;
}

/** What the plan needs of a stored settlement: engine settlements and stored rows both have it. */
export interface StoredAmounts {
  packId: string;
  packVersion: number;
  /** The category the settlement records (就高不重复); a change of it is a change of the record. */
  category: string | null;
  selfPay: Money;
  lines: ReadonlyArray<{ tier: Tier; amount: Money }>;
  /** The tiers left pending (staged settlement); completing them is a change even when amounts stay. */
  pending?: readonly Tier[];
}

export interface PlannedSettlement<B extends YearBill, S extends StoredAmounts = Settlement> {
  bill: B;
  /**
   * The bill's settlement as planned; null only on the append path, for a stored settlement that
   * stands and was not settled again.
   */
  settlement: Settlement | null;
  /** The settlement stored now for this bill; null for a bill not yet settled. */
  current: S | null;
  /** True when the plan differs from `current` (amounts, pack version or category), or there is none. */
  changed: boolean;
  /** What a changed settlement moves, per tier and self-pay; empty for a new or unchanged one. */
  adjustments: PlannedAdjustment[];
  /** The year's account after this bill. */
  yearToDate: YearToDate;
}

export interface YearPlan<B extends YearBill, S extends StoredAmounts = Settlement> {
  beneficiaryId: string;
  year: number;
  /** Every bill of the year and of the years linked with it, in settlement order. */
  settlements: PlannedSettlement<B, S>[];
  /** The year's account after its last bill. */
  yearToDate: YearToDate;
  /** The account of every natural year planned (the year and those linked with it), in year order. */
  accounts: YearToDate[];
  /** Bills refused and left out, when the input asked to skip refusals; otherwise always empty. */
  refused: Array<{ bill: B; error: DomainError }>;
}

export interface YearPlanInput<B extends YearBill, S extends StoredAmounts = Settlement> {
  beneficiary: Beneficiary;
  year: number;
  /**
   * Every bill the year counts: those settled so far and those to settle now, with every bill of
   * the years linked with it (`linkedYears`).
   */
  bills: readonly B[];
  /** The settlement stored now for a bill, if any. */
  current(bill: B): S | null;
  /** The pack that settles a bill (e.g. the version it was settled under, or the one in force). */
  packFor(bill: B, current: S | null): CompiledPack;
  /**
   * The year's stored account, when the stored settlements are known to stand (only new bills
   * arrive, nothing about the person or the packs changed). Then, when every new bill comes after
   * every settled one, only the new bills are settled, from this account; otherwise the year is
   * settled again from its start. Only for a year linked with no other: linked years are always
   * planned from their start.
   */
  storedYearToDate?: YearToDate;
  /**
   * When true, a bill the engine refuses is left out of the year and listed in `refused` (a what-if
   * of many bills answers each); otherwise the refusal is thrown and nothing is planned.
   */
  skipRefused?: boolean;
}

/** Settlement order: date, then arrival. */
export function compareBills(a: YearBill, b: YearBill): number {
  if (a.claim.date !== b.claim.date) return a.claim.date < b.claim.date ? -1 : 1;
  return a.arrival - b.arrival;
}

/** The year's settlements, as the bills' dates and arrival numbers order them. */
export function planYear<B extends YearBill, S extends StoredAmounts = Settlement>(input: YearPlanInput<B, S>): YearPlan<B, S> {
  const ordered = [...input.bills].sort(compareBills);
  const currents = ordered.map((bill) => input.current(bill));
  const firstNew = currents.findIndex((current) => current === null);
  const alone = ordered.every((bill) => yearOf(bill.claim.date) === input.year);
  const appendOnly = alone && input.storedYearToDate !== undefined && (firstNew < 0 || currents.slice(firstNew).every((current) => current === null));

  // Accounts by natural year; a linked year's starts empty, as the plan runs from its first bill.
  const accounts = new Map<number, YearToDate>([[input.year, appendOnly ? input.storedYearToDate! : emptyYearToDate(input.beneficiary.id, input.year)]]);
  const accountOf = (year: number) => {
    let account = accounts.get(year);
    if (!account) accounts.set(year, (account = emptyYearToDate(input.beneficiary.id, year)));
    return account;
  };
  const settlements: PlannedSettlement<B, S>[] = [];
  const refused: YearPlan<B, S>["refused"] = [];
  for (let i = 0; i < ordered.length; i++) {
    const bill = ordered[i];
    const current = currents[i];
    const billYear = yearOf(bill.claim.date);
    if (appendOnly && current !== null) {
      settlements.push({ bill, settlement: null, current, changed: false, adjustments: [], yearToDate: accountOf(billYear) });
      continue;
    }
    let result: ReturnType<typeof settle>;
    try {
      result = settle(input.packFor(bill, current), input.beneficiary, bill.claim, accountOf(billYear), accountOf);
    } catch (error) {
      if (!input.skipRefused || !isDomainError(error)) throw error;
      refused.push({ bill, error });
      continue;
    }
    accounts.set(billYear, result.yearToDate);
    for (const other of result.otherYears ?? []) accounts.set(other.year, other);
    const yearToDate = result.yearToDate;
    const adjustments = current ? differences(current, result.settlement) : [];
    const changed = current === null || adjustments.length > 0 || current.packVersion !== result.settlement.packVersion || current.packId !== result.settlement.packId || current.category !== result.settlement.category || pendingText(current) !== pendingText(result.settlement);
    settlements.push({ bill, settlement: result.settlement, current, changed, adjustments, yearToDate });
  }
  const years = [...accounts.values()].sort((a, b) => a.year - b.year);
  return { beneficiaryId: input.beneficiary.id, year: input.year, settlements, yearToDate: accountOf(input.year), accounts: years, refused };
}

function pendingText(settlement: Pick<StoredAmounts, "pending">): string {
  return (settlement.pending ?? []).join(",");
}

/** A settlement's amount for a tier (0 where it has no line), or its self-pay. */
export function amountOf(settlement: Pick<StoredAmounts, "lines" | "selfPay">, tier: Tier | "selfPay"): Money {
  return tier === "selfPay" ? settlement.selfPay : (settlement.lines.find((line) => line.tier === tier)?.amount ?? ZERO);
}

/** Per tier and self-pay, what moves from `before` to `after` (tiers absent from a side count 0). */
export function differences(before: Pick<StoredAmounts, "lines" | "selfPay">, after: Pick<StoredAmounts, "lines" | "selfPay">): PlannedAdjustment[] {
  const found: PlannedAdjustment[] = [];
  const tiers = new Set<Tier>([...before.lines.map((line) => line.tier), ...after.lines.map((line) => line.tier)]);
  for (const tier of tiers) {
    const [from, to] = [amountOf(before, tier), amountOf(after, tier)];
    if (!from.equals(to)) found.push({ tier, before: from, after: to, difference: to.minus(from) });
  }
  if (!before.selfPay.equals(after.selfPay)) found.push({ tier: "selfPay", before: before.selfPay, after: after.selfPay, difference: after.selfPay.minus(before.selfPay) });
  return found;
}
