/**
 * Queries on funds, the ledger, entitlements and money requests, including the row locks that keep
 * balances and entitlements right under concurrent requests.
 */
import { In, type EntityManager } from "typeorm";
import { CharityFundEntity, EntitlementEntity, LedgerEntryEntity, MoneyRequestEntity } from "./charity.entity";
import { CharityHouseholdEntity, CharitySettledClaimEntity } from "./settled-claim.entity";

export class CharityRepository {
  /**
   * Takes the row locks of these funds, in id order so that two transactions never wait on each
   * other in a circle. On MySQL each UPDATE holds an exclusive row lock until commit; on SQLite the
   * first write takes the database's write lock.
   */
  async lockFunds(manager: EntityManager, ids: readonly string[]): Promise<void> {
    for (const id of [...new Set(ids)].sort()) {
      await manager.createQueryBuilder().update(CharityFundEntity).set({ lockCounter: () => "lock_counter + 1" }).where("id = :id", { id }).execute();
    }
  }

  /** Takes an entitlement's row lock; false when there is no such entitlement. */
  async lockEntitlement(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.createQueryBuilder().update(EntitlementEntity).set({ lockCounter: () => "lock_counter + 1" }).where("id = :id", { id }).execute();
    return (result.affected ?? 0) > 0;
  }

  fund(manager: EntityManager, id: string): Promise<CharityFundEntity | null> {
    return manager.findOneBy(CharityFundEntity, { id });
  }

  fundsByIds(manager: EntityManager, ids: readonly string[]): Promise<CharityFundEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.findBy(CharityFundEntity, { id: In([...ids]) });
  }

  fundsOf(manager: EntityManager, jurisdictions: readonly string[] | null): Promise<CharityFundEntity[]> {
    return manager.find(CharityFundEntity, { where: jurisdictions ? { jurisdiction: In([...jurisdictions]) } : {}, order: { jurisdiction: "ASC", kind: "ASC", id: "ASC" } });
  }

  entitlement(manager: EntityManager, id: string): Promise<EntitlementEntity | null> {
    return manager.findOneBy(EntitlementEntity, { id });
  }

  entry(manager: EntityManager, id: number): Promise<LedgerEntryEntity | null> {
    return manager.findOneBy(LedgerEntryEntity, { id });
  }

  /** A page of a fund's ledger, newest first, ids below `beforeId`. */
  ledgerPage(manager: EntityManager, fundId: string, limit: number, beforeId?: number): Promise<LedgerEntryEntity[]> {
    const builder = manager.createQueryBuilder(LedgerEntryEntity, "e").where("e.fund_id = :fundId", { fundId }).orderBy("e.id", "DESC").take(limit + 1);
    if (beforeId !== undefined) builder.andWhere("e.id < :beforeId", { beforeId });
    return builder.getMany();
  }

  /** Every entry of a fund, oldest first (reports and balance checks). */
  ledgerOf(manager: EntityManager, fundId: string): Promise<LedgerEntryEntity[]> {
    return manager.find(LedgerEntryEntity, { where: { fundId }, order: { id: "ASC" } });
  }

  /** Where a fund's ledger ends: its last entry's balance, or null without entries. */
  async lastBalanceOf(manager: EntityManager, fundId: string): Promise<LedgerEntryEntity["balanceAfter"] | null> {
    const last = await manager.findOne(LedgerEntryEntity, { select: { id: true, balanceAfter: true }, where: { fundId }, order: { id: "DESC" } });
    return last?.balanceAfter ?? null;
  }

  /** The type and amount of the entries of one entitlement (what checking its allocated figure needs). */
  allocationsOf(manager: EntityManager, entitlementId: string): Promise<Array<Pick<LedgerEntryEntity, "type" | "amount">>> {
    return manager.find(LedgerEntryEntity, { select: { id: true, type: true, amount: true }, where: { entitlementId } });
  }

  entriesOfEntitlements(manager: EntityManager, entitlementIds: readonly string[]): Promise<LedgerEntryEntity[]> {
    if (entitlementIds.length === 0) return Promise.resolve([]);
    return manager.find(LedgerEntryEntity, { where: { entitlementId: In([...entitlementIds]) }, order: { id: "ASC" } });
  }

  /** Entitlements, largest outstanding first; the cursor is the last (outstanding, id) seen. */
  async entitlementPage(
    manager: EntityManager,
    query: { statuses: readonly string[] | null; jurisdictions: readonly string[] | null; limit: number; after?: { outstanding: string; id: string } },
  ): Promise<EntitlementEntity[]> {
    // Ordering money in SQL: DECIMAL sorts numerically on MySQL; SQLite stores money as text, so it
    // is cast there. The cast is exact for ordering amounts of up to 15 significant digits.
    const mysql = manager.connection.options.type === "mysql";
    const outstanding = mysql ? "e.outstanding" : "CAST(e.outstanding AS REAL)";
    const builder = manager.createQueryBuilder(EntitlementEntity, "e").orderBy(outstanding, "DESC").addOrderBy("e.id", "ASC").take(query.limit + 1);
    if (query.statuses) builder.andWhere("e.status IN (:...statuses)", { statuses: query.statuses });
    if (query.jurisdictions) builder.andWhere("e.jurisdiction IN (:...jurisdictions)", { jurisdictions: query.jurisdictions.length ? query.jurisdictions : ["-"] });
    if (query.after) {
      const value = mysql ? ":afterOutstanding" : "CAST(:afterOutstanding AS REAL)";
      builder.andWhere(`(${outstanding} < ${value} OR (${outstanding} = ${value} AND e.id > :afterId))`, { afterOutstanding: query.after.outstanding, afterId: query.after.id });
    }
    return builder.getMany();
  }

  request(manager: EntityManager, requestId: string): Promise<MoneyRequestEntity | null> {
    return manager.findOneBy(MoneyRequestEntity, { requestId });
  }

  /** A settlement the charity has recorded, or null. */
  settled(manager: EntityManager, settlementId: string): Promise<CharitySettledClaimEntity | null> {
    return manager.findOneBy(CharitySettledClaimEntity, { settlementId });
  }

  /** Marks a claim's other current settlements superseded (its new one stays current). */
  async supersedeOthers(manager: EntityManager, claimId: string, currentId: string): Promise<void> {
    await manager.createQueryBuilder().update(CharitySettledClaimEntity).set({ status: "SUPERSEDED" }).where("claim_id = :claimId AND status = 'CURRENT' AND settlement_id <> :currentId", { claimId, currentId }).execute();
  }

  /** The current settlements of a household-year as the charity recorded them. */
  currentSettledOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<CharitySettledClaimEntity[]> {
    return manager.find(CharitySettledClaimEntity, { where: { beneficiaryId, year, status: "CURRENT" } });
  }

  /** The household-year's settlement recorded from the latest event: it speaks for the household's categories. */
  latestSettledOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<CharitySettledClaimEntity | null> {
    return manager.findOne(CharitySettledClaimEntity, { where: { beneficiaryId, year }, order: { eventSequence: "DESC" } });
  }

  household(manager: EntityManager, beneficiaryId: string): Promise<CharityHouseholdEntity | null> {
    return manager.findOneBy(CharityHouseholdEntity, { beneficiaryId });
  }

  households(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<CharityHouseholdEntity[]> {
    return beneficiaryIds.length === 0 ? Promise.resolve([]) : manager.findBy(CharityHouseholdEntity, { beneficiaryId: In([...beneficiaryIds]) });
  }
}
