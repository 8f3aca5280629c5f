/**
 * Settlements' side of the settlement.recorded event (src/outbox/settlement-recorded.ts): built from
 * what a settlement just wrote and the household as the registry has it now, appended to the outbox
 * in the settlement's transaction, and a kick for the consumers once it commits. The same builder
 * publishes, once, the events of the settlements stored before the charity kept its own record
 * (the upgrade's backfill).
 */
import type { EntityManager } from "typeorm";
import { groupBy } from "../lib/collections";
import { afterCommit } from "../lib/db";
import { formatAmount } from "../lib/money";
import { categoriesOn } from "../engine/settle";
import type { Beneficiary, Settlement } from "../engine/types";
import type { Outbox, OutboxEvent } from "../outbox/outbox";
import type { BeneficiaryRecord } from "../beneficiary/beneficiary-source";
import { SETTLEMENT_RECORDED, type SettlementRecorded } from "../outbox/settlement-recorded";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import { Principal } from "../access/principal";
import { lockHousehold } from "./household-lock";
import type { ClaimEntity } from "../claim/claim.entity";
import { ClaimRepository } from "../claim/claim.repository";
import { SettlementEntity } from "./settlement.entity";
import { SettlementRepository } from "./settlement.repository";
import type { SettlementLine } from "./settlement.types";
import { engineLineView, pendingTiers, storedLineView } from "./settlement.views";

/** Who settlements are when they read a household for its event: the process itself, not a caller. */
const EVENT_READER = Principal.system("settlements");

/** A settlement as `writePlan` stored it: the row, the engine's result, and its claim. */
export interface WrittenSettlement {
  entity: SettlementEntity;
  settlement: Settlement;
  claim: ClaimEntity;
  /**
   * The household as settling read it, when that read shows the person in full (the event's copy
   * needs the national ID unmasked); null: the event reads it.
   */
  record: BeneficiaryRecord | null;
}

/** A stored settlement with its lines as the API shows them: what an event is built from. */
interface RecordedSettlement {
  entity: SettlementEntity;
  lines: SettlementLine[];
  claim: ClaimEntity;
  record?: BeneficiaryRecord | null;
}

/** Households read per page by the backfill. */
const BACKFILL_PAGE = 200;

/** The categories a person held on any day of a year, without repeats. */
export function heldInYear(beneficiary: Beneficiary, year: number): string[] {
  const held = beneficiary.identities.filter((p) => p.from <= `${year}-12-31` && (p.to === null || p.to >= `${year}-01-01`));
  return [...new Set(held.map((p) => p.category))];
}

export class SettlementEvents {
  /** Called once a transaction that recorded events has committed (the consumers' kicks). */
  readonly afterCommit: Array<() => Promise<void>> = [];
  private readonly settlements = new SettlementRepository();
  private readonly claims = new ClaimRepository();

  constructor(
    private readonly outbox: Outbox,
    private readonly packs: RulePackService,
    private readonly people: BeneficiaryLookup,
  ) {}

  /**
   * One event per settlement written, in the order written (a household's settlements share its
   * lock), appended together: a batch of bills costs one multi-row insert, not one per settlement.
   */
  async record(manager: EntityManager, written: readonly WrittenSettlement[]): Promise<void> {
    if (written.length === 0) return;
    const events: OutboxEvent[] = [];
    for (const household of groupBy(written, (w) => w.entity.beneficiaryId).values()) {
      events.push(...(await this.eventsOf(manager, household.map(({ entity, settlement, claim, record }) => ({ entity, lines: settlement.lines.map(engineLineView), claim, record })))));
    }
    await this.outbox.appendMany(manager, events);
    for (const kick of this.afterCommit) afterCommit(manager, kick);
  }

  /**
   * The upgrade's backfill, when `consumer`'s request is open (OutboxBackfillEntity, written by the
   * migration that introduced the charity's record): one event for every current settlement,
   * household by household, each household's under its lock and in the order settled, so that a
   * settlement another instance stores meanwhile comes after them. Published once; returns how many
   * events, or null when nothing was requested.
   */
  async backfill(consumer: string): Promise<number | null> {
    const events = await this.outbox.backfill(consumer, async (manager) => {
      let published = 0;
      for (let after = ""; ; ) {
        const households = await this.householdsWithSettlements(manager, after);
        if (households.length === 0) break;
        for (const beneficiaryId of households) {
          await lockHousehold(manager, beneficiaryId);
          const current = await manager.find(SettlementEntity, { where: { beneficiaryId, status: "CURRENT" }, order: { year: "ASC", date: "ASC", settledAt: "ASC", id: "ASC" } });
          const lines = groupBy(await this.settlements.linesOf(manager, current.map((s) => s.id)), (line) => line.settlementId);
          const claims = new Map((await this.claims.findByIds(manager, current.map((s) => s.claimId))).map((claim) => [claim.id, claim]));
          await this.outbox.appendMany(manager, await this.eventsOf(manager, current.map((entity) => ({ entity, lines: (lines.get(entity.id) ?? []).map(storedLineView), claim: claims.get(entity.claimId)! }))));
          published += current.length;
        }
        after = households[households.length - 1];
      }
      if (published > 0) for (const kick of this.afterCommit) afterCommit(manager, kick);
      return published;
    });
    return events;
  }

  /** A page of the households with a current settlement, in id order, after `after`. */
  private async householdsWithSettlements(manager: EntityManager, after: string): Promise<string[]> {
    const rows = await manager
      .createQueryBuilder(SettlementEntity, "s")
      .select("DISTINCT s.beneficiary_id", "beneficiaryId")
      .where("s.status = 'CURRENT' AND s.beneficiary_id > :after", { after })
      .orderBy("s.beneficiary_id", "ASC")
      .limit(BACKFILL_PAGE)
      .getRawMany<{ beneficiaryId: string }>();
    return rows.map((row) => row.beneficiaryId);
  }

  /** Builds the events of one household's settlements, in the order given. */
  private async eventsOf(manager: EntityManager, settlements: readonly RecordedSettlement[]): Promise<OutboxEvent[]> {
    if (settlements.length === 0) return [];
    const beneficiaryId = settlements[0].entity.beneficiaryId;
    // The household as its owner shows it to settlements itself (the national ID unmasked: the statement's copy).
    const record = settlements[0].record ?? (await this.people.byKey(EVENT_READER, beneficiaryId, manager));
    const events: OutboxEvent[] = [];
    const stored = record.person;
    const person = record.beneficiary;
    for (const { entity, lines, claim } of settlements) {
      const ruleNames = await this.ruleNames(entity.packId, entity.packVersion);
      const event: SettlementRecorded = {
        beneficiaryId,
        jurisdiction: claim.jurisdiction,
        year: entity.year,
        claimId: entity.claimId,
        settlementId: entity.id,
        supersedesId: entity.supersedesId,
        status: pendingTiers(lines).length > 0 ? "PARTIAL" : "COMPLETE",
        date: entity.date,
        kind: claim.kind,
        total: formatAmount(entity.total),
        policyScope: formatAmount(entity.policyScope),
        selfPay: formatAmount(entity.selfPay),
        packId: entity.packId,
        packVersion: entity.packVersion,
        category: entity.category,
        lines: lines.map((line) => ({
          tier: line.tier,
          amount: formatAmount(line.amount),
          ruleId: line.ruleId,
          ruleName: line.ruleId ? (ruleNames.get(line.ruleId) ?? null) : null,
          clause: line.clause,
          reason: line.reason,
          source: line.source,
          figures: line.figures,
          category: line.category,
          provisional: line.provisional,
        })),
        household: {
          name: stored.name,
          nationalId: stored.nationalId,
          township: stored.township,
          categoriesInYear: heldInYear(person, entity.year),
          categoriesAtYearEnd: categoriesOn(person, `${entity.year}-12-31`),
        },
      };
      events.push({ topic: SETTLEMENT_RECORDED, jurisdiction: claim.jurisdiction, aggregateId: beneficiaryId, data: event });
    }
    return events;
  }

  /** The words of a pack version's rules, by rule id. */
  private async ruleNames(packId: string, packVersion: number): Promise<Map<string, string>> {
    const pack = await this.packs.version(packId, packVersion);
    const names = new Map<string, string>();
    for (const tier of Object.values(pack.document.tiers)) for (const rule of tier?.rules ?? []) names.set(rule.name, rule.event.params.label);
    return names;
  }
}
