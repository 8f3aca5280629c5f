/**
 * Recording beneficiaries and their certified categories, and reading them back for settlement.
 */
import type { DataSource, EntityManager } from "typeorm";
import { DomainError, notFound } from "../lib/errors";
import { nowIso, type TransactionRunner } from "../lib/db";
import { readBeneficiary } from "../engine/input";
import type { Beneficiary } from "../engine/types";
import type { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import type { RulePackService } from "../rules/rule-pack.service";
import { ApplicationEntity, BeneficiaryEntity, CategoryPeriodEntity } from "./beneficiary.entity";
import { BeneficiaryRepository, type BeneficiaryPageQuery } from "./beneficiary.repository";

export interface BeneficiaryInput {
  id: string;
  jurisdiction: string;
  name: string;
  nationalId?: string | null;
  township?: string | null;
  identities?: Array<{ category: string; from: string; to?: string | null }>;
  applications?: Array<{ program: string; date: string }>;
}

const NATIONAL_ID = /^\d{17}[\dX]$/;

/** The engine's view of a beneficiary from stored rows. */
export function toEngineBeneficiary(id: string, periods: CategoryPeriodEntity[], applications: ApplicationEntity[]): Beneficiary {
  return {
    id,
    identities: periods.map((p) => ({ category: p.category as Beneficiary["identities"][number]["category"], from: p.fromDate, to: p.toDate })),
    applications: applications.map((a) => ({ program: a.program as Beneficiary["applications"][number]["program"], date: a.date })),
  };
}

/** Work to do when a beneficiary's certified record changed, in the same transaction. */
export type AfterRecordChange = (manager: EntityManager, beneficiaryId: string, earliestChange: string, actor: string) => Promise<void>;

export class BeneficiaryService {
  readonly repository = new BeneficiaryRepository();
  /** Called after categories or applications changed (settled years are settled again). */
  readonly afterRecordChange: AfterRecordChange[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates or updates a beneficiary. Category periods and applications that are no longer in the
   * input are retracted (kept, with the time of retraction), new ones recorded: nothing is lost.
   */
  async upsert(principal: Principal, input: BeneficiaryInput): Promise<BeneficiaryEntity> {
    const checked = readBeneficiary({ id: input.id, identities: input.identities ?? [], applications: input.applications ?? [] }, "input");
    if (!this.packs.jurisdictions().includes(input.jurisdiction)) {
      throw new DomainError("UNKNOWN_PACK", "input.jurisdiction", `input.jurisdiction: 未知辖区 ${input.jurisdiction} / unknown jurisdiction (known: ${this.packs.jurisdictions().join(", ")})`);
    }
    principal.requireJurisdiction(input.jurisdiction, "input.jurisdiction");
    const name = (input.name ?? "").trim();
    if (!name || name.length > 100) throw new DomainError("INVALID_INPUT", "input.name", "input.name: 1–100 个字符 / 1 to 100 characters");
    const nationalId = input.nationalId ?? null;
    if (nationalId !== null && !NATIONAL_ID.test(nationalId)) {
      throw new DomainError("INVALID_INPUT", "input.nationalId", "input.nationalId: 须为 18 位居民身份证号码 / an 18-character resident ID number");
    }

    const township = input.township?.trim() || null;
    if (township !== null && township.length > 60) throw new DomainError("INVALID_INPUT", "input.township", "input.township: 最多 60 个字符 / at most 60 characters");

    return this.transactions.run(async (manager) => {
      const now = nowIso();
      const exists = await this.repository.lock(manager, checked.id);
      const existing = exists ? await this.repository.findById(manager, checked.id) : null;
      if (existing) {
        principal.requireJurisdiction(existing.jurisdiction, "input.id");
        if (existing.jurisdiction !== input.jurisdiction) {
          throw new DomainError("CONFLICT", "input.jurisdiction", `input.jurisdiction: ${checked.id} 属于 ${existing.jurisdiction}，不能改为 ${input.jurisdiction} / a beneficiary's jurisdiction cannot change`);
        }
        await manager.update(BeneficiaryEntity, { id: checked.id }, { name, nationalId, township, updatedAt: now });
      } else {
        await manager.insert(BeneficiaryEntity, { id: checked.id, jurisdiction: input.jurisdiction, name, nationalId, township, settleLock: 0, createdAt: now, updatedAt: now });
      }

      const periods = await this.repository.periodsOf(manager, [checked.id]);
      const wantedPeriods = new Map(checked.identities.map((p) => [`${p.category}|${p.from}|${p.to ?? ""}`, p]));
      const retractedPeriods: number[] = [];
      for (const period of periods) {
        const key = `${period.category}|${period.fromDate}|${period.toDate ?? ""}`;
        if (wantedPeriods.has(key)) wantedPeriods.delete(key);
        else retractedPeriods.push(period.id);
      }
      for (const id of retractedPeriods) await manager.update(CategoryPeriodEntity, { id }, { retractedAt: now });
      for (const p of wantedPeriods.values()) {
        await manager.insert(CategoryPeriodEntity, { beneficiaryId: checked.id, category: p.category, fromDate: p.from, toDate: p.to, recordedAt: now, retractedAt: null });
      }

      const applications = await this.repository.applicationsOf(manager, [checked.id]);
      const wantedApplications = new Map(checked.applications.map((a) => [`${a.program}|${a.date}`, a]));
      const retractedApplications: number[] = [];
      for (const application of applications) {
        const key = `${application.program}|${application.date}`;
        if (wantedApplications.has(key)) wantedApplications.delete(key);
        else retractedApplications.push(application.id);
      }
      for (const id of retractedApplications) await manager.update(ApplicationEntity, { id }, { retractedAt: now });
      for (const a of wantedApplications.values()) {
        await manager.insert(ApplicationEntity, { beneficiaryId: checked.id, program: a.program, date: a.date, recordedAt: now, retractedAt: null });
      }

      // The earliest date the change can reach: retracted and added periods, applications' years.
      const changedDates = [
        ...periods.filter((p) => retractedPeriods.includes(p.id)).map((p) => p.fromDate),
        ...[...wantedPeriods.values()].map((p) => p.from),
        ...applications.filter((a) => retractedApplications.includes(a.id)).map((a) => `${a.date.slice(0, 4)}-01-01`),
        ...[...wantedApplications.values()].map((a) => `${a.date.slice(0, 4)}-01-01`),
      ].sort();
      if (existing && changedDates.length > 0) for (const hook of this.afterRecordChange) await hook(manager, checked.id, changedDates[0], principal.keyId);

      await this.audit.record(manager, principal.keyId, existing ? "beneficiary.update" : "beneficiary.create", "beneficiary", checked.id, {
        addedPeriods: [...wantedPeriods.keys()],
        retractedPeriods,
        addedApplications: [...wantedApplications.keys()],
        retractedApplications,
        nameChanged: existing ? existing.name !== name : undefined,
      });
      return (await this.repository.findById(manager, checked.id))!;
    });
  }

  /** A beneficiary the caller may see, or NOT_FOUND (a partner does not learn of others' people). */
  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager, field = "beneficiaryId"): Promise<BeneficiaryEntity> {
    const entity = await this.repository.findById(manager, id);
    if (!entity || !principal.canSee(entity.jurisdiction)) throw notFound("beneficiary", id, field);
    return entity;
  }

  /** The engine's view of a stored beneficiary. */
  async engineBeneficiary(manager: EntityManager, id: string): Promise<Beneficiary> {
    const [periods, applications] = await Promise.all([this.repository.periodsOf(manager, [id]), this.repository.applicationsOf(manager, [id])]);
    return toEngineBeneficiary(id, periods, applications);
  }

  page(query: BeneficiaryPageQuery): Promise<BeneficiaryEntity[]> {
    return this.repository.page(this.dataSource.manager, query);
  }
}
