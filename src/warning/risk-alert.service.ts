/**
 * Risk alerts (预警监测): raised in a settlement's transaction when it makes a person's yearly
 * burden cross a threshold of the pack's early-warning rules; listed and acknowledged by case
 * workers; sent to subscribed partners.
 */
import type { DataSource, EntityManager } from "typeorm";
import { groupBy } from "../lib/collections";
import { DomainError, notFound } from "../lib/errors";
import { formatAmount } from "../lib/money";
import { nowIso, transactionsOf } from "../lib/db";
import { raisedAlerts } from "../engine/early-warning";
import { clauseText } from "../engine/citation";
import type { Settlement, Tier } from "../engine/types";
import type { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { partnerId } from "../access/tenant-ids";
import type { RulePackService } from "../rules/rule-pack.service";
import type { WebhookService } from "../webhooks/webhook.service";
import type { SettlementEntity } from "../settlement/settlement.entity";
import { SettlementRepository } from "../settlement/settlement.repository";
import type { ClaimEntity } from "../claim/claim.entity";
import { RiskAlertEntity } from "./risk-alert.entity";
import type { SettledBill } from "../settlement/settlement.service";
import type { CompiledPack } from "../engine/compiled-pack";
import { householdYearKey } from "../settlement/stored-year";

export class RiskAlertService {
  private readonly settlements = new SettlementRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly packs: RulePackService,
    private readonly webhooks: WebhookService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Raises the alerts the settlements of bills cause; called in their transaction with the bills in
   * settlement order. A household's year is read once however many of its bills were settled, and
   * each bill is judged against the bills before it, as if they had been settled one by one.
   */
  async afterSettlement(manager: EntityManager, bills: readonly SettledBill[]): Promise<void> {
    for (const ofYear of groupBy(bills, (bill) => householdYearKey(bill.claim.beneficiaryId, bill.claim.year)).values()) await this.afterYear(manager, ofYear);
  }

  private async afterYear(manager: EntityManager, bills: readonly SettledBill[]): Promise<void> {
    // The pack decides first: a pack without warning rules needs nothing read.
    const known = bills.map((bill) => bill.settlement).filter((s): s is SettlementEntity => s !== null);
    if (known.length === bills.length && !(await this.anyWarnings(known))) return;
    const { beneficiaryId, year } = bills[0].claim;
    const settlements = await this.settlements.currentOfYear(manager, beneficiaryId, year);
    const lines = groupBy(await this.settlements.tierAmountsOf(manager, settlements.map((s) => s.id)), (l) => l.settlementId);
    const view = (s: SettlementEntity): Settlement =>
      ({ total: s.total, date: s.date, category: s.category, lines: (lines.get(s.id) ?? []).map((l) => ({ tier: l.tier as Tier, amount: l.amount })) }) as unknown as Settlement;
    const later = new Set(bills.map((bill) => bill.claim.id));
    for (const { claim } of bills) {
      later.delete(claim.id);
      const current = settlements.find((s) => s.claimId === claim.id);
      if (!current) continue;
      const pack = await this.packs.version(current.packId, current.packVersion);
      if (!pack.warnings) continue;
      const earlier = settlements.filter((s) => s !== current && !later.has(s.claimId));
      await this.raise(manager, claim, current, pack, raisedAlerts(pack.warnings, pack.parameters, earlier.map(view), view(current)).raised);
    }
  }

  private async anyWarnings(settlements: readonly SettlementEntity[]): Promise<boolean> {
    for (const s of settlements) if ((await this.packs.version(s.packId, s.packVersion)).warnings) return true;
    return false;
  }

  private async raise(manager: EntityManager, claim: ClaimEntity, current: SettlementEntity, pack: CompiledPack, raised: ReturnType<typeof raisedAlerts>["raised"]): Promise<void> {
    for (const alert of raised) {
      if (await manager.findOneBy(RiskAlertEntity, { beneficiaryId: claim.beneficiaryId, year: claim.year, ruleId: alert.ruleId })) continue;
      const entity = await manager.save(RiskAlertEntity, {
        beneficiaryId: claim.beneficiaryId,
        jurisdiction: claim.jurisdiction,
        year: claim.year,
        ruleId: alert.ruleId,
        clause: clauseText(pack.document.source.document, alert.clause) ?? alert.clause,
        label: alert.label.slice(0, 400),
        category: current.category,
        threshold: alert.threshold,
        burden: alert.burdenAfter,
        claimId: claim.id,
        status: "OPEN",
        raisedAt: nowIso(),
        acknowledgedBy: null,
        acknowledgedAt: null,
        note: null,
      });
      await this.webhooks.enqueue(manager, "risk_alert.raised", claim.jurisdiction, {
        alertId: entity.id,
        beneficiaryId: partnerId(entity.beneficiaryId),
        year: entity.year,
        ruleId: entity.ruleId,
        clause: entity.clause,
        threshold: formatAmount(entity.threshold),
        burden: formatAmount(entity.burden),
        claimId: partnerId(entity.claimId),
      });
    }
  }

  /** Alerts the caller may see, newest first. */
  async list(principal: Principal, query: { jurisdiction?: string | null; status?: string | null; limit: number; beforeId?: number }): Promise<RiskAlertEntity[]> {
    const builder = this.dataSource.getRepository(RiskAlertEntity).createQueryBuilder("a").orderBy("a.id", "DESC").take(query.limit + 1);
    const visible = principal.visibleJurisdictions;
    if (visible) builder.andWhere("a.jurisdiction IN (:...visible)", { visible: visible.length ? visible : ["-"] });
    if (query.jurisdiction) builder.andWhere("a.jurisdiction = :jurisdiction", { jurisdiction: query.jurisdiction });
    if (query.status) builder.andWhere("a.status = :status", { status: query.status });
    if (query.beforeId !== undefined) builder.andWhere("a.id < :beforeId", { beforeId: query.beforeId });
    return builder.getMany();
  }

  /** A case worker acknowledges an alert (PARTNER for its jurisdictions, ADMIN); once. */
  async acknowledge(principal: Principal, id: number, note: string): Promise<RiskAlertEntity> {
    principal.requireRole("PARTNER", "ADMIN");
    return transactionsOf(this.dataSource).run(async (manager) => {
      const alert = await manager.findOneBy(RiskAlertEntity, { id });
      if (!alert || !principal.canSee(alert.jurisdiction)) throw notFound("risk alert", String(id));
      if (alert.status === "ACKNOWLEDGED") {
        if (alert.acknowledgedBy === principal.keyId && (alert.note ?? "") === note.slice(0, 400)) return alert;
        throw new DomainError("CONFLICT", "id", `预警 ${id} 已于 ${alert.acknowledgedAt} 确认 / alert ${id} was already acknowledged`);
      }
      const changes = { status: "ACKNOWLEDGED", acknowledgedBy: principal.keyId, acknowledgedAt: nowIso(), note: note.slice(0, 400) };
      await manager.update(RiskAlertEntity, { id }, changes);
      await this.audit.record(manager, principal.keyId, "risk_alert.acknowledge", "risk_alert", String(id), { note });
      return { ...alert, ...changes };
    });
  }
}
