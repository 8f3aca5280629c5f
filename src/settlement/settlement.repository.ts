/**
 * Queries on settlements, their lines, adjustments and year-to-date rows.
 */
import { In, type EntityManager } from "typeorm";
import { ClaimEntity } from "../claim/claim.entity";
import type { Tier } from "../engine/vocabulary";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, YearToDateEntity } from "./settlement.entity";
import { householdYearKey } from "./stored-year";

/** Natural years, both included. */
export interface YearRange {
  from: number;
  to: number;
}

/** A household and how many units of work it is (a preview: its years). */
export interface HouseholdUnits {
  beneficiaryId: string;
  units: number;
}

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

  /**
   * A page of the households with a current settlement under a pack in a range of years, in key
   * order after `after`, each with how many such years it has: how a preview is cut into chunks
   * without reading the jurisdiction at once.
   */
  async householdsSettledUnder(manager: EntityManager, packId: string, years: YearRange, after: string | null, limit: number): Promise<HouseholdUnits[]> {
    const builder = manager
      .createQueryBuilder(SettlementEntity, "s")
      .select("s.beneficiary_id", "beneficiaryId")
      .addSelect("COUNT(DISTINCT s.year)", "units")
      .where("s.pack_id = :packId AND s.status = 'CURRENT' AND s.year BETWEEN :from AND :to", { packId, from: years.from, to: years.to });
    if (after !== null) builder.andWhere("s.beneficiary_id > :after", { after });
    const rows = await builder.groupBy("s.beneficiary_id").orderBy("s.beneficiary_id").limit(limit).getRawMany<{ beneficiaryId: string; units: number | string }>();
    return rows.map((row) => ({ beneficiaryId: row.beneficiaryId, units: Number(row.units) }));
  }

  /** Each household's year with a current settlement under a pack, in a key range (both ends included), in key and year order. */
  async yearsSettledUnder(manager: EntityManager, packId: string, years: YearRange, first: string, last: string): Promise<Array<{ beneficiaryId: string; year: number }>> {
    const rows = await manager
      .createQueryBuilder(SettlementEntity, "s")
      .select(["s.beneficiary_id AS beneficiaryId", "s.year AS year"])
      .where("s.pack_id = :packId AND s.status = 'CURRENT' AND s.year BETWEEN :from AND :to", { packId, from: years.from, to: years.to })
      .andWhere("s.beneficiary_id >= :first AND s.beneficiary_id <= :last", { first, last })
      .groupBy("s.beneficiary_id")
      .addGroupBy("s.year")
      .orderBy("s.beneficiary_id")
      .addOrderBy("s.year")
      .getRawMany<{ beneficiaryId: string; year: number | string }>();
    return rows.map((row) => ({ beneficiaryId: row.beneficiaryId, year: Number(row.year) }));
  }

  /**
   * A page of a jurisdiction's households with a current settlement in a year, in key order after
   * `after` (or from `from`, included) and up to `last` (included) when given; `provisionalOnly`: those with a provisional line
   * (the 补差 an activation starts).
   */
  async householdsOfYear(manager: EntityManager, jurisdiction: string, year: number, provisionalOnly: boolean, range: { from?: string | null; after: string | null; last: string | null }, limit: number): Promise<string[]> {
    const builder = manager
      .createQueryBuilder(SettlementEntity, "s")
      .select("DISTINCT s.beneficiary_id", "beneficiaryId")
      // A jurisdiction's settlements are under its pack: pack ids are the jurisdictions' ids.
      .where("s.pack_id = :jurisdiction AND s.status = 'CURRENT' AND s.year = :year", { jurisdiction, year });
    if (provisionalOnly) builder.andWhere("EXISTS (SELECT 1 FROM settlement_lines l WHERE l.settlement_id = s.id AND l.provisional = 1)");
    if (range.after !== null) builder.andWhere("s.beneficiary_id > :after", { after: range.after });
    if (range.from) builder.andWhere("s.beneficiary_id >= :from", { from: range.from });
    if (range.last !== null) builder.andWhere("s.beneficiary_id <= :last", { last: range.last });
    const rows = await builder.orderBy("s.beneficiary_id").limit(limit).getRawMany<{ beneficiaryId: string }>();
    return rows.map((row) => row.beneficiaryId);
  }

  /** The years of a jurisdiction with a current settlement that has a provisional line, in order. */
  async yearsWithProvisionalLines(manager: EntityManager, jurisdiction: string): Promise<number[]> {
    const rows = await manager
      .createQueryBuilder(SettlementEntity, "s")
      .select("DISTINCT s.year", "year")
      .where("s.pack_id = :jurisdiction AND s.status = 'CURRENT'", { jurisdiction })
      .andWhere("EXISTS (SELECT 1 FROM settlement_lines l WHERE l.settlement_id = s.id AND l.provisional = 1)")
      .orderBy("s.year")
      .getRawMany<{ year: number | string }>();
    return rows.map((row) => Number(row.year));
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
    return new Map(rows.map((row) => [householdYearKey(row.beneficiaryId, Number(row.year)), row.lastDate]));
  }
}
