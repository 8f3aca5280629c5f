/**
 * Queries on claims. List queries take many ids at once for DataLoaders.
 */
import { In, type EntityManager } from "typeorm";
import { onlyOne } from "../access/tenant-ids";
import { ClaimEntity } from "./claim.entity";

export class ClaimRepository {
  findById(manager: EntityManager, id: string): Promise<ClaimEntity | null> {
    return manager.findOneBy(ClaimEntity, { id });
  }

  findByIds(manager: EntityManager, ids: readonly string[]): Promise<ClaimEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.findBy(ClaimEntity, { id: In([...ids]) });
  }

  /** The claim a caller means by `id`, among the keys it can stand for (tenant-ids); null when none. */
  async findByCallerId(manager: EntityManager, keys: readonly string[], id: string, jurisdictionField = "jurisdiction"): Promise<ClaimEntity | null> {
    return onlyOne(await this.findByIds(manager, keys), "claim", id, jurisdictionField);
  }

  /** Claims of these beneficiaries in the order they are settled: date, then order of arrival. */
  byBeneficiaries(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<ClaimEntity[]> {
    if (beneficiaryIds.length === 0) return Promise.resolve([]);
    return manager.find(ClaimEntity, { where: { beneficiaryId: In([...beneficiaryIds]) }, order: { date: "ASC", sequence: "ASC" } });
  }

  /** How many bills a beneficiary has in a year, settled or not (the per-year cap counts them all). */
  countOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<number> {
    return manager.countBy(ClaimEntity, { beneficiaryId, year });
  }

  /** The next arrival number of a beneficiary's claims (called under the beneficiary's lock). */
  async nextSequence(manager: EntityManager, beneficiaryId: string): Promise<number> {
    const row = await manager.createQueryBuilder(ClaimEntity, "c").select("MAX(c.sequence)", "last").where("c.beneficiary_id = :beneficiaryId", { beneficiaryId }).getRawOne<{ last: number | string | null }>();
    return Number(row?.last ?? 0) + 1;
  }

  /**
   * Per household: its bills per natural year and its last arrival number, in one statement for
   * many households (a batch checks the per-year cap and numbers new bills from them).
   */
  async yearStats(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<Map<string, { bills: Map<number, number>; lastSequence: number }>> {
    const stats = new Map<string, { bills: Map<number, number>; lastSequence: number }>();
    for (const id of beneficiaryIds) stats.set(id, { bills: new Map(), lastSequence: 0 });
    if (beneficiaryIds.length === 0) return stats;
    const rows = await manager
      .createQueryBuilder(ClaimEntity, "c")
      .select(["c.beneficiary_id AS beneficiaryId", "c.year AS year", "COUNT(1) AS bills", "MAX(c.sequence) AS lastSequence"])
      .where("c.beneficiary_id IN (:...beneficiaryIds)", { beneficiaryIds })
      .groupBy("c.beneficiary_id")
      .addGroupBy("c.year")
      .getRawMany<{ beneficiaryId: string; year: number | string; bills: number | string; lastSequence: number | string }>();
    for (const row of rows) {
      const household = stats.get(row.beneficiaryId)!;
      household.bills.set(Number(row.year), Number(row.bills));
      household.lastSequence = Math.max(household.lastSequence, Number(row.lastSequence));
    }
    return stats;
  }
}
