/**
 * The append-only audit log: who did what to which thing, when. Entries are only ever inserted.
 */
import type { EntityManager } from "typeorm";
import { nowIso } from "../lib/db";
import { AuditEntryEntity } from "./access.entity";

export class AuditService {
  /** Records an entry inside the caller's transaction, so that it stands or falls with the change. */
  async record(manager: EntityManager, actor: string, action: string, subjectType: string, subjectId: string, detail: unknown): Promise<void> {
    await manager.insert(AuditEntryEntity, { at: nowIso(), actor, action, subjectType, subjectId, detail: JSON.stringify(detail ?? {}) });
  }
}
