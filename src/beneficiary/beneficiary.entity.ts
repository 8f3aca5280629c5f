/**
 * Beneficiaries and what civil affairs / rural revitalisation certified for them. Category periods
 * and applications are never updated in place: a correction retracts a row and records a new one.
 */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

@Entity("beneficiaries")
export class BeneficiaryEntity {
  @PrimaryColumn({ type: "varchar", length: 64 })
  id!: string;

  /** The rule pack id of the jurisdiction that assists this person (e.g. "liaocheng"). */
  @Column({ type: "varchar", length: 40 })
  jurisdiction!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @Column({ name: "national_id", type: "varchar", length: 32, nullable: true })
  nationalId!: string | null;

  /** The township (乡镇街道) of the household: its township charity fund pays first. */
  @Column({ type: "varchar", length: 60, nullable: true })
  township!: string | null;

  /** Bumped by every settlement of this person: the update is the per-beneficiary row lock. */
  @Column({ name: "settle_lock", type: "int", default: 0 })
  settleLock!: number;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

@Entity("category_periods")
export class CategoryPeriodEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 32 })
  category!: string;

  @Column({ name: "from_date", type: "varchar", length: 10 })
  fromDate!: string;

  @Column({ name: "to_date", type: "varchar", length: 10, nullable: true })
  toDate!: string | null;

  /**
   * True for a 渐退期 (phase-out) certified after the person left the category: it confers no
   * category, only what the pack grants a phase-out (乐清 三(三)8: the premium subsidy continues).
   */
  @Column({ name: "phase_out", type: "boolean", default: false })
  phaseOut!: boolean;

  @Column({ name: "recorded_at", type: "varchar", length: 30 })
  recordedAt!: string;

  /** When a later correction withdrew this period; null while it stands. */
  @Column({ name: "retracted_at", type: "varchar", length: 30, nullable: true })
  retractedAt!: string | null;
}

@Entity("applications")
export class ApplicationEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ name: "beneficiary_id", type: "varchar", length: 64 })
  beneficiaryId!: string;

  @Column({ type: "varchar", length: 32 })
  program!: string;

  @Column({ type: "varchar", length: 10 })
  date!: string;

  /** PENDING, APPROVED or REFUSED (engine vocabulary APPLICATION_STATUSES); only APPROVED grants. */
  @Column({ type: "varchar", length: 12, default: "APPROVED" })
  status!: string;

  /** The date of the decision; null while PENDING. */
  @Column({ name: "decided_on", type: "varchar", length: 10, nullable: true })
  decidedOn!: string | null;

  @Column({ name: "recorded_at", type: "varchar", length: 30 })
  recordedAt!: string;

  @Column({ name: "retracted_at", type: "varchar", length: 30, nullable: true })
  retractedAt!: string | null;
}
