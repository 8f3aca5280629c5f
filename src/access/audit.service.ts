/**
 * The append-only audit log: who did what to which thing, when. Entries are only ever inserted.
 */
import type { EntityManager } from "typeorm";
import { nowIso } from "../lib/db";
import { AuditEntryEntity } from "./access.entity";
import { insertRows } from "../lib/multi-row-insert";

/** One entry of the log. */
export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  detail: unknown;
}

/** Rows per insert statement (6 columns). */
const AUDIT_ROWS_PER_STATEMENT = 500;

export class AuditService {
  /** Records an entry inside the caller's transaction, so that it stands or falls with the change. */
  async record(manager: EntityManager, actor: string, action: string, subjectType: string, subjectId: string, detail: unknown): Promise<void> {
    await this.recordMany(manager, [{ actor, action, subjectType, subjectId, detail }]);
  }

  /** Records entries in the order given, in multi-row inserts (a batch of bills audits each bill). */
  async recordMany(manager: EntityManager, entries: readonly AuditEntry[]): Promise<void> {
    const at = nowIso();
    const rows = entries.map((entry) => ({ at, actor: entry.actor, action: entry.action, subjectType: entry.subjectType, subjectId: entry.subjectId, detail: JSON.stringify(entry.detail ?? {}) }));
    await insertRows(manager, AuditEntryEntity, rows, AUDIT_ROWS_PER_STATEMENT);
  }
}
