/**
 * Settlements, their lines (the explanation of every amount), year-to-date accumulators and
 * adjustments. A settlement is never changed: when a claim is settled again (an earlier bill arrived
 * later, a re-settlement), a new settlement supersedes the old one and the differences per tier are
 * recorded as adjustments.
 */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { moneyColumn } from "../lib/db";
import type { Money } from "../lib/money";

/** A settlement's status; SIMULATED marks a what-if, which is never stored. */
export const SETTLEMENT_STATUSES = ["CURRENT", "SUPERSEDED", "SIMULATED"] as const;
export type SettlementStatus = Exclude<(typeof SETTLEMENT_STATUSES)[number], "SIMULATED">;

/**
 * Why a settlement was made: the first time (INITIAL), because an earlier bill arrived later
 * (OUT_OF_ORDER), a category or application changed back in time (RETROACTIVE), a re-settlement
 * under the versions in force (RESETTLED), the insurer's later report completing a partial
 * settlement (REPORTED); SIMULATED for a what-if, never stored.
 */
export const SETTLEMENT_CAUSES = ["INITIAL", "OUT_OF_ORDER", "RETROACTIVE", "RESETTLED", "REPORTED", "SIMULATED"] as const;
export type SettlementCause = (typeof SETTLEMENT_CAUSES)[number];

@Entity("settlements")
export class SettlementEntity {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "claim_id", type: "varchar", length: 64 })
  claimId!: string;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @Column({ type: "int" })
  year!: number;

  @Column({ type: "varchar", length: 10 })
  date!: string;

  @Column({ name: "pack_id", type: "varchar", length: 40 })
  packId!: string;

  @Column({ name: "pack_version", type: "int" })
  packVersion!: number;

  @Column({ type: "varchar", length: 32, nullable: true })
  category!: string | null;

  /** The categories held on the claim date, comma-separated. */
  @Column({ name: "categories_held", type: "varchar", length: 400 })
  categoriesHeld!: string;

  @Column({ ...moneyColumn })
  total!: Money;

  @Column({ name: "policy_scope", ...moneyColumn })
  policyScope!: Money;

  @Column({ name: "self_pay", ...moneyColumn })
  selfPay!: Money;

  @Column({ type: "varchar", length: 12 })
  status!: SettlementStatus;

  /** Why this settlement was made (SETTLEMENT_CAUSES). */
  @Column({ type: "varchar", length: 16 })
  cause!: SettlementCause;

  @Column({ name: "supersedes_id", type: "varchar", length: 36, nullable: true })
  supersedesId!: string | null;

  @Column({ name: "settled_at", type: "varchar", length: 30 })
  settledAt!: string;
}

@Entity("settlement_lines")
export class SettlementLineEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "settlement_id", type: "varchar", length: 36 })
  settlementId!: string;

  @Column({ type: "int" })
  position!: number;

  @Column({ type: "varchar", length: 16 })
  tier!: string;

  @Column({ ...moneyColumn })
  amount!: Money;

  @Column({ type: "varchar", length: 10 })
  source!: string;

  @Column({ name: "rule_id", type: "varchar", length: 90, nullable: true })
  ruleId!: string | null;

  @Column({ name: "pack_id", type: "varchar", length: 40 })
  packId!: string;

  @Column({ name: "pack_version", type: "int" })
  packVersion!: number;

  @Column({ name: "clause_document", type: "varchar", length: 200, nullable: true })
  clauseDocument!: string | null;

  @Column({ type: "varchar", length: 60, nullable: true })
  clause!: string | null;

  @Column({ type: "varchar", length: 30, nullable: true })
  formula!: string | null;

  /** The figures the formula used, as a JSON object of strings. */
  @Column({ type: "text" })
  figures!: string;

  @Column({ type: "varchar", length: 20, nullable: true })
  reason!: string | null;

  @Column({ type: "varchar", length: 400 })
  note!: string;

  /** The category whose rule the line follows (就高不重复 per tier). */
  @Column({ type: "varchar", length: 40, nullable: true })
  category!: string | null;

  @Column({ type: "boolean", default: false })
  provisional!: boolean;

  /** The parameters without a value that make the line provisional, comma-separated. */
  @Column({ name: "missing_parameters", type: "varchar", length: 400, nullable: true })
  missingParameters!: string | null;

  /**
   * The natural year whose account the line counted in when not the settlement's own (looked-back
   * costs in an identification's medical year, 聊城 四(一)); null: the settlement's year.
   */
  @Column({ name: "account_year", type: "int", nullable: true })
  accountYear!: number | null;
}

@Entity("year_to_date")
export class YearToDateEntity {
  @PrimaryColumn({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @PrimaryColumn({ type: "int" })
  year!: number;

  @PrimaryColumn({ type: "varchar", length: 16 })
  tier!: string;

  @Column({ ...moneyColumn })
  base!: Money;

  @Column({ ...moneyColumn })
  paid!: Money;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

@Entity("adjustments")
export class AdjustmentEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "claim_id", type: "varchar", length: 64 })
  claimId!: string;

  @Column({ name: "from_settlement_id", type: "varchar", length: 36 })
  fromSettlementId!: string;

  @Column({ name: "to_settlement_id", type: "varchar", length: 36 })
  toSettlementId!: string;

  @Column({ type: "varchar", length: 16 })
  tier!: string;

  @Column({ ...moneyColumn })
  before!: Money;

  @Column({ ...moneyColumn })
  after!: Money;

  @Column({ ...moneyColumn })
  difference!: Money;

  /** What caused it: the claim whose arrival re-settled this one, or a re-settlement request. */
  @Column({ type: "varchar", length: 120 })
  cause!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}
