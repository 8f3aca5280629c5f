/**
 * The paired assertions of the charity ledger: where money is written (an entry appended, an
 * entitlement saved) the figures are checked against a second truth in the database, and where it
 * is read back (the fund report, the resolution statement) what was read must add up. A violation
 * is a bug: it throws, and a write's transaction rolls back.
 */
import type { EntityManager } from "typeorm";
import { ZERO } from "../lib/money";
import type { CharityRepository } from "../charity/charity.repository";
import type { CharityFundEntity, LedgerEntryEntity } from "../charity/charity.entity";
import {
  assertNoViolations,
  entitlementAllocatedViolations,
  entitlementShapeViolations,
  fundBalanceViolations,
  ledgerChainViolations,
  ledgerStepViolations,
  netAllocated,
  settlementViolations,
  type EntitlementAmounts,
  type SettlementAmounts,
  type LedgerStep,
} from "./money-invariants";

/** Before an entry is stored: the fund row (locked) ends where its ledger ends, and the entry moves it by its amount. */
export async function assertLedgerAppend(manager: EntityManager, repository: CharityRepository, fund: CharityFundEntity, entry: LedgerStep): Promise<void> {
  const lastBalance = await repository.lastBalanceOf(manager, fund.id);
  assertNoViolations([...fundBalanceViolations(fund, lastBalance), ...ledgerStepViolations(fund.balance, entry)]);
}

/** Before an entitlement is saved: its figures agree, and its allocated figure is the ledger's. */
export async function assertEntitlementWrite(manager: EntityManager, repository: CharityRepository, entitlement: EntitlementAmounts): Promise<void> {
  const allocatedByLedger = netAllocated(await repository.allocationsOf(manager, entitlement.id));
  assertNoViolations([...entitlementShapeViolations(entitlement), ...entitlementAllocatedViolations(entitlement, allocatedByLedger)]);
}

/**
 * Reads check only what one statement read consistently (one SELECT each): outside a transaction a
 * comparison across tables could see a write land between them. The cross-table figures are asserted
 * at write time, in the writing transaction, and walked by `check-data`.
 */

/** A fund report reads the fund's whole ledger in one query: its chain must hold from zero. */
export function assertFundReportReads(entries: readonly LedgerEntryEntity[]): void {
  assertNoViolations(ledgerChainViolations(ZERO, entries).violations);
}

/** A statement reads a household-year's current settlements (the charity's record, lines in the row): each must add up. */
export function assertStatementReads(settlements: readonly SettlementAmounts[]): void {
  assertNoViolations(settlements.flatMap((s) => settlementViolations(s)));
}
