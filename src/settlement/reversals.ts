/**
 * Money a re-settlement would take back. A change of a certified record settles years again; the
 * settlements were already paid out at discharge and charity money already allocated from funds,
 * so a year in which a tier's total would fall, or the charity entitlement would drop below what
 * was allocated, needs the client's explicit confirmation.
 */
import { DomainError } from "../lib/errors";
import { formatAmount, ZERO, type Money } from "../lib/money";
import { TIERS, type Tier } from "../engine/vocabulary";
import { amountOf } from "../engine/plan-year";
import type { StoredYearPlan } from "./stored-year";

export interface Reversal {
  year: number;
  tier: Tier;
  /** What was paid (for charity: allocated from funds). */
  paid: Money;
  /** The tier's total for the year after the change. */
  after: Money;
}

/** The year's tiers whose paid (or, for charity, allocated) money the plan would take back. */
export function reversalsOf(plan: StoredYearPlan, charityAllocated: Money): Reversal[] {
  const settled = plan.settlements.filter((step) => step.current !== null);
  const reversals: Reversal[] = [];
  for (const tier of TIERS) {
    // A step the plan did not settle again stands as stored.
    const paid = tier === "charity" ? charityAllocated : settled.reduce((sum, step) => sum.plus(amountOf(step.current!, tier)), ZERO);
    const after = settled.reduce((sum, step) => sum.plus(amountOf(step.settlement ?? step.current!, tier)), ZERO);
    if (after.lessThan(paid)) reversals.push({ year: plan.year, tier, paid, after });
  }
  return reversals;
}

/** One reversal in words, for the refusal and the audit log. */
export function describeReversal(r: Reversal): string {
  const takenBack = formatAmount(r.paid.minus(r.after));
  return r.tier === "charity"
    ? `${r.year} charity: allocated ${formatAmount(r.paid)}, entitlement would be ${formatAmount(r.after)} (takes back ${takenBack})`
    : `${r.year} ${r.tier}: paid ${formatAmount(r.paid)}, would be ${formatAmount(r.after)} (takes back ${takenBack})`;
}

/** The refusal of a change that would take back money, naming what it would take back. */
export function wouldReversePaid(reversals: readonly Reversal[]): DomainError {
  const listed = reversals.map(describeReversal);
  return new DomainError(
    "WOULD_REVERSE_PAID",
    "input.confirmReversal",
    `input.confirmReversal: 此变更将重新结算并收回已支付或已分配的款项；确需变更请传 confirmReversal: true / this change would settle claims again and take back money already paid: ${listed.join("; ")}; send confirmReversal: true to proceed`,
    listed,
  );
}
