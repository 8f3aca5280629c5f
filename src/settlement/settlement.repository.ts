/**
 * Queries on settlements, their lines, adjustments and year-to-date rows.
 */
import { In, type EntityManager } from "typeorm";
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

  /** The current settlements of a beneficiary's year. */
  currentOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<SettlementEntity[]> {
    return manager.find(SettlementEntity, { where: { beneficiaryId, year, status: "CURRENT" } });
  }

  linesOf(manager: EntityManager, settlementIds: readonly string[]): Promise<SettlementLineEntity[]> {
    if (settlementIds.length === 0) return Promise.resolve([]);
    return manager.find(SettlementLineEntity, { where: { settlementId: In([...settlementIds]) }, order: { settlementId: "ASC", position: "ASC" } });
  }

  adjustmentsOf(manager: EntityManager, claimIds: readonly string[]): Promise<AdjustmentEntity[]> {
    if (claimIds.length === 0) return Promise.resolve([]);
    return manager.find(AdjustmentEntity, { where: { claimId: In([...claimIds]) }, order: { id: "ASC" } });
  }

  yearToDate(manager: EntityManager, beneficiaryId: string, year: number): Promise<YearToDateEntity[]> {
    return manager.find(YearToDateEntity, { where: { beneficiaryId, year } });
  }
}
