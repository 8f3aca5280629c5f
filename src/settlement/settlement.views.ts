/**
 * Turning stored rows and engine results into the GraphQL settlement types.
 */
import type { Settlement as EngineSettlement, SettlementLine as EngineLine } from "../engine/types";
import type { SettlementEntity, SettlementLineEntity } from "./settlement.entity";
import type { Settlement, SettlementLine } from "./settlement.types";
import { partnerId } from "../access/tenant-ids";
import { citationText, clauseText } from "../engine/citation";
import type { Tier } from "../engine/vocabulary";

/** The tiers a settlement leaves pending (staged settlement): its lines marked PENDING. */
export function pendingTiers(lines: ReadonlyArray<{ tier: string; reason: string | null }>): Tier[] {
  return lines.filter((line) => line.reason === "PENDING").map((line) => line.tier as Tier);
}

export function storedLineView(line: Omit<SettlementLineEntity, "id">): SettlementLine {
  return {
    tier: line.tier,
    amount: line.amount,
    source: line.source,
    ruleId: line.ruleId,
    packId: line.packId,
    packVersion: line.packVersion,
    clause: clauseText(line.clauseDocument, line.clause),
    formula: line.formula,
    figures: JSON.parse(line.figures) as Record<string, string>,
    reason: line.reason,
    note: line.note,
    category: line.category,
    provisional: line.provisional,
    missingParameters: line.missingParameters ? line.missingParameters.split(",") : [],
  };
}

export function engineLineView(line: EngineLine): SettlementLine {
  return {
    tier: line.tier,
    amount: line.amount,
    source: line.source,
    ruleId: line.ruleId,
    packId: line.packId,
    packVersion: line.packVersion,
    clause: citationText(line.citation),
    formula: line.formula,
    figures: line.figures,
    reason: line.reason,
    note: line.note,
    category: line.category ?? null,
    provisional: line.provisional === true,
    missingParameters: line.missingParameters ?? [],
  };
}

export function storedSettlementView(entity: SettlementEntity): Settlement {
  return {
    id: entity.id,
    claimId: partnerId(entity.claimId),
    beneficiaryId: partnerId(entity.beneficiaryId),
    year: entity.year,
    date: entity.date,
    packId: entity.packId,
    packVersion: entity.packVersion,
    category: entity.category,
    categoriesHeld: entity.categoriesHeld ? entity.categoriesHeld.split(",") : [],
    total: entity.total,
    policyScope: entity.policyScope,
    selfPay: entity.selfPay,
    status: entity.status,
    cause: entity.cause,
    settledAt: entity.settledAt,
  };
}

export function simulatedSettlementView(settlement: EngineSettlement): Settlement {
  return {
    id: null,
    claimId: partnerId(settlement.claimId),
    beneficiaryId: partnerId(settlement.beneficiaryId),
    year: settlement.year,
    date: settlement.date,
    packId: settlement.packId,
    packVersion: settlement.packVersion,
    category: settlement.category,
    categoriesHeld: settlement.categoriesHeld,
    total: settlement.total,
    policyScope: settlement.policyScope,
    selfPay: settlement.selfPay,
    status: "SIMULATED",
    cause: "SIMULATED",
    settledAt: null,
    inlineLines: settlement.lines.map(engineLineView),
  };
}
