/**
 * The invariants of stored money, as pure checks that return one line per violation: the writes
 * assert them before money is stored (a violation is a bug: the transaction rolls back), the
 * reads assert them on what they load, and `check-data` walks the whole database with them.
 */
import { TIERS } from "../engine/vocabulary";
import { Money, ZERO, formatAmount, sumMoney } from "../lib/money";
import { entitlementStatus } from "../charity/entitlement-status";

/** A broken invariant: never a refusal of the caller's input, always a bug (an internal error). */
export class InvariantViolation extends Error {
  constructor(readonly violations: readonly string[]) {
    super(`invariant violated: ${violations.join("; ")}`);
    this.name = "InvariantViolation";
  }
}

/** Throws when there is any violation. */
export function assertNoViolations(violations: readonly string[]): void {
  if (violations.length > 0) throw new InvariantViolation(violations);
}

const show = formatAmount;

export interface SettlementAmounts {
  id: string;
  total: Money;
  selfPay: Money;
  lines: ReadonlyArray<{ tier: string; amount: Money }>;
}

/** Every tier once, no negative amount, and the lines plus the self-pay make the bill's total. */
export function settlementViolations(settlement: SettlementAmounts): string[] {
  const at = `settlement ${settlement.id}`;
  const violations: string[] = [];
  const tiers = settlement.lines.map((line) => line.tier).sort();
  if (tiers.join(",") !== [...TIERS].sort().join(",")) violations.push(`${at}: tiers ${tiers.join(",") || "(none)"}, expected each of ${TIERS.join(",")} once`);
  for (const line of settlement.lines) if (line.amount.isNegative()) violations.push(`${at}: ${line.tier} line is negative (${show(line.amount)})`);
  if (settlement.selfPay.isNegative()) violations.push(`${at}: self-pay is negative (${show(settlement.selfPay)})`);
  const paid = sumMoney(settlement.lines.map((line) => line.amount));
  if (!paid.plus(settlement.selfPay).equals(settlement.total)) {
    violations.push(`${at}: lines ${show(paid)} + self-pay ${show(settlement.selfPay)} ≠ total ${show(settlement.total)}`);
  }
  return violations;
}

export interface LedgerStep {
  id: number | string;
  fundId: string;
  direction: "IN" | "OUT";
  amount: Money;
  balanceAfter: Money;
}

/** An entry moves its fund's balance by its amount, from the balance before it, never below zero. */
export function ledgerStepViolations(balanceBefore: Money, entry: LedgerStep): string[] {
  const at = `ledger entry ${entry.id} of fund ${entry.fundId}`;
  const violations: string[] = [];
  if (!entry.amount.greaterThan(ZERO)) violations.push(`${at}: amount ${show(entry.amount)} is not positive`);
  const expected = entry.direction === "IN" ? balanceBefore.plus(entry.amount) : balanceBefore.minus(entry.amount);
  if (!entry.balanceAfter.equals(expected)) violations.push(`${at}: balance after ${show(entry.balanceAfter)} ≠ ${show(balanceBefore)} ${entry.direction === "IN" ? "+" : "−"} ${show(entry.amount)}`);
  if (entry.balanceAfter.isNegative()) violations.push(`${at}: balance after is negative (${show(entry.balanceAfter)})`);
  return violations;
}

/** A fund's stored balance is where its ledger ends (0 without entries). */
export function fundBalanceViolations(fund: { id: string; balance: Money }, lastBalanceAfter: Money | null): string[] {
  const expected = lastBalanceAfter ?? ZERO;
  return fund.balance.equals(expected) ? [] : [`fund ${fund.id}: balance ${show(fund.balance)} ≠ its ledger's last balance ${show(expected)}`];
}

export interface EntitlementAmounts {
  id: string;
  amount: Money;
  allocated: Money;
  outstanding: Money;
  status: string;
}

/** The entitlement's own figures agree with each other (outstanding, status, no negative amount). */
export function entitlementShapeViolations(entitlement: EntitlementAmounts): string[] {
  const at = `entitlement ${entitlement.id}`;
  const violations: string[] = [];
  if (entitlement.amount.isNegative() || entitlement.allocated.isNegative()) violations.push(`${at}: negative amount ${show(entitlement.amount)} or allocated ${show(entitlement.allocated)}`);
  const outstanding = Money.max(ZERO, entitlement.amount.minus(entitlement.allocated));
  if (!entitlement.outstanding.equals(outstanding)) violations.push(`${at}: outstanding ${show(entitlement.outstanding)} ≠ max(0, ${show(entitlement.amount)} − ${show(entitlement.allocated)})`);
  const status = entitlementStatus(entitlement.amount, entitlement.allocated);
  if (entitlement.status !== status) violations.push(`${at}: status ${entitlement.status}, expected ${status}`);
  return violations;
}

/** The allocated figure is what the ledger allocated to it, net of reversals. */
export function entitlementAllocatedViolations(entitlement: EntitlementAmounts, allocatedByLedger: Money): string[] {
  return entitlement.allocated.equals(allocatedByLedger) ? [] : [`entitlement ${entitlement.id}: allocated ${show(entitlement.allocated)} ≠ the ledger's allocations net of reversals ${show(allocatedByLedger)}`];
}

/** The amount is the charity lines of the household-year's current settlements. */
export function entitlementAmountViolations(entitlement: EntitlementAmounts, charityOfCurrent: Money): string[] {
  return entitlement.amount.equals(charityOfCurrent) ? [] : [`entitlement ${entitlement.id}: amount ${show(entitlement.amount)} ≠ the charity lines of its current settlements ${show(charityOfCurrent)}`];
}

/** What a set of ledger entries allocated to entitlements, net of reversals of those allocations. */
export function netAllocated(entries: ReadonlyArray<{ type: string; amount: Money }>): Money {
  return entries.reduce((sum, e) => (e.type === "ALLOCATION" ? sum.plus(e.amount) : e.type === "REVERSAL" ? sum.minus(e.amount) : sum), ZERO);
}

/** Checks consecutive entries of one fund from the balance before the first; returns where they end. */
export function ledgerChainViolations(balanceBefore: Money, entries: readonly LedgerStep[]): { violations: string[]; balanceAfter: Money } {
  const violations: string[] = [];
  let balance = balanceBefore;
  for (const entry of entries) {
    violations.push(...ledgerStepViolations(balance, entry));
    balance = entry.balanceAfter;
  }
  return { violations, balanceAfter: balance };
}
