/**
 * Queries on beneficiaries, their category periods and applications. Every list query takes many
 * ids at once, so that DataLoaders can batch a page of rows into one statement.
 */
import { In, IsNull, type EntityManager } from "typeorm";
import { ApplicationEntity, BeneficiaryEntity, CategoryPeriodEntity } from "./beneficiary.entity";

export interface BeneficiaryPageQuery {
  /** Only these jurisdictions (a PARTNER key's); null for all. */
  jurisdictions: readonly string[] | null;
  jurisdiction?: string;
  category?: string;
  idPrefix?: string;
  /** Ids greater than this one (the cursor). */
  afterId?: string;
  limit: number;
}

export class BeneficiaryRepository {
  findById(manager: EntityManager, id: string): Promise<BeneficiaryEntity | null> {
    return manager.findOneBy(BeneficiaryEntity, { id });
  }

  findByIds(manager: EntityManager, ids: readonly string[]): Promise<BeneficiaryEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.findBy(BeneficiaryEntity, { id: In([...ids]) });
  }

  /** The category periods (certifications) that stand (not retracted) of these beneficiaries, oldest first. */
  periodsOf(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<CategoryPeriodEntity[]> {
    return this.standingPeriods(manager, beneficiaryIds, false);
  }

  /** The 渐退期 (phase-out) periods that stand of these beneficiaries, oldest first. */
  phaseOutsOf(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<CategoryPeriodEntity[]> {
    return this.standingPeriods(manager, beneficiaryIds, true);
  }

  private standingPeriods(manager: EntityManager, beneficiaryIds: readonly string[], phaseOut: boolean): Promise<CategoryPeriodEntity[]> {
    if (beneficiaryIds.length === 0) return Promise.resolve([]);
    return manager.find(CategoryPeriodEntity, { where: { beneficiaryId: In([...beneficiaryIds]), retractedAt: IsNull(), phaseOut }, order: { id: "ASC" } });
  }

  applicationsOf(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<ApplicationEntity[]> {
    if (beneficiaryIds.length === 0) return Promise.resolve([]);
    return manager.find(ApplicationEntity, { where: { beneficiaryId: In([...beneficiaryIds]), retractedAt: IsNull() }, order: { id: "ASC" } });
  }

  /** One page of beneficiaries in id order, with one extra row to tell whether there is a next page. */
  page(manager: EntityManager, query: BeneficiaryPageQuery): Promise<BeneficiaryEntity[]> {
    const builder = manager.createQueryBuilder(BeneficiaryEntity, "b").orderBy("b.id", "ASC").take(query.limit + 1);
    if (query.jurisdictions) builder.andWhere("b.jurisdiction IN (:...visible)", { visible: query.jurisdictions.length ? query.jurisdictions : ["-"] });
    if (query.jurisdiction) builder.andWhere("b.jurisdiction = :jurisdiction", { jurisdiction: query.jurisdiction });
    // The partner's own id follows `<jurisdiction>:` in the key (tenant-ids).
    if (query.idPrefix) builder.andWhere("SUBSTR(b.id, LENGTH(b.jurisdiction) + 2) LIKE :prefix", { prefix: `${query.idPrefix.replace(/[\\%_]/g, "\\$&")}%` });
    if (query.afterId) builder.andWhere("b.id > :afterId", { afterId: query.afterId });
    if (query.category) {
      builder.andWhere("EXISTS (SELECT 1 FROM category_periods p WHERE p.beneficiary_id = b.id AND p.category = :category AND p.retracted_at IS NULL AND p.phase_out = 0)", { category: query.category });
    }
    return builder.getMany();
  }

  /**
   * Takes the per-beneficiary lock for the rest of the transaction by bumping a counter: an
   * exclusive row lock on MySQL, the database write lock on SQLite. Returns false when there is no
   * such beneficiary.
   */
  async lock(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(BeneficiaryEntity)
      .set({ settleLock: () => "settle_lock + 1" })
      .where("id = :id", { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
