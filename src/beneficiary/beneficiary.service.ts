/**
 * Recording beneficiaries and their certified categories, and reading them back for settlement.
 */
import type { DataSource, EntityManager } from "typeorm";
import { DomainError, notFound } from "../lib/errors";
import { nowIso, type TransactionRunner } from "../lib/db";
import { dateField } from "../engine/input";
import { isCategory } from "../engine/vocabulary";
import type { ApplicationStatus, Beneficiary, Category, Program } from "../engine/types";
import { applicationReach } from "../engine/applications";
import { RECORD_KEEPERS, type Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { candidateKeys, onlyOne, scopedKey } from "../access/tenant-ids";
import type { RulePackService } from "../rules/rule-pack.service";
import { ApplicationEntity, BeneficiaryEntity, CategoryPeriodEntity } from "./beneficiary.entity";
import { BeneficiaryRepository, type BeneficiaryPageQuery } from "./beneficiary.repository";
import { mergeApplications, mergePeriods, readBeneficiaryChanges, type BeneficiaryChanges, type BeneficiaryInput } from "./record-merge";

/** Ending (`to` a date) or removing (`to` null) a standing category period, with the reason. */
export interface CategoryPeriodEnd {
  beneficiaryId: string;
  /** Needed only when the id exists in several jurisdictions the key covers. */
  jurisdiction?: string | null;
  category: string;
  from: string;
  to: string | null;
  reason: string;
  confirmReversal?: boolean | null;
}

/** Removing an application recorded in error, with the reason. */
export interface ApplicationRemoval {
  beneficiaryId: string;
  /** Needed only when the id exists in several jurisdictions the key covers. */
  jurisdiction?: string | null;
  program: string;
  date: string;
  reason: string;
  confirmReversal?: boolean | null;
}

export type { BeneficiaryInput };

function readReason(raw: unknown): string {
  const reason = typeof raw === "string" ? raw.trim() : "";
  if (!reason || reason.length > 400) throw new DomainError("INVALID_INPUT", "input.reason", "input.reason: 须说明理由，1–400 个字符 / a reason of 1 to 400 characters");
  return reason;
}

/** The engine's view of a beneficiary from stored rows. */
export function toEngineBeneficiary(id: string, periods: CategoryPeriodEntity[], applications: ApplicationEntity[], phaseOuts: CategoryPeriodEntity[] = []): Beneficiary {
  const period = (p: CategoryPeriodEntity) => ({ category: p.category as Category, from: p.fromDate, to: p.toDate });
  return {
    id,
    identities: periods.map(period),
    applications: applications.map((a) => ({ program: a.program as Program, date: a.date, status: a.status as ApplicationStatus, decidedOn: a.decidedOn })),
    ...(phaseOuts.length > 0 ? { phaseOuts: phaseOuts.map(period) } : {}),
  };
}

/**
 * Work to do when a beneficiary's certified record changed, in the same transaction. Without
 * `confirmReversal` it refuses (WOULD_REVERSE_PAID) a change that would take back money paid.
 */
export type AfterRecordChange = (manager: EntityManager, principal: Principal, beneficiaryId: string, earliestChange: string, confirmReversal: boolean) => Promise<void>;

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
   * Creates or updates a beneficiary as a merge (see record-merge.ts): fields left out keep their
   * stored values; periods and applications sent are added (a period may be extended), never
   * removed. Replaced rows are kept, retracted, with the time: nothing is lost. Given a
   * `transaction`, it runs inside it.
   */
  upsert(principal: Principal, input: BeneficiaryInput, transaction?: EntityManager): Promise<BeneficiaryEntity> {
    principal.requireRole(...RECORD_KEEPERS);
    return this.transactions.joinOrRun(transaction, (manager) => this.record(manager, principal, input));
  }

  private async record(manager: EntityManager, principal: Principal, input: BeneficiaryInput): Promise<BeneficiaryEntity> {
    const wanted = readBeneficiaryChanges(input, this.packs.jurisdictions());
    principal.requireJurisdiction(wanted.jurisdiction, "input.jurisdiction");
    // The id is the partner's own within the jurisdiction: another jurisdiction's same id is another person.
    const key = scopedKey(wanted.jurisdiction, wanted.id);
    const now = nowIso();
    const existing = (await this.repository.lock(manager, key)) ? await this.repository.findById(manager, key) : null;
    const changedFields = existing ? await this.updateFields(manager, existing, wanted, now) : await this.insert(manager, key, wanted, now);

    const periods = mergePeriods(await this.repository.periodsOf(manager, [key]), wanted.identities);
    const phaseOuts = mergePeriods(await this.repository.phaseOutsOf(manager, [key]), wanted.phaseOuts, "input.phaseOuts");
    for (const period of [...periods.retracted, ...phaseOuts.retracted]) await manager.update(CategoryPeriodEntity, { id: period.id }, { retractedAt: now });
    for (const [added, phaseOut] of [[periods.added, false], [phaseOuts.added, true]] as const) {
      for (const p of added) await manager.insert(CategoryPeriodEntity, { beneficiaryId: key, category: p.category, fromDate: p.from, toDate: p.to, phaseOut, recordedAt: now, retractedAt: null });
    }
    const applications = mergeApplications(await this.repository.applicationsOf(manager, [key]), wanted.applications);
    for (const a of applications.retracted) await manager.update(ApplicationEntity, { id: a.id }, { retractedAt: now });
    for (const a of applications.added) await manager.insert(ApplicationEntity, { beneficiaryId: key, program: a.program, date: a.date, status: a.status, decidedOn: a.decidedOn, recordedAt: now, retractedAt: null });

    // The earliest date the change can reach: added periods, applications' years (an approval
    // recorded late, whatever its date, grants the programme for its application's year).
    const changedDates = [...periods.added.map((p) => p.from), ...phaseOuts.added.map((p) => p.from), ...applications.added.map(applicationReach)].sort();
    if (existing && changedDates.length > 0) await this.recordChanged(manager, principal, key, changedDates[0], wanted.confirmReversal);

    await this.audit.record(manager, principal.keyId, existing ? "beneficiary.update" : "beneficiary.create", "beneficiary", key, {
      changedFields,
      addedPeriods: periods.added.map((p) => `${p.category}|${p.from}|${p.to ?? ""}`),
      extendedPeriods: periods.retracted.map((p) => p.id),
      addedPhaseOuts: phaseOuts.added.map((p) => `${p.category}|${p.from}|${p.to ?? ""}`),
      extendedPhaseOuts: phaseOuts.retracted.map((p) => p.id),
      addedApplications: applications.added.map((a) => `${a.program}|${a.date}|${a.status}|${a.decidedOn ?? ""}`),
      decidedApplications: applications.retracted.map((a) => a.id),
    });
    return (await this.repository.findById(manager, key))!;
  }

  private async insert(manager: EntityManager, key: string, wanted: BeneficiaryChanges, now: string): Promise<string[]> {
    if (wanted.name === undefined) throw new DomainError("INVALID_INPUT", "input.name", "input.name: 新登记的受助人须有姓名 / a new beneficiary needs a name");
    await manager.insert(BeneficiaryEntity, { id: key, jurisdiction: wanted.jurisdiction, name: wanted.name, nationalId: wanted.nationalId ?? null, township: wanted.township ?? null, settleLock: 0, createdAt: now, updatedAt: now });
    return [];
  }

  /** Writes the fields the input gives that differ from the stored ones; returns their names (never the values). */
  private async updateFields(manager: EntityManager, existing: BeneficiaryEntity, wanted: BeneficiaryChanges, now: string): Promise<string[]> {
    const given = { name: wanted.name, nationalId: wanted.nationalId, township: wanted.township };
    const changes = Object.fromEntries(Object.entries(given).filter(([field, value]) => value !== undefined && value !== existing[field as keyof typeof given]));
    if (Object.keys(changes).length > 0) await manager.update(BeneficiaryEntity, { id: existing.id }, { ...changes, updatedAt: now });
    return Object.keys(changes);
  }

  /**
   * Ends a standing category period on `to`, or removes it (`to` null: certified in error). The
   * period is retracted, not deleted, and an ended one recorded in its place; the years it reaches
   * are settled again, refused (WOULD_REVERSE_PAID) when that takes back money unless confirmed.
   */
  endPeriod(principal: Principal, input: CategoryPeriodEnd): Promise<BeneficiaryEntity> {
    principal.requireRole(...RECORD_KEEPERS);
    if (!isCategory(input.category)) throw new DomainError("UNKNOWN_CATEGORY", "input.category", `input.category: 未知身份类别 / unknown category ${JSON.stringify(input.category)}`);
    const from = dateField(input.from, "input.from");
    const to = input.to === null ? null : dateField(input.to, "input.to");
    if (to !== null && to < from) throw new DomainError("INVALID_DATE", "input.to", "input.to: 结束日期早于开始日期 / ends before it starts");
    const reason = readReason(input.reason);
    return this.transactions.run(async (manager) => {
      const beneficiary = await this.lockVisible(manager, principal, input.beneficiaryId, input.jurisdiction);
      const period = (await this.repository.periodsOf(manager, [beneficiary.id])).find((p) => p.category === input.category && p.fromDate === from);
      if (!period) throw notFound("category period", `${input.category} ${from}`, "input.from");
      if (to !== null && period.toDate !== null && to >= period.toDate) {
        throw new DomainError("INVALID_INPUT", "input.to", `input.to: 该身份已登记至 ${period.toDate}，只能提前结束；延长请用 upsertBeneficiary / the period already ends on ${period.toDate}: ending moves it earlier (extend with upsertBeneficiary)`);
      }
      const now = nowIso();
      await manager.update(CategoryPeriodEntity, { id: period.id }, { retractedAt: now });
      if (to !== null) await manager.insert(CategoryPeriodEntity, { beneficiaryId: beneficiary.id, category: period.category, fromDate: from, toDate: to, recordedAt: now, retractedAt: null });
      await this.recordChanged(manager, principal, beneficiary.id, from, input.confirmReversal === true);
      await this.audit.record(manager, principal.keyId, to === null ? "beneficiary.period.remove" : "beneficiary.period.end", "beneficiary", beneficiary.id, {
        periodId: period.id,
        category: period.category,
        from,
        to: period.toDate,
        endsOn: to,
        reason,
      });
      return (await this.repository.findById(manager, beneficiary.id))!;
    });
  }

  /**
   * Removes an application recorded in error (the row is kept, retracted); the years it reaches are
   * settled again, refused (WOULD_REVERSE_PAID) when that takes back money unless confirmed.
   */
  removeApplication(principal: Principal, input: ApplicationRemoval): Promise<BeneficiaryEntity> {
    principal.requireRole(...RECORD_KEEPERS);
    const date = dateField(input.date, "input.date");
    const reason = readReason(input.reason);
    return this.transactions.run(async (manager) => {
      const beneficiary = await this.lockVisible(manager, principal, input.beneficiaryId, input.jurisdiction);
      const application = (await this.repository.applicationsOf(manager, [beneficiary.id])).find((a) => a.program === input.program && a.date === date);
      if (!application) throw notFound("application", `${input.program} ${date}`, "input.date");
      await manager.update(ApplicationEntity, { id: application.id }, { retractedAt: nowIso() });
      await this.recordChanged(manager, principal, beneficiary.id, applicationReach(application), input.confirmReversal === true);
      await this.audit.record(manager, principal.keyId, "beneficiary.application.remove", "beneficiary", beneficiary.id, { applicationId: application.id, program: application.program, date, reason });
      return (await this.repository.findById(manager, beneficiary.id))!;
    });
  }

  /** A beneficiary the caller means and may see, under its lock for the rest of the transaction; or NOT_FOUND. */
  private async lockVisible(manager: EntityManager, principal: Principal, id: string, jurisdiction?: string | null): Promise<BeneficiaryEntity> {
    const beneficiary = await this.get(principal, id, jurisdiction, "input.beneficiaryId", "input.jurisdiction", manager);
    await this.repository.lock(manager, beneficiary.id);
    return beneficiary;
  }

  private async recordChanged(manager: EntityManager, principal: Principal, beneficiaryId: string, earliestChange: string, confirmReversal: boolean): Promise<void> {
    for (const hook of this.afterRecordChange) await hook(manager, principal, beneficiaryId, earliestChange, confirmReversal);
  }

  /**
   * The beneficiary a caller means by its id (in `jurisdiction` when given, else in the key's
   * jurisdictions), or NOT_FOUND: another jurisdiction's same id answers as a missing one.
   */
  async get(principal: Principal, id: string, jurisdiction?: string | null, field = "id", jurisdictionField = "jurisdiction", manager: EntityManager = this.dataSource.manager): Promise<BeneficiaryEntity> {
    const found = await this.repository.findByIds(manager, this.keysFor(principal, id, jurisdiction));
    const entity = onlyOne(found, "beneficiary", id, jurisdictionField);
    if (!entity) throw notFound("beneficiary", id, field);
    return entity;
  }

  /** The stored keys a caller's id can stand for (see tenant-ids). */
  keysFor(principal: Principal, id: string, jurisdiction?: string | null): string[] {
    return candidateKeys(principal, id, this.packs.jurisdictions(), jurisdiction);
  }

  /** The engine's view of a stored beneficiary. */
  async engineBeneficiary(manager: EntityManager, id: string): Promise<Beneficiary> {
    const [periods, applications, phaseOuts] = await Promise.all([this.repository.periodsOf(manager, [id]), this.repository.applicationsOf(manager, [id]), this.repository.phaseOutsOf(manager, [id])]);
    return toEngineBeneficiary(id, periods, applications, phaseOuts);
  }

  /** A page of the beneficiaries the caller may see. */
  page(principal: Principal, query: Omit<BeneficiaryPageQuery, "jurisdictions">): Promise<BeneficiaryEntity[]> {
    return this.repository.page(this.dataSource.manager, { ...query, jurisdictions: principal.visibleJurisdictions });
  }
}
