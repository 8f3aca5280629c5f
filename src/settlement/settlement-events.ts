/**
 * Settlements' side of the settlement.recorded event (src/outbox/settlement-recorded.ts): built from
 * what a settlement just wrote and the household as the registry has it now, appended to the outbox
 * in the settlement's transaction, and a kick for the consumers once it commits.
 */
import type { EntityManager } from "typeorm";
import { afterCommit } from "../lib/db";
import { formatAmount } from "../lib/money";
import { citationText } from "../engine/citation";
import { categoriesOn } from "../engine/settle";
import type { Beneficiary, Settlement } from "../engine/types";
import type { Outbox } from "../outbox/outbox";
import { SETTLEMENT_RECORDED, type SettlementRecorded } from "../outbox/settlement-recorded";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryService } from "../beneficiary/beneficiary.service";
import type { ClaimEntity } from "../claim/claim.entity";
import type { SettlementEntity } from "./settlement.entity";
import { pendingTiers } from "./settlement.views";

/** A settlement as `writePlan` stored it: the row, the engine's result, and its claim. */
export interface WrittenSettlement {
  entity: SettlementEntity;
  settlement: Settlement;
  claim: ClaimEntity;
}

/** The categories a person held on any day of a year, without repeats. */
export function heldInYear(beneficiary: Beneficiary, year: number): string[] {
  const held = beneficiary.identities.filter((p) => p.from <= `${year}-12-31` && (p.to === null || p.to >= `${year}-01-01`));
  return [...new Set(held.map((p) => p.category))];
}

export class SettlementEvents {
  /** Called once a transaction that recorded events has committed (the consumers' kicks). */
  readonly afterCommit: Array<() => Promise<void>> = [];

  constructor(
    private readonly outbox: Outbox,
    private readonly packs: RulePackService,
    private readonly beneficiaries: BeneficiaryService,
  ) {}

  /** One event per settlement written, in the order written (a household's settlements share its lock). */
  async record(manager: EntityManager, written: readonly WrittenSettlement[]): Promise<void> {
    if (written.length === 0) return;
    const beneficiaryId = written[0].entity.beneficiaryId;
    const stored = (await this.beneficiaries.repository.findById(manager, beneficiaryId))!;
    const person = await this.beneficiaries.engineBeneficiary(manager, beneficiaryId);
    for (const { entity, settlement, claim } of written) {
      const ruleNames = await this.ruleNames(entity.packId, entity.packVersion);
      const event: SettlementRecorded = {
        beneficiaryId,
        jurisdiction: claim.jurisdiction,
        year: entity.year,
        claimId: entity.claimId,
        settlementId: entity.id,
        supersedesId: entity.supersedesId,
        status: pendingTiers(settlement.lines).length > 0 ? "PARTIAL" : "COMPLETE",
        date: entity.date,
        kind: claim.kind,
        total: formatAmount(entity.total),
        policyScope: formatAmount(entity.policyScope),
        selfPay: formatAmount(entity.selfPay),
        packId: entity.packId,
        packVersion: entity.packVersion,
        category: entity.category,
        lines: settlement.lines.map((line) => ({
          tier: line.tier,
          amount: formatAmount(line.amount),
          ruleId: line.ruleId,
          ruleName: line.ruleId ? (ruleNames.get(line.ruleId) ?? null) : null,
          clause: citationText(line.citation),
          reason: line.reason,
          source: line.source,
          figures: line.figures,
          category: line.category ?? null,
          provisional: line.provisional === true,
        })),
        household: {
          name: stored.name,
          nationalId: stored.nationalId,
          township: stored.township,
          categoriesInYear: heldInYear(person, entity.year),
          categoriesAtYearEnd: categoriesOn(person, `${entity.year}-12-31`),
        },
      };
      await this.outbox.append(manager, { topic: SETTLEMENT_RECORDED, jurisdiction: claim.jurisdiction, aggregateId: beneficiaryId, data: event });
    }
    for (const kick of this.afterCommit) afterCommit(manager, kick);
  }

  /** The words of a pack version's rules, by rule id. */
  private async ruleNames(packId: string, packVersion: number): Promise<Map<string, string>> {
    const pack = await this.packs.version(packId, packVersion);
    const names = new Map<string, string>();
    for (const tier of Object.values(pack.document.tiers)) for (const rule of tier?.rules ?? []) names.set(rule.name, rule.event.params.label);
    return names;
  }
}
