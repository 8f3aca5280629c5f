/**
 * Charity funds (the city federation's and the townships'), their append-only ledger, the
 * households' top-up entitlements, and the record of every money request (the idempotency keys).
 *
 * A fund's balance is the sum of its ledger; the balance column is that sum kept up to date in the
 * same transaction as each entry, under the fund's row lock, so that it can be checked before a
 * debit. Entries are never updated or deleted: a mistake is corrected by a reversal.
 */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { moneyColumn } from "../lib/db";
import type { Money } from "../lib/money";

export const FUND_KINDS = ["CITY", "TOWNSHIP"] as const;
export type FundKind = (typeof FUND_KINDS)[number];
/** Money a fund receives from outside: what `recordFundIncome` accepts. */
export const INCOME_TYPES = ["DONATION", "GRANT"] as const;
export type IncomeType = (typeof INCOME_TYPES)[number];
export const LEDGER_TYPES = [...INCOME_TYPES, "TRANSFER_IN", "ALLOCATION", "REVERSAL", "TRANSFER_OUT"] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];
export const LEDGER_DIRECTIONS = ["IN", "OUT"] as const;
export type LedgerDirection = (typeof LEDGER_DIRECTIONS)[number];
export const ENTITLEMENT_STATUSES = ["OPEN", "PARTIAL", "RESOLVED", "OVER_ALLOCATED"] as const;
export type EntitlementStatus = (typeof ENTITLEMENT_STATUSES)[number];

@Entity("charity_funds")
export class CharityFundEntity {
  @PrimaryColumn({ type: "varchar", length: 64 })
  id!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @Column({ type: "varchar", length: 10 })
  kind!: FundKind;

  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  /** The township (乡镇街道) a TOWNSHIP fund serves; null for the city fund. */
  @Column({ type: "varchar", length: 60, nullable: true })
  township!: string | null;

  @Column({ ...moneyColumn })
  balance!: Money;

  /** Bumped to take the fund's row lock for the rest of a transaction. */
  @Column({ name: "lock_counter", type: "int", default: 0 })
  lockCounter!: number;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}

@Entity("fund_ledger")
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "fund_id", type: "varchar", length: 64 })
  fundId!: string;

  @Column({ type: "varchar", length: 14 })
  type!: LedgerType;

  /** IN adds to the fund, OUT takes from it. */
  @Column({ type: "varchar", length: 3 })
  direction!: LedgerDirection;

  /** Always positive; the direction says which way it moved. */
  @Column({ ...moneyColumn })
  amount!: Money;

  @Column({ name: "balance_after", ...moneyColumn })
  balanceAfter!: Money;

  @Column({ name: "reverses_entry_id", type: "int", nullable: true })
  reversesEntryId!: number | null;

  @Column({ name: "entitlement_id", type: "varchar", length: 80, nullable: true })
  entitlementId!: string | null;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64, nullable: true })
  beneficiaryId!: string | null;

  @Column({ name: "claim_id", type: "varchar", length: 64, nullable: true })
  claimId!: string | null;

  /** For transfers, the fund on the other side. */
  @Column({ name: "counterpart_fund_id", type: "varchar", length: 64, nullable: true })
  counterpartFundId!: string | null;

  @Column({ name: "fund_order_rule", type: "varchar", length: 90, nullable: true })
  fundOrderRule!: string | null;

  @Column({ name: "request_id", type: "varchar", length: 80 })
  requestId!: string;

  @Column({ type: "varchar", length: 40 })
  actor!: string;

  @Column({ type: "varchar", length: 400 })
  reason!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}

@Entity("charity_entitlements")
export class EntitlementEntity {
  /** `<beneficiaryId>/<year>`: one entitlement per household and natural year. */
  @PrimaryColumn({ type: "varchar", length: 80 })
  id!: string;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  @Column({ type: "int" })
  year!: number;

  /** The year's charity tier: the sum over the year's current settlements. */
  @Column({ ...moneyColumn })
  amount!: Money;

  @Column({ ...moneyColumn })
  allocated!: Money;

  /** amount − allocated, kept for sorting the households waiting, largest first. */
  @Column({ ...moneyColumn })
  outstanding!: Money;

  @Column({ type: "varchar", length: 16 })
  status!: EntitlementStatus;

  /** The latest claim whose settlement changed the entitlement. */
  @Column({ name: "claim_id", type: "varchar", length: 64, nullable: true })
  claimId!: string | null;

  @Column({ name: "lock_counter", type: "int", default: 0 })
  lockCounter!: number;

  @Column({ name: "opened_at", type: "varchar", length: 30 })
  openedAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

@Entity("money_requests")
export class MoneyRequestEntity {
  @PrimaryColumn({ name: "request_id", type: "varchar", length: 80 })
  requestId!: string;

  @Column({ type: "varchar", length: 30 })
  kind!: string;

  @Column({ type: "varchar", length: 64 })
  fingerprint!: string;

  /** The answer given the first time, as JSON, returned again for a repeat. */
  @Column({ type: "text" })
  result!: string;

  @Column({ type: "varchar", length: 40 })
  actor!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}
