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

export class RiskAlertService {
  private readonly settlements = new SettlementRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly packs: RulePackService,
    private readonly webhooks: WebhookService,
    private readonly audit: AuditService,
  ) {}

  /** Raises the alerts a claim's settlement causes; called in the settlement's transaction. */
  async afterSettlement(manager: EntityManager, claim: ClaimEntity): Promise<void> {
    const settlements = await this.settlements.currentOfYear(manager, claim.beneficiaryId, claim.year);
    const current = settlements.find((s) => s.claimId === claim.id);
    if (!current) return;
    const pack = await this.packs.version(current.packId, current.packVersion);
    if (!pack.warnings) return;
    // Only the columns the burden needs, grouped by settlement: a year of n bills costs O(n), not O(n²).
    const lines = groupBy(await this.settlements.tierAmountsOf(manager, settlements.map((s) => s.id)), (l) => l.settlementId);
    const view = (s: SettlementEntity): Settlement =>
      ({ total: s.total, date: s.date, category: s.category, lines: (lines.get(s.id) ?? []).map((l) => ({ tier: l.tier as Tier, amount: l.amount })) }) as unknown as Settlement;
    const { raised } = raisedAlerts(pack.warnings, pack.parameters, settlements.filter((s) => s !== current).map(view), view(current));
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
