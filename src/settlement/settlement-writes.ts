/**
 * What settling stores, gathered before it is written: the rows of every plan a transaction settles
 * (one bill, a household's replayed year, or a batch of thousands of bills), written afterwards in
 * multi-row statements by SettlementService.flush — the one writer of settlements.
 */
import { randomUUID } from "node:crypto";
import { assertNoViolations, settlementViolations } from "../invariants/money-invariants";
import type { AuditEntry } from "../access/audit.service";
import type { BeneficiaryRecord } from "../beneficiary/beneficiary-source";
import type { ClaimEntity } from "../claim/claim.entity";
import type { Settlement, YearToDate } from "../engine/types";
import type { AdjustmentEntity, SettlementCause, SettlementEntity, SettlementLineEntity } from "./settlement.entity";
import { householdYearKey, type StoredYearPlan } from "./stored-year";
import type { WrittenSettlement } from "./settlement-events";

/** Why a plan's changed settlements are stored, and by whom. */
export interface PlanCause {
  /** For settlements that supersede others (a first settlement is INITIAL). */
  cause: SettlementCause;
  text: string;
  actor: string;
}

export type LineRow = Omit<SettlementLineEntity, "id">;
export type AdjustmentRow = Omit<AdjustmentEntity, "id">;

export class SettlementWrites {
  /** New claims, stored already settled. */
  readonly claims: ClaimEntity[] = [];
  /** Stored claims settled now for the first time. */
  readonly settledClaimIds: string[] = [];
  readonly settlements: SettlementEntity[] = [];
  readonly lines: LineRow[] = [];
  readonly adjustments: AdjustmentRow[] = [];
  /** Settlements superseded by new ones. */
  readonly superseded: string[] = [];
  /** The accounts of the years planned, one per household and year (the last plan's wins). */
  readonly accounts = new Map<string, YearToDate>();
  readonly audit: AuditEntry[] = [];
  /** The settlements written, in the order written (events keep it per household). */
  readonly written: WrittenSettlement[] = [];
  /** The settlement written for a claim, by claim id. */
  readonly byClaim = new Map<string, SettlementEntity>();
  /** The request index of each new bill's claim (a batch's answers), by claim id. */
  readonly indexOf = new Map<string, number>();
  /** The lines written, by settlement id (answers need no read-back). */
  readonly linesOf = new Map<string, LineRow[]>();

  constructor(readonly now: string) {}

  /** Gathers what a plan changed; `record` is the household as settling read it (its event needs no second read). */
  addPlan(plan: StoredYearPlan, cause: PlanCause, record: BeneficiaryRecord | null): void {
    for (const step of plan.settlements) {
      if (!step.changed) continue;
      const claim = step.bill.entity;
      const replaced = step.current?.row ?? null;
      const entity = this.addSettlement(step.settlement!, replaced ? cause.cause : "INITIAL", replaced?.id ?? null);
      this.written.push({ entity, settlement: step.settlement!, claim, record });
      if (!replaced) continue;
      this.superseded.push(replaced.id);
      const text = cause.text.slice(0, 120);
      for (const adjustment of step.adjustments) this.adjustments.push({ claimId: claim.id, fromSettlementId: replaced.id, toSettlementId: entity.id, ...adjustment, cause: text, createdAt: this.now });
      this.audit.push({ actor: cause.actor, action: "settlement.adjust", subjectType: "claim", subjectId: claim.id, detail: { from: replaced.id, to: entity.id, cause: cause.text } });
    }
    for (const account of plan.accounts) this.accounts.set(householdYearKey(account.beneficiaryId, account.year), account);
  }

  private addSettlement(settlement: Settlement, cause: SettlementCause, supersedesId: string | null): SettlementEntity {
    const entity: SettlementEntity = {
      id: randomUUID(),
      claimId: settlement.claimId,
      beneficiaryId: settlement.beneficiaryId,
      year: settlement.year,
      date: settlement.date,
      packId: settlement.packId,
      packVersion: settlement.packVersion,
      category: settlement.category,
      categoriesHeld: settlement.categoriesHeld.join(","),
      total: settlement.total,
      policyScope: settlement.policyScope,
      selfPay: settlement.selfPay,
      status: "CURRENT",
      cause,
      supersedesId,
      settledAt: this.now,
    };
    assertNoViolations(settlementViolations({ id: entity.id, total: entity.total, selfPay: entity.selfPay, lines: settlement.lines }));
    const lines = settlement.lines.map((line, position): LineRow => ({
      settlementId: entity.id,
      position,
      tier: line.tier,
      amount: line.amount,
      source: line.source,
      ruleId: line.ruleId,
      packId: line.packId,
      packVersion: line.packVersion,
      clauseDocument: line.citation?.document ?? null,
      clause: line.citation?.clause ?? null,
      formula: line.formula,
      figures: JSON.stringify(line.figures),
      reason: line.reason,
      note: line.note.slice(0, 400),
      category: line.category ?? null,
      provisional: line.provisional === true,
      missingParameters: line.missingParameters?.join(",") ?? null,
      accountYear: line.accountYear ?? null,
    }));
    this.settlements.push(entity);
    this.lines.push(...lines);
    this.linesOf.set(entity.id, lines);
    this.byClaim.set(settlement.claimId, entity);
    return entity;
  }
}
