/**
 * The beneficiary port's default adapter: this process's own beneficiaries, read in the caller's
 * transaction when it has one, so that a settlement under a household's lock (or a replay after a
 * record change) sees the record as that transaction does.
 */
import type { DataSource, EntityManager } from "typeorm";
import { groupBy } from "../lib/collections";
import type { BeneficiaryPage, BeneficiaryRecord, BeneficiarySource, SourceCaller } from "./beneficiary-source";
import type { BeneficiaryEntity } from "./beneficiary.entity";
import type { BeneficiaryRepository } from "./beneficiary.repository";
import { toEngineBeneficiary } from "./beneficiary.service";

export class InProcessBeneficiarySource implements BeneficiarySource {
  /** This process's rows, unmasked: masking is the resolvers' business. */
  readonly showsInFull = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: BeneficiaryRepository,
  ) {}

  async records(keys: readonly string[], caller: SourceCaller): Promise<Map<string, BeneficiaryRecord>> {
    const manager = caller.transaction ?? this.dataSource.manager;
    return new Map((await this.withRecords(manager, await this.repository.findByIds(manager, [...new Set(keys)]))).map((r) => [r.key, r]));
  }

  /** The cursor is the last stored key of the page. */
  async page(jurisdiction: string, after: string | null, limit: number, caller: SourceCaller): Promise<BeneficiaryPage> {
    const manager = caller.transaction ?? this.dataSource.manager;
    // The repository reads one row more than asked: it tells whether a next page exists.
    const rows = await this.repository.page(manager, { jurisdictions: caller.principal.visibleJurisdictions, jurisdiction, afterId: after ?? undefined, limit });
    const shown = rows.slice(0, limit);
    return { records: await this.withRecords(manager, shown), next: rows.length > limit ? shown[shown.length - 1].id : null };
  }

  /** The people's categories, applications and phase-outs, in three statements for the whole batch. */
  private async withRecords(manager: EntityManager, people: BeneficiaryEntity[]): Promise<BeneficiaryRecord[]> {
    const ids = people.map((b) => b.id);
    const [periods, applications, phaseOuts] = await Promise.all([this.repository.periodsOf(manager, ids), this.repository.applicationsOf(manager, ids), this.repository.phaseOutsOf(manager, ids)]);
    const periodsOf = groupBy(periods, (p) => p.beneficiaryId);
    const applicationsOf = groupBy(applications, (a) => a.beneficiaryId);
    const phaseOutsOf = groupBy(phaseOuts, (p) => p.beneficiaryId);
    return people.map((b) => ({
      key: b.id,
      jurisdiction: b.jurisdiction,
      beneficiary: toEngineBeneficiary(b.id, periodsOf.get(b.id) ?? [], applicationsOf.get(b.id) ?? [], phaseOutsOf.get(b.id) ?? []),
      person: { name: b.name, nationalId: b.nationalId, township: b.township },
    }));
  }
}
