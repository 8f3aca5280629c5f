/**
 * The charity's own record of settled claims and of the households they belong to, kept from the
 * settlement.recorded events (src/outbox/settlement-recorded.ts) and read by everything the charity
 * shows or decides: entitlements, the 化解清单, the fund order. One row per settlement, by its id, so
 * that an event applied twice is applied once; a settlement superseded by its successor is kept,
 * marked SUPERSEDED, so that a late repeat of its event changes nothing either.
 */
import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { moneyColumn } from "../lib/db";
import type { Money } from "../lib/money";

export const SETTLED_CLAIM_STATUSES = ["CURRENT", "SUPERSEDED"] as const;
export type SettledClaimStatus = (typeof SETTLED_CLAIM_STATUSES)[number];

@Entity("charity_settled_claims")
@Index("ix_charity_settled_claims_year", ["beneficiaryId", "year", "status"])
export class CharitySettledClaimEntity {
  @PrimaryColumn({ name: "settlement_id", type: "varchar", length: 36 })
  settlementId!: string;

  @Column({ name: "claim_id", type: "varchar", length: 110 })
  claimId!: string;

  @Column({ name: "beneficiary_id", type: "varchar", length: 110 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  @Column({ type: "int" })
  year!: number;

  @Column({ type: "varchar", length: 12 })
  status!: SettledClaimStatus;

  /** False while a tier is pending (staged settlement): an entitlement counts complete ones only. */
  @Column({ type: "boolean" })
  complete!: boolean;

  @Column({ type: "varchar", length: 10 })
  date!: string;

  @Column({ type: "varchar", length: 30 })
  kind!: string;

  @Column({ ...moneyColumn })
  total!: Money;

  @Column({ name: "policy_scope", ...moneyColumn })
  policyScope!: Money;

  @Column({ name: "self_pay", ...moneyColumn })
  selfPay!: Money;

  /** The settlement's charity line: what it adds to the household-year's entitlement. */
  @Column({ ...moneyColumn })
  charity!: Money;

  @Column({ name: "pack_id", type: "varchar", length: 40 })
  packId!: string;

  @Column({ name: "pack_version", type: "int" })
  packVersion!: number;

  @Column({ type: "varchar", length: 32, nullable: true })
  category!: string | null;

  /** The lines as the event carried them (SettlementRecordedLine[]), JSON. */
  @Column({ type: "text" })
  lines!: string;

  /** The household's categories in the year and on its last day, as of this event, comma-separated. */
  @Column({ name: "categories_in_year", type: "varchar", length: 400 })
  categoriesInYear!: string;

  @Column({ name: "categories_at_year_end", type: "varchar", length: 400 })
  categoriesAtYearEnd!: string;

  /** The outbox sequence of the event: the latest of a household-year speaks for the household. */
  @Column({ name: "event_sequence", type: "int" })
  eventSequence!: number;

  @Column({ name: "applied_at", type: "varchar", length: 30 })
  appliedAt!: string;
}

/** A household as the registry described it in its latest settlement event. */
@Entity("charity_households")
export class CharityHouseholdEntity {
  /** The stored household key (jurisdiction:id). */
  @PrimaryColumn({ name: "beneficiary_id", type: "varchar", length: 110 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @Column({ name: "national_id", type: "varchar", length: 32, nullable: true })
  nationalId!: string | null;

  @Column({ type: "varchar", length: 60, nullable: true })
  township!: string | null;

  @Column({ name: "event_sequence", type: "int" })
  eventSequence!: number;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}
