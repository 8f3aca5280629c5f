/**
 * Rule pack versions live in the database so that every gateway instance settles with the same
 * ones. A version's document never changes once published; its status moves DRAFT → ACTIVE →
 * RETIRED.
 */
import { Column, Entity, PrimaryColumn } from "typeorm";

export const PACK_STATUSES = ["DRAFT", "ACTIVE", "RETIRED"] as const;
export type PackStatus = (typeof PACK_STATUSES)[number];

@Entity("rule_pack_versions")
export class RulePackVersionEntity {
  @PrimaryColumn({ name: "pack_id", type: "varchar", length: 40 })
  packId!: string;

  @PrimaryColumn({ type: "int" })
  version!: number;

  @Column({ type: "text" })
  document!: string;

  @Column({ type: "varchar", length: 64 })
  hash!: string;

  @Column({ type: "varchar", length: 10 })
  status!: PackStatus;

  @Column({ name: "in_force_from", type: "varchar", length: 10 })
  inForceFrom!: string;

  @Column({ name: "in_force_to", type: "varchar", length: 10, nullable: true })
  inForceTo!: string | null;

  @Column({ name: "published_by", type: "varchar", length: 40 })
  publishedBy!: string;

  @Column({ name: "published_at", type: "varchar", length: 30 })
  publishedAt!: string;

  @Column({ name: "activated_at", type: "varchar", length: 30, nullable: true })
  activatedAt!: string | null;

  /** The version whose activation retired this one; a rollback of that version re-activates it. */
  @Column({ name: "retired_by", type: "int", nullable: true })
  retiredBy!: number | null;

  @Column({ name: "retired_at", type: "varchar", length: 30, nullable: true })
  retiredAt!: string | null;

  /** The scenarios attached when the version was published, as JSON. */
  @Column({ type: "text", nullable: true })
  scenarios!: string | null;
}
