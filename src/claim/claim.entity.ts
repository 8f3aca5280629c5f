/**
 * A medical bill as a partner submitted it. The claim id is the partner's own and is the
 * idempotency key: the same id with the same content is the same claim; with other content it is
 * refused. The stored fingerprint tells the two apart.
 */
import { Column, Entity, PrimaryColumn } from "typeorm";
import { moneyColumn } from "../lib/db";
import type { Money } from "../lib/money";

export const CLAIM_STATUSES = ["SUBMITTED", "SETTLED"] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

@Entity("claims")
export class ClaimEntity {
  @PrimaryColumn({ type: "varchar", length: 64 })
  id!: string;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  @Column({ type: "varchar", length: 10 })
  date!: string;

  @Column({ type: "int" })
  year!: number;

  @Column({ type: "varchar", length: 24 })
  kind!: string;

  @Column({ type: "boolean" })
  referred!: boolean;

  @Column({ name: "in_province", type: "boolean" })
  inProvince!: boolean;

  @Column({ name: "guidance_followed", type: "boolean" })
  guidanceFollowed!: boolean;

  @Column({ name: "insured_type", type: "varchar", length: 12, default: "RESIDENT" })
  insuredType!: string;

  @Column({ ...moneyColumn })
  total!: Money;

  @Column({ name: "out_of_catalog", ...moneyColumn })
  outOfCatalog!: Money;

  @Column({ name: "class_b_self_pay", ...moneyColumn })
  classBSelfPay!: Money;

  @Column({ name: "over_standard", ...moneyColumn })
  overStandard!: Money;

  @Column({ name: "reported_basic", ...moneyColumn, nullable: true })
  reportedBasic!: Money | null;

  @Column({ name: "reported_critical", ...moneyColumn, nullable: true })
  reportedCritical!: Money | null;

  @Column({ name: "reported_assistance", ...moneyColumn, nullable: true })
  reportedAssistance!: Money | null;

  @Column({ name: "reported_reassistance", ...moneyColumn, nullable: true })
  reportedReassistance!: Money | null;

  @Column({ name: "reported_commercial", ...moneyColumn, nullable: true })
  reportedCommercial!: Money | null;

  @Column({ type: "varchar", length: 64 })
  fingerprint!: string;

  @Column({ type: "varchar", length: 12 })
  status!: ClaimStatus;

  /** The order of submission, to settle same-date claims in the order they arrived. */
  @Column({ type: "int" })
  sequence!: number;

  @Column({ name: "submitted_by", type: "varchar", length: 40 })
  submittedBy!: string;

  @Column({ name: "submitted_at", type: "varchar", length: 30 })
  submittedAt!: string;
}
