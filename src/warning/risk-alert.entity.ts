/**
 * A risk alert: a settlement made a person's yearly burden cross a monitoring threshold.
 */
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { moneyColumn } from "../lib/db";
import type { Money } from "../lib/money";

@Entity("risk_alerts")
export class RiskAlertEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  @Column({ type: "int" })
  year!: number;

  @Column({ name: "rule_id", type: "varchar", length: 90 })
  ruleId!: string;

  @Column({ type: "varchar", length: 260 })
  clause!: string;

  @Column({ type: "varchar", length: 400 })
  label!: string;

  @Column({ type: "varchar", length: 32, nullable: true })
  category!: string | null;

  @Column({ ...moneyColumn })
  threshold!: Money;

  /** The year's burden after the settlement that raised the alert. */
  @Column({ ...moneyColumn })
  burden!: Money;

  @Column({ name: "claim_id", type: "varchar", length: 64 })
  claimId!: string;

  /** OPEN or ACKNOWLEDGED. */
  @Column({ type: "varchar", length: 14 })
  status!: string;

  @Column({ name: "raised_at", type: "varchar", length: 30 })
  raisedAt!: string;

  @Column({ name: "acknowledged_by", type: "varchar", length: 40, nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: "acknowledged_at", type: "varchar", length: 30, nullable: true })
  acknowledgedAt!: string | null;

  @Column({ type: "varchar", length: 400, nullable: true })
  note!: string | null;
}
