/**
 * The year's accounts of the settling hot path, upserted through the transaction's own connection.
 */
import type { EntityManager } from "typeorm";
import { formatAmount } from "../lib/money";
import { pages } from "../lib/collections";
import { TIERS } from "../engine/vocabulary";
import type { YearToDate } from "../engine/types";

/** Years' accounts per statement (six tier rows each). */
const ACCOUNTS_PER_STATEMENT = 150;

/**
 * Writes years' accounts, every tier of each, as one upsert per page of years: what six UPDATEs (and
 * a read to choose between UPDATE and INSERT) did per year before.
 */
export async function upsertYearToDate(manager: EntityManager, accounts: readonly YearToDate[], now: string): Promise<void> {
  const mysql = manager.connection.options.type === "mysql";
  for (const page of pages(accounts, ACCOUNTS_PER_STATEMENT)) {
    const values: unknown[] = [];
    for (const account of page) for (const tier of TIERS) values.push(account.beneficiaryId, account.year, tier, formatAmount(account.tiers[tier].base), formatAmount(account.tiers[tier].paid), now);
    const rows = Array.from({ length: values.length / 6 }, () => "(?, ?, ?, ?, ?, ?)").join(", ");
    const update = mysql
      ? "ON DUPLICATE KEY UPDATE base = VALUES(base), paid = VALUES(paid), updated_at = VALUES(updated_at)"
      : "ON CONFLICT (beneficiary_id, year, tier) DO UPDATE SET base = excluded.base, paid = excluded.paid, updated_at = excluded.updated_at";
    await manager.query(`INSERT INTO year_to_date (beneficiary_id, year, tier, base, paid, updated_at) VALUES ${rows} ${update}`, values);
  }
}
