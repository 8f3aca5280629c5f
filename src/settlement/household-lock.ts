/**
 * The row a household's settling is serialised on, settlements' own: settling never needs the
 * beneficiaries' owner to hold a row for it (with a remote registry there is none locally).
 */
import { Column, Entity, PrimaryColumn, type EntityManager } from "typeorm";

@Entity("settlement_households")
export class SettlementHouseholdEntity {
  /** The beneficiary's stored key (tenant-ids). */
  @PrimaryColumn({ name: "beneficiary_id", type: "varchar", length: 110 })
  beneficiaryId!: string;

  /** Bumped by every settling of the household: the write is the lock. */
  @Column({ name: "settle_lock", type: "int", default: 0 })
  settleLock!: number;
}

/**
 * Takes a household's lock for the rest of the transaction, making its row when it is the first:
 * one upsert, an exclusive row lock on MySQL (taken at once, also between two first settlings, so
 * no shared-then-exclusive deadlock), the database write lock on SQLite.
 */
export async function lockHousehold(manager: EntityManager, beneficiaryId: string): Promise<void> {
  await lockHouseholds(manager, [beneficiaryId]);
}

/**
 * Takes many households' locks in one statement (a batch of bills), in key order so that two
 * batches sharing households take them in the same order and cannot deadlock each other.
 */
export async function lockHouseholds(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<void> {
  const sorted = [...new Set(beneficiaryIds)].sort();
  for (let start = 0; start < sorted.length; start += LOCKS_PER_STATEMENT) {
    const page = sorted.slice(start, start + LOCKS_PER_STATEMENT);
    const values = page.map(() => "(?, 1)").join(", ");
    const upsert =
      manager.connection.options.type === "mysql"
        ? `INSERT INTO settlement_households (beneficiary_id, settle_lock) VALUES ${values} ON DUPLICATE KEY UPDATE settle_lock = settle_lock + 1`
        : `INSERT INTO settlement_households (beneficiary_id, settle_lock) VALUES ${values} ON CONFLICT (beneficiary_id) DO UPDATE SET settle_lock = settle_lock + 1`;
    await manager.query(upsert, page);
  }
}

/** Households locked per statement. */
const LOCKS_PER_STATEMENT = 500;
