/**
 * Queries on settlements, their lines, adjustments and year-to-date rows.
 */
import { In, type EntityManager } from "typeorm";
import { ClaimEntity } from "../claim/claim.entity";
import type { Tier } from "../engine/vocabulary";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, YearToDateEntity } from "./settlement.entity";

export class SettlementRepository {
  /** The current settlement of each of these claims (at most one each). */
  currentOfClaims(manager: EntityManager, claimIds: readonly string[]): Promise<SettlementEntity[]> {
    if (claimIds.length === 0) return Promise.resolve([]);
    return manager.find(SettlementEntity, { where: { claimId: In([...claimIds]), status: "CURRENT" } });
  }

  /** Every settlement of these claims, oldest first (the history of corrections). */
  historyOfClaims(manager: EntityManager, claimIds: readonly string[]): Promise<SettlementEntity[]> {
    if (claimIds.length === 0) return Promise.resolve([]);
    return manager.find(SettlementEntity, { where: { claimId: In([...claimIds]) }, order: { settledAt: "ASC" } });
  }

  /** Each beneficiary's year with a current settlement under a pack, in beneficiary order. */
  yearsSettledUnder(manager: EntityManager, packId: string): Promise<Array<{ beneficiaryId: string; year: number | string }>> {
    return manager
      .createQueryBuilder(SettlementEntity, "s")
      .select(["s.beneficiary_id AS beneficiaryId", "s.year AS year"])
      .where("s.pack_id = :packId AND s.status = 'CURRENT'", { packId })
      .groupBy("s.beneficiary_id")
      .addGroupBy("s.year")
      .orderBy("s.beneficiary_id")
      .getRawMany<{ beneficiaryId: string; year: number | string }>();
  }

  /** The current settlements of a beneficiary's year. */
  currentOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<SettlementEntity[]> {
    return manager.find(SettlementEntity, { where: { beneficiaryId, year, status: "CURRENT" } });
  }

  /**
   * True when a current settlement of the year belongs to a bill settled after one of this date and
   * arrival number: settling that bill then replays the year. One indexed query, however long the year.
   */
  async anyAfter(manager: EntityManager, beneficiaryId: string, year: number, date: string, sequence: number): Promise<boolean> {
    const row = await manager
      .createQueryBuilder(SettlementEntity, "s")
      .innerJoin(ClaimEntity, "c", "c.id = s.claim_id")
      .select("s.id", "id")
      .where("s.beneficiary_id = :beneficiaryId AND s.year = :year AND s.status = 'CURRENT'", { beneficiaryId, year })
      .andWhere("(s.date > :date OR (s.date = :date AND c.sequence > :sequence))", { date, sequence })
      .limit(1)
      .getRawOne();
    return row !== undefined;
  }

  linesOf(manager: EntityManager, settlementIds: readonly string[]): Promise<SettlementLineEntity[]> {
    if (settlementIds.length === 0) return Promise.resolve([]);
    return manager.find(SettlementLineEntity, { where: { settlementId: In([...settlementIds]) }, order: { settlementId: "ASC", position: "ASC" } });
  }

  /**
   * The tier and amount of these settlements' lines, without the figures and notes: what comparing
   * or summing a year's settlements needs, at a fraction of the rows' size.
   */
  tierAmountsOf(manager: EntityManager, settlementIds: readonly string[]): Promise<Array<Pick<SettlementLineEntity, "settlementId" | "tier" | "amount" | "reason" | "accountYear">>> {
    if (settlementIds.length === 0) return Promise.resolve([]);
    return manager.find(SettlementLineEntity, { select: { settlementId: true, tier: true, amount: true, reason: true, accountYear: true }, where: { settlementId: In([...settlementIds]) } });
  }

  /** The amounts of one tier's lines of these settlements: what an entitlement sums, and nothing more. */
  amountsOfTier(manager: EntityManager, settlementIds: readonly string[], tier: Tier): Promise<Array<Pick<SettlementLineEntity, "id" | "amount">>> {
    if (settlementIds.length === 0) return Promise.resolve([]);
    return manager.find(SettlementLineEntity, { select: { id: true, amount: true }, where: { settlementId: In([...settlementIds]), tier } });
  }

  adjustmentsOf(manager: EntityManager, claimIds: readonly string[]): Promise<AdjustmentEntity[]> {
    if (claimIds.length === 0) return Promise.resolve([]);
    return manager.find(AdjustmentEntity, { where: { claimId: In([...claimIds]) }, order: { id: "ASC" } });
  }

  yearToDate(manager: EntityManager, beneficiaryId: string, year: number): Promise<YearToDateEntity[]> {
    return manager.find(YearToDateEntity, { where: { beneficiaryId, year } });
  }

  /** The year-to-date rows of many households, every year (a batch reads its households' at once). */
  yearToDateOf(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<YearToDateEntity[]> {
    if (beneficiaryIds.length === 0) return Promise.resolve([]);
    return manager.find(YearToDateEntity, { where: { beneficiaryId: In([...beneficiaryIds]) } });
  }

  /**
   * The date of the latest current settlement of each household's year, by `household\0year`: a
   * new bill dated on or after it (and numbered after every stored bill) settles from the account.
   */
  async lastSettledDates(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<Map<string, string>> {
    if (beneficiaryIds.length === 0) return new Map();
    const rows = await manager
      .createQueryBuilder(SettlementEntity, "s")
      .select(["s.beneficiary_id AS beneficiaryId", "s.year AS year", "MAX(s.date) AS lastDate"])
      .where("s.beneficiary_id IN (:...beneficiaryIds) AND s.status = 'CURRENT'", { beneficiaryIds })
      .groupBy("s.beneficiary_id")
      .addGroupBy("s.year")
      .getRawMany<{ beneficiaryId: string; year: number | string; lastDate: string }>();
    return new Map(rows.map((row) => [`${row.beneficiaryId}\u0000${Number(row.year)}`, row.lastDate]));
  }
}
