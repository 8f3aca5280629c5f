/**
 * Rule governance: administrators publish a new version of a jurisdiction's pack (checked against
 * the schema and the jurisdiction's scenarios), preview what it would change on stored claims,
 * activate it atomically, and roll it back. Every step is in the audit log.
 */
import type { DataSource, EntityManager } from "typeorm";
import { compilePack, type CompiledPack } from "../engine/compiled-pack";
import { checkPackScenarios } from "../scenario/pack-scenarios";
import type { RulePackDocument } from "../engine/pack-document";
import { amountOf } from "../engine/plan-year";
import { TIERS_AND_SELF_PAY } from "../engine/vocabulary";
import type { Scenario } from "../scenario/scenario";
import { DomainError, notFound } from "../lib/errors";
import { yieldToEventLoop } from "../lib/event-loop";
import type { Beneficiary } from "../engine/types";
import type { HouseholdUnits, YearRange } from "../settlement/settlement.repository";
import { addRefusal, addToTotals, emptyPart, emptyTotals, mergePart, previewOf, toChanges, type PackPreview, type PreviewPart } from "./preview-part";
import { nowIso, type TransactionRunner } from "../lib/db";
import { projectPath } from "../lib/project";
import { AuditEntryEntity } from "../access/access.entity";
import type { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { partnerId } from "../access/tenant-ids";
import type { SettlementService } from "../settlement/settlement.service";
import { RulePackVersionEntity } from "./rule-pack-version.entity";
import type { RulePackService } from "./rule-pack.service";

export interface PublishReport {
  version: RulePackVersionEntity;
  scenariosChecked: number;
  scenariosReplaced: string[];
}



function readAttachedScenario(raw: unknown, index: number): Scenario {
  const scenario = raw as Scenario;
  if (!scenario || typeof scenario !== "object" || typeof scenario.name !== "string" || typeof scenario.pack !== "string" || !Array.isArray(scenario.claims)) {
    throw new DomainError("INVALID_INPUT", `scenarios[${index}]`, `scenarios[${index}]: 不是情景文件 / not a scenario (needs name, pack, beneficiary, claims)`);
  }
  return scenario;
}

/** Work that follows an activation that changed the active versions (the 补差 re-settlement jobs). */
export type AfterActivation = (principal: Principal, packId: string, version: number) => Promise<unknown>;

export class RuleGovernanceService {
  /** Run after an activation that changed something has committed and this instance refreshed. */
  readonly afterActivation: AfterActivation[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    private readonly settlements: SettlementService,
    private readonly audit: AuditService,
    private readonly scenariosDir: string = projectPath("test", "scenarios"),
  ) {}

  /**
   * Publishes a version as a DRAFT after every check: the schema, the rules build, references
   * resolve, and the jurisdiction's scenarios pass (attached scenarios replace stored ones of the
   * same name). Publishing the same document again returns the stored version.
   */
  async publish(principal: Principal, document: unknown, attached: unknown[] = []): Promise<PublishReport> {
    principal.requireRole("ADMIN");
    const scenarios = attached.map(readAttachedScenario);
    const pack = await compilePack(document, "document");
    const report = checkPackScenarios(pack, this.scenariosDir, scenarios);
    if (report.failures.length > 0) {
      throw new DomainError("INVALID_PACK", "scenarios", `规则包未通过情景测试 / ${report.failures.length} scenario check(s) fail under ${pack.id} v${pack.version}`, report.failures);
    }
    const packDocument = document as RulePackDocument;
    const version = await this.transactions.run(async (manager) => {
      const existing = await manager.findOneBy(RulePackVersionEntity, { packId: pack.id, version: pack.version });
      if (existing) {
        if (existing.hash === pack.hash) return existing;
        throw new DomainError("CONFLICT", "document.version", `document.version: ${pack.id} 第 ${pack.version} 版已发布且内容不同；已发布的版本不可修改，请使用新版本号 / a published version never changes: use a new version number`);
      }
      const entity: RulePackVersionEntity = {
        packId: pack.id,
        version: pack.version,
        document: JSON.stringify(document),
        hash: pack.hash,
        status: "DRAFT",
        inForceFrom: packDocument.inForce.appliesFrom,
        inForceTo: packDocument.inForce.to,
        publishedBy: principal.keyId,
        publishedAt: nowIso(),
        activatedAt: null,
        retiredBy: null,
        retiredAt: null,
        scenarios: scenarios.length ? JSON.stringify(scenarios) : null,
      };
      await manager.insert(RulePackVersionEntity, entity);
      await this.audit.record(manager, principal.keyId, "rulepack.publish", "rule_pack", `${pack.id}@${pack.version}`, { hash: pack.hash, scenariosChecked: report.checked, scenariosReplaced: report.replaced });
      return entity;
    });
    return { version, scenariosChecked: report.checked, scenariosReplaced: report.replaced };
  }

  /**
   * What a version would change on stored claims: every stored year of the jurisdiction that the
   * version's dates reach is settled again under it; nothing is written. Done chunk by chunk of
   * households, each in its own read-only snapshot, merging each chunk's part as a job does (the
   * job is the way for a large jurisdiction: `startPreviewJob`).
   */
  async preview(principal: Principal, packId: string, version: number): Promise<PackPreview> {
    principal.requireRole("ADMIN");
    const draft = await this.draftOf(packId, version);
    const whole = emptyPart();
    for (let after: string | null = null; ; ) {
      const page: HouseholdUnits[] = await this.transactions.readOnly((manager) => this.previewHouseholds(manager, draft, after, PREVIEW_PAGE_HOUSEHOLDS));
      if (page.length === 0) break;
      mergePart(whole, await this.previewChunk(principal, draft, page[0].beneficiaryId, page[page.length - 1].beneficiaryId));
      after = page[page.length - 1].beneficiaryId;
    }
    const preview = previewOf(packId, version, whole);
    await this.recordPreview(principal.keyId, preview);
    return preview;
  }

  /** The version a preview settles with (NOT_FOUND when it was never published). */
  async draftOf(packId: string, version: number): Promise<CompiledPack> {
    const entity = await this.dataSource.getRepository(RulePackVersionEntity).findOneBy({ packId, version });
    if (!entity) throw notFound("rule pack version", `${packId}@${version}`);
    return this.packs.version(packId, version);
  }

  /** A page of the households a preview of `draft` examines, in key order: how it is cut into chunks. */
  previewHouseholds(manager: EntityManager, draft: CompiledPack, after: string | null, limit: number): Promise<HouseholdUnits[]> {
    return this.settlements.repository.householdsSettledUnder(manager, draft.id, yearsReached(draft), after, limit);
  }

  /**
   * The preview of the households in a key range (both ends included), in one read-only snapshot,
   * letting the event loop answer other requests between households.
   */
  previewChunk(principal: Principal, draft: CompiledPack, first: string, last: string): Promise<PreviewPart> {
    return this.transactions.readOnly(async (manager) => {
      const groups = await this.settlements.repository.yearsSettledUnder(manager, draft.id, yearsReached(draft), first, last);
      // The households' records in one batch: with a remote registry, one request per 100 people, not one per household-year.
      const people = await this.settlements.recordsOf(principal, [...new Set(groups.map((group) => group.beneficiaryId))], manager);
      const part = emptyPart();
      for (const group of groups) {
        await yieldToEventLoop();
        await this.previewYear(manager, principal, draft, group, people.get(group.beneficiaryId)?.beneficiary, part);
      }
      return part;
    });
  }

  /** Adds one household's year, settled again under `draft`, to a part. */
  private async previewYear(manager: EntityManager, principal: Principal, draft: CompiledPack, group: { beneficiaryId: string; year: number }, beneficiary: Beneficiary | undefined, part: PreviewPart): Promise<void> {
    const { beneficiaryId, year } = group;
    part.householdsExamined++;
    try {
      // A person the registry no longer knows is refused (NOT_FOUND) by planStoredYear's own lookup.
      const plan = await this.settlements.planStoredYear(manager, principal, beneficiaryId, year, { packs: "recorded", draft, beneficiary });
      const householdTotals = emptyTotals();
      for (const step of plan.settlements) {
        if (!step.current) continue;
        part.settlementsExamined++;
        let changed = false;
        for (const tier of TIERS_AND_SELF_PAY) {
          const before = amountOf(step.current, tier);
          const after = amountOf(step.settlement!, tier);
          if (!before.equals(after)) changed = true;
          addToTotals(part.totals, tier, before, after);
          addToTotals(householdTotals, tier, before, after);
        }
        if (changed) part.settlementsChanged++;
      }
      const changes = toChanges(householdTotals);
      const selfPay = householdTotals.get("selfPay")!;
      if (changes.length) part.largest.push({ beneficiaryId: partnerId(beneficiaryId), year, selfPayChange: selfPay.after.minus(selfPay.before), tierChanges: changes });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      addRefusal(part, { claimId: `${partnerId(beneficiaryId)}/${year}`, code: error.code, message: error.message });
    }
  }

  /** Who previewed what, with what result, in the audit log (in the caller's transaction when given). */
  recordPreview(actor: string, preview: PackPreview, transaction?: EntityManager): Promise<void> {
    return this.transactions.joinOrRun(transaction, (manager) => this.audit.record(manager, actor, "rulepack.preview", "rule_pack", `${preview.packId}@${preview.version}`, { settlementsChanged: preview.settlementsChanged, householdsExamined: preview.householdsExamined }));
  }

  /**
   * Activates a version, atomically: it becomes ACTIVE and retires the active versions of the same
   * pack whose dates it covers. Settlements in progress finish under the version they hold; every
   * instance picks the change up at its next refresh.
   */
  async activate(principal: Principal, packId: string, version: number): Promise<RulePackVersionEntity> {
    principal.requireRole("ADMIN");
    const activated = await this.transactions.run(async (manager) => {
      const target = await manager.findOneBy(RulePackVersionEntity, { packId, version });
      if (!target) throw notFound("rule pack version", `${packId}@${version}`);
      if (target.status === "ACTIVE") return { entity: target, changed: false };
      const now = nowIso();
      const active = await manager.findBy(RulePackVersionEntity, { packId, status: "ACTIVE" });
      const retired: number[] = [];
      for (const other of active) {
        const covered = other.inForceFrom >= target.inForceFrom && (target.inForceTo === null || (other.inForceTo !== null && other.inForceTo <= target.inForceTo));
        if (!covered) continue;
        await manager.update(RulePackVersionEntity, { packId, version: other.version }, { status: "RETIRED", retiredBy: version, retiredAt: now });
        retired.push(other.version);
      }
      await manager.update(RulePackVersionEntity, { packId, version }, { status: "ACTIVE", activatedAt: now, retiredBy: null, retiredAt: null });
      await this.audit.record(manager, principal.keyId, "rulepack.activate", "rule_pack", `${packId}@${version}`, { retired });
      return { entity: (await manager.findOneBy(RulePackVersionEntity, { packId, version }))!, changed: true };
    });
    await this.packs.refresh();
    if (activated.changed) for (const hook of this.afterActivation) await hook(principal, packId, version);
    return activated.entity;
  }

  /** Re-activates the versions the latest activation of a pack retired, and retires that one. */
  async rollback(principal: Principal, packId: string): Promise<RulePackVersionEntity[]> {
    principal.requireRole("ADMIN");
    const restored = await this.transactions.run(async (manager) => {
      const active = (await manager.findBy(RulePackVersionEntity, { packId, status: "ACTIVE" })).sort((a, b) => (a.activatedAt === b.activatedAt ? b.version - a.version : (b.activatedAt ?? "") < (a.activatedAt ?? "") ? -1 : 1));
      const latest = active[0];
      if (!latest) throw notFound("active rule pack", packId);
      const previous = await manager.findBy(RulePackVersionEntity, { packId, status: "RETIRED", retiredBy: latest.version });
      if (previous.length === 0) throw new DomainError("CONFLICT", "id", `id: ${packId} 第 ${latest.version} 版没有可恢复的上一版本 / there is no earlier version to roll back to`);
      const now = nowIso();
      await manager.update(RulePackVersionEntity, { packId, version: latest.version }, { status: "RETIRED", retiredAt: now, retiredBy: null });
      for (const version of previous) await manager.update(RulePackVersionEntity, { packId, version: version.version }, { status: "ACTIVE", activatedAt: now, retiredBy: null, retiredAt: null });
      await this.audit.record(manager, principal.keyId, "rulepack.rollback", "rule_pack", `${packId}@${latest.version}`, { restored: previous.map((v) => v.version) });
      return manager.findBy(RulePackVersionEntity, { packId, status: "ACTIVE" });
    });
    await this.packs.refresh();
    return restored;
  }

  /** A page of the audit log, newest first (ADMIN). */
  async auditLog(principal: Principal, limit: number, beforeId?: number): Promise<AuditEntryEntity[]> {
    principal.requireRole("ADMIN");
    const builder = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder("a").orderBy("a.id", "DESC").take(limit + 1);
    if (beforeId !== undefined) builder.where("a.id < :beforeId", { beforeId });
    return builder.getMany();
  }
}

/** The natural years the pack's dates reach. */
export function yearsReached(pack: CompiledPack): YearRange {
  const { appliesFrom, to } = pack.document.inForce;
  return { from: Number(appliesFrom.slice(0, 4)), to: to === null ? 9999 : Number(to.slice(0, 4)) };
}

/** Households a synchronous preview reads per chunk. */
const PREVIEW_PAGE_HOUSEHOLDS = 50;
