/**
 * Settling stored claims: one transaction per settlement, under the beneficiary's lock, reading
 * the year-to-date state, settling with the engine, and writing the settlement, its lines and the
 * new accumulators together. A claim dated before claims already settled in its year makes the
 * year be settled again in date order; changed settlements are superseded by new ones and the
 * differences recorded as adjustments.
 */
import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { DomainError, notFound, renameField } from "../lib/errors";
import { Money, ZERO } from "../lib/money";
import { nowIso, type TransactionRunner } from "../lib/db";
import { monthsBefore } from "../lib/dates";
import { settle } from "../engine/settle";
import { emptyYearToDate } from "../engine/year-to-date";
import { settleInDateOrder } from "../engine/year-replay";
import { describeYear, type TierPosition } from "../engine/describe-year";
import { readBeneficiary, readClaim } from "../engine/input";
import { TIERS, type Tier } from "../engine/vocabulary";
import type { CompiledPack } from "../engine/compiled-pack";
import type { Beneficiary, Claim, Settlement, YearToDate } from "../engine/types";
import type { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryService } from "../beneficiary/beneficiary.service";
import { ClaimEntity } from "../claim/claim.entity";
import { ClaimRepository } from "../claim/claim.repository";
import { toEngineClaim } from "../claim/claim.service";
import { AdjustmentEntity, SettlementEntity, SettlementLineEntity, YearToDateEntity } from "./settlement.entity";
import { SettlementRepository } from "./settlement.repository";

/** A year settled again: per claim, its current settlement and what the replay gives. */
export interface YearReplay {
  beneficiaryId: string;
  year: number;
  steps: Array<{
    claim: ClaimEntity;
    current: SettlementEntity | null;
    settlement: Settlement;
    /** Amounts per tier (and selfPay) of the current settlement; null for a claim not yet settled. */
    before: Map<string, Money> | null;
    after: Map<string, Money>;
    changed: boolean;
  }>;
  yearToDate: YearToDate;
}

/** One claim of a what-if: its settlement or the refusal. */
export interface SimulatedClaim {
  claimId: string;
  settlement: Settlement | null;
  error: DomainError | null;
}

/** Work that must happen in the same transaction as every settlement of a year (e.g. entitlements). */
export type AfterSettlement = (manager: EntityManager, claim: ClaimEntity) => Promise<void>;

export class SettlementService {
  readonly repository = new SettlementRepository();
  private readonly claims = new ClaimRepository();
  /** Called after a claim's year was settled, inside the same transaction. */
  readonly afterSettlement: AfterSettlement[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    private readonly beneficiaries: BeneficiaryService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Settles a submitted claim, or returns its settlement when it is already settled.
   */
  async settleClaim(principal: Principal, claimId: string): Promise<SettlementEntity> {
    const visible = await this.claims.findById(this.dataSource.manager, claimId);
    if (!visible || !principal.canSee(visible.jurisdiction)) throw notFound("claim", claimId);
    return this.transactions.run(async (manager) => {
      await this.beneficiaries.repository.lock(manager, visible.beneficiaryId);
      const [current] = await this.repository.currentOfClaims(manager, [claimId]);
      if (current) return current;
      const claim = (await this.claims.findById(manager, claimId))!;
      const settled = await this.settleYear(manager, claim, principal.keyId);
      for (const hook of this.afterSettlement) await hook(manager, claim);
      await this.audit.record(manager, principal.keyId, "claim.settle", "claim", claimId, { settlementId: settled.id, packId: settled.packId, packVersion: settled.packVersion });
      return settled;
    });
  }

  /**
   * Settles `claim` within its beneficiary's year. When it comes after every settled claim of the
   * year (the usual case) it is settled against the stored year-to-date state; otherwise the year is
   * replayed in date order.
   */
  private async settleYear(manager: EntityManager, claim: ClaimEntity, actor: string): Promise<SettlementEntity> {
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, claim.beneficiaryId);
    const currents = await this.repository.currentOfYear(manager, claim.beneficiaryId, claim.year);
    const settledClaims = await this.claims.findByIds(manager, currents.map((s) => s.claimId));
    const isLater = (other: ClaimEntity) => other.date < claim.date || (other.date === claim.date && other.sequence < claim.sequence);
    const now = nowIso();

    if (settledClaims.every(isLater)) {
      const before = toYearToDate(claim.beneficiaryId, claim.year, await this.repository.yearToDate(manager, claim.beneficiaryId, claim.year));
      const pack = this.packs.packFor(claim.jurisdiction, claim.date);
      const result = settle(pack, beneficiary, toEngineClaim(claim), before);
      const entity = await this.writeSettlement(manager, result.settlement, "INITIAL", null, now);
      await this.writeYearToDate(manager, result.yearToDate, now);
      await manager.update(ClaimEntity, { id: claim.id }, { status: "SETTLED" });
      return entity;
    }

    // An earlier bill arrived after later ones: settle the whole year again in date order. Each
    // settled claim keeps the pack version it was settled under; the new one takes today's.
    const replay = await this.replayYear(manager, claim.beneficiaryId, claim.year, { add: claim, packs: "recorded" });
    const created = await this.writeReplay(manager, replay, "OUT_OF_ORDER", `earlier claim ${claim.id} (${claim.date}) arrived after it`, actor, now);
    await manager.update(ClaimEntity, { id: claim.id }, { status: "SETTLED" });
    return created!;
  }

  /**
   * Settles a beneficiary's year again from nothing, in date order, without writing: under the
   * versions each claim was settled with ("recorded"), the versions in force now ("current"), or
   * a given draft for the dates it covers ("draft", a preview).
   */
  async replayYear(
    manager: EntityManager,
    beneficiaryId: string,
    year: number,
    options: { add?: ClaimEntity; packs: "recorded" | "current"; draft?: CompiledPack },
  ): Promise<YearReplay> {
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, beneficiaryId);
    const currents = await this.repository.currentOfYear(manager, beneficiaryId, year);
    const settledClaims = await this.claims.findByIds(manager, currents.map((s) => s.claimId));
    const lines = await this.repository.linesOf(manager, currents.map((s) => s.id));
    const ordered = [...settledClaims, ...(options.add ? [options.add] : [])].sort((a, b) => (a.date === b.date ? a.sequence - b.sequence : a.date < b.date ? -1 : 1));
    let ytd = emptyYearToDate(beneficiaryId, year);
    const steps: YearReplay["steps"] = [];
    for (const next of ordered) {
      const current = currents.find((s) => s.claimId === next.id) ?? null;
      let pack: CompiledPack;
      if (options.draft && options.draft.covers(next.date)) pack = options.draft;
      else if (current && options.packs === "recorded") pack = await this.packs.version(current.packId, current.packVersion);
      else pack = this.packs.packFor(next.jurisdiction, next.date);
      const result = settle(pack, beneficiary, toEngineClaim(next), ytd);
      ytd = result.yearToDate;
      const before = current ? amountsOf(lines.filter((l) => l.settlementId === current.id), current.selfPay) : null;
      const after = amountsOf(result.settlement.lines, result.settlement.selfPay);
      steps.push({ claim: next, current, settlement: result.settlement, before, after, changed: before === null || !sameAmounts(before, after) || current!.packVersion !== pack.version });
    }
    return { beneficiaryId, year, steps, yearToDate: ytd };
  }

  /** Writes what a replay changed: new settlements superseding changed ones, with adjustments. */
  private async writeReplay(manager: EntityManager, replay: YearReplay, cause: string, causeText: string, actor: string, now: string): Promise<SettlementEntity | null> {
    let created: SettlementEntity | null = null;
    for (const step of replay.steps) {
      if (!step.current) {
        created = await this.writeSettlement(manager, step.settlement, "INITIAL", null, now);
        continue;
      }
      if (!step.changed) continue;
      const replacement = await this.writeSettlement(manager, step.settlement, cause, step.current.id, now);
      await manager.update(SettlementEntity, { id: step.current.id }, { status: "SUPERSEDED" });
      for (const [tier, before] of step.before!) {
        const after = step.after.get(tier) ?? ZERO;
        if (before.equals(after)) continue;
        await manager.insert(AdjustmentEntity, {
          claimId: step.claim.id,
          fromSettlementId: step.current.id,
          toSettlementId: replacement.id,
          tier,
          before,
          after,
          difference: after.minus(before),
          cause: causeText.slice(0, 120),
          createdAt: now,
        });
      }
      await this.audit.record(manager, actor, "settlement.adjust", "claim", step.claim.id, { from: step.current.id, to: replacement.id, cause: causeText });
    }
    await this.writeYearToDate(manager, replay.yearToDate, now);
    return created;
  }

  /**
   * Settles again, in date order, every year of a beneficiary that a change of its certified record
   * can reach (a category or application with an earlier effective date, lookbacks included), under
   * the versions the claims were settled with. Differences become adjustments.
   */
  async replayAfterRecordChange(manager: EntityManager, beneficiaryId: string, earliestChange: string, actor: string): Promise<void> {
    // A lookback reaches at most 24 months before a certification (the schema's limit).
    const firstYear = Number(monthsBefore(earliestChange, 24).slice(0, 4));
    const years = [...new Set((await manager.find(SettlementEntity, { where: { beneficiaryId, status: "CURRENT" } })).map((s) => s.year))].filter((y) => y >= firstYear).sort();
    const now = nowIso();
    for (const year of years) {
      const replay = await this.replayYear(manager, beneficiaryId, year, { packs: "recorded" });
      if (!replay.steps.some((step) => step.changed)) continue;
      await this.writeReplay(manager, replay, "RETROACTIVE", `category or application recorded from ${earliestChange} by ${actor}`, actor, now);
      const last = replay.steps[replay.steps.length - 1];
      for (const hook of this.afterSettlement) await hook(manager, last.claim);
    }
  }

  /**
   * Re-settles a beneficiary's year under the pack versions in force now (ADMIN), recording every
   * difference as an adjustment. Returns the year's current settlements.
   */
  async resettle(principal: Principal, beneficiaryId: string, year: number): Promise<SettlementEntity[]> {
    principal.requireRole("ADMIN");
    const beneficiary = await this.beneficiaries.get(principal, beneficiaryId);
    return this.transactions.run(async (manager) => {
      await this.beneficiaries.repository.lock(manager, beneficiaryId);
      const replay = await this.replayYear(manager, beneficiaryId, year, { packs: "current" });
      await this.writeReplay(manager, replay, "RESETTLED", `re-settled by ${principal.keyId} under the versions in force`, principal.keyId, nowIso());
      const last = replay.steps[replay.steps.length - 1];
      if (last) for (const hook of this.afterSettlement) await hook(manager, last.claim);
      await this.audit.record(manager, principal.keyId, "settlement.resettle", "beneficiary", beneficiary.id, { year, claims: replay.steps.length, changed: replay.steps.filter((s) => s.changed).length });
      return this.repository.currentOfYear(manager, beneficiaryId, year);
    });
  }

  private async writeSettlement(manager: EntityManager, settlement: Settlement, cause: string, supersedesId: string | null, now: string): Promise<SettlementEntity> {
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
      settledAt: now,
    };
    await manager.insert(SettlementEntity, entity);
    await manager.insert(
      SettlementLineEntity,
      settlement.lines.map((line, position) => ({
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
      })),
    );
    return entity;
  }

  private async writeYearToDate(manager: EntityManager, ytd: YearToDate, now: string): Promise<void> {
    const existing = new Set((await this.repository.yearToDate(manager, ytd.beneficiaryId, ytd.year)).map((row) => row.tier));
    for (const tier of TIERS) {
      const { base, paid } = ytd.tiers[tier];
      if (existing.has(tier)) await manager.update(YearToDateEntity, { beneficiaryId: ytd.beneficiaryId, year: ytd.year, tier }, { base, paid, updatedAt: now });
      else await manager.insert(YearToDateEntity, { beneficiaryId: ytd.beneficiaryId, year: ytd.year, tier, base, paid, updatedAt: now });
    }
  }

  /**
   * Settles a claim against the stored year without writing anything: what submitting checks, so
   * that a claim that could not be settled is refused before it is stored.
   */
  async dryRun(manager: EntityManager, jurisdiction: string, claim: Claim): Promise<Settlement> {
    const year = Number(claim.date.slice(0, 4));
    const pack = this.packs.packFor(jurisdiction, claim.date);
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, claim.beneficiaryId);
    const ytd = toYearToDate(claim.beneficiaryId, year, await this.repository.yearToDate(manager, claim.beneficiaryId, year));
    return settle(pack, beneficiary, claim, ytd).settlement;
  }

  /**
   * A what-if: settles a sequence of claims for a beneficiary (stored, or described inline) with
   * optional parameter overrides, starting from the stored year when the beneficiary is stored.
   * Nothing is written.
   */
  async simulate(
    principal: Principal,
    input: { jurisdiction: string; beneficiaryId?: string | null; beneficiary?: unknown; claims: unknown[]; parameters?: Record<string, unknown> | null },
  ): Promise<SimulatedClaim[]> {
    principal.requireJurisdiction(input.jurisdiction, "input.jurisdiction");
    if (!this.packs.jurisdictions().includes(input.jurisdiction)) {
      throw new DomainError("UNKNOWN_PACK", "input.jurisdiction", `input.jurisdiction: 未知辖区 ${input.jurisdiction} / unknown jurisdiction`);
    }
    let beneficiary: Beneficiary;
    const manager = this.dataSource.manager;
    if (input.beneficiaryId) {
      const stored = await this.beneficiaries.get(principal, input.beneficiaryId, manager, "input.beneficiaryId");
      if (stored.jurisdiction !== input.jurisdiction) throw new DomainError("CONFLICT", "input.jurisdiction", "input.jurisdiction: 与受助人所属辖区不符 / differs from the beneficiary's jurisdiction");
      beneficiary = await this.beneficiaries.engineBeneficiary(manager, stored.id);
    } else {
      beneficiary = readBeneficiary(input.beneficiary, "input.beneficiary");
    }
    // Per year: the account so far, and the bills counted in it — the stored beneficiary's settled
    // claims, then the simulated ones — for a bill dated before some of them (see below).
    const years = new Map<number, { yearToDate: YearToDate; counted: Claim[] }>();
    const overridden = new Map<CompiledPack, CompiledPack>();
    const packFor = (date: string) => {
      const base = this.packs.packFor(input.jurisdiction, date);
      let pack = overridden.get(base);
      if (!pack) {
        pack = base.withParameters(input.parameters ?? {});
        overridden.set(base, pack);
      }
      return pack;
    };
    const results: SimulatedClaim[] = [];
    for (const [index, raw] of input.claims.entries()) {
      const claimId = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : `claims[${index}]`;
      try {
        const claim = readClaim(raw, beneficiary.id, `input.claims[${index}]`);
        const year = Number(claim.date.slice(0, 4));
        let account = years.get(year);
        if (!account) {
          account = input.beneficiaryId
            ? { yearToDate: toYearToDate(beneficiary.id, year, await this.repository.yearToDate(manager, beneficiary.id, year)), counted: await this.settledClaimsOfYear(manager, beneficiary.id, year) }
            : { yearToDate: emptyYearToDate(beneficiary.id, year), counted: [] };
          years.set(year, account);
        }
        let result: { settlement: Settlement; yearToDate: YearToDate };
        if (account.counted.every((bill) => bill.date <= claim.date)) {
          result = settle(packFor(claim.date), beneficiary, claim, account.yearToDate);
        } else {
          // Dated before bills already counted: settling would settle the year again in date order
          // (settleYear), so the what-if does the same, under the versions in force and the
          // parameters given.
          const replayed = settleInDateOrder([...account.counted, claim].map((bill) => ({ claim: bill })), beneficiary, year, (bill) => packFor(bill.claim.date));
          result = { settlement: replayed.find((step) => step.bill.claim === claim)!.settlement, yearToDate: replayed[replayed.length - 1].yearToDate };
        }
        account.yearToDate = result.yearToDate;
        account.counted.push(claim);
        results.push({ claimId, settlement: result.settlement, error: null });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const at = `input.claims[${index}]`;
        results.push({ claimId, settlement: null, error: renameField(error, [["claim", at], ["parameters", "input.parameters"]]) });
      }
    }
    return results;
  }

  /** A beneficiary's settled claims of a year, as the engine reads them, in the order they were submitted. */
  private async settledClaimsOfYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<Claim[]> {
    const currents = await this.repository.currentOfYear(manager, beneficiaryId, year);
    const entities = await this.claims.findByIds(manager, currents.map((s) => s.claimId));
    return entities.sort((a, b) => a.sequence - b.sequence).map(toEngineClaim);
  }

  /** Per tier: paid, cap left and deductible left for a beneficiary's year. */
  async annualSummary(principal: Principal, beneficiaryId: string, year: number): Promise<TierPosition[]> {
    const stored = await this.beneficiaries.get(principal, beneficiaryId);
    const manager = this.dataSource.manager;
    const ytd = toYearToDate(beneficiaryId, year, await this.repository.yearToDate(manager, beneficiaryId, year));
    const beneficiary = await this.beneficiaries.engineBeneficiary(manager, beneficiaryId);
    const pack = this.packs.packForYear(stored.jurisdiction, year);
    const yearEnd = `${year}-12-31`;
    const date = pack && pack.document.inForce.to !== null && pack.document.inForce.to < yearEnd ? pack.document.inForce.to : yearEnd;
    if (!pack) return TIERS.map((tier) => ({ tier, paid: ytd.tiers[tier].paid, base: ytd.tiers[tier].base, ruleId: null, deductibleLeft: null, capLeft: null }));
    return describeYear(pack, beneficiary, ytd, date, (text) => new Money(text));
  }
}

/** The engine's year-to-date state from stored rows (tiers without a row start at 0). */
export function toYearToDate(beneficiaryId: string, year: number, rows: YearToDateEntity[]): YearToDate {
  const ytd = emptyYearToDate(beneficiaryId, year);
  for (const row of rows) ytd.tiers[row.tier as Tier] = { base: row.base, paid: row.paid };
  return ytd;
}

/** The amounts of a settlement per tier, plus the self-pay, for comparison. */
export function amountsOf(lines: ReadonlyArray<{ tier: string; amount: Money }>, selfPay: Money): Map<string, Money> {
  const amounts = new Map<string, Money>(lines.map((l) => [l.tier, l.amount]));
  amounts.set("selfPay", selfPay);
  return amounts;
}

function sameAmounts(a: Map<string, Money>, b: Map<string, Money>): boolean {
  for (const [key, value] of a) if (!value.equals(b.get(key) ?? ZERO)) return false;
  return true;
}
