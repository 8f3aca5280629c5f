/**
 * API keys (only their hash is stored) and the append-only audit log.
 */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

export const ROLES = ["PARTNER", "CHARITY", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

@Entity("api_keys")
export class ApiKeyEntity {
  /** The public part of the key, shown in logs and the audit log. */
  @PrimaryColumn({ type: "varchar", length: 40 })
  id!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @Column({ type: "varchar", length: 10 })
  role!: Role;

  /** The jurisdictions (pack ids) a PARTNER key may see and submit to, comma-separated. */
  @Column({ type: "varchar", length: 400 })
  jurisdictions!: string;

  /** SHA-256 of the secret part, hex. */
  @Column({ name: "secret_hash", type: "varchar", length: 64 })
  secretHash!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "revoked_at", type: "varchar", length: 30, nullable: true })
  revokedAt!: string | null;

  /** When the key stops working (ISO time); null: never. */
  @Column({ name: "expires_at", type: "varchar", length: 30, nullable: true })
  expiresAt!: string | null;

  /** The last request it authenticated, to the minute (per instance); null: never used. */
  @Column({ name: "last_used_at", type: "varchar", length: 30, nullable: true })
  lastUsedAt!: string | null;
}

@Entity("audit_log")
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: "int" })
  id!: number;

  @Column({ type: "varchar", length: 30 })
  at!: string;

  /** The key that acted, or "system" / "cli". */
  @Column({ type: "varchar", length: 40 })
  actor!: string;

  @Column({ type: "varchar", length: 40 })
  action!: string;

  @Column({ name: "subject_type", type: "varchar", length: 40 })
  subjectType!: string;

  @Column({ name: "subject_id", type: "varchar", length: 120 })
  subjectId!: string;

  /** Details as JSON text. */
  @Column({ type: "text" })
  detail!: string;
}
