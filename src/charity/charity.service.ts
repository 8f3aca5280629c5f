/**
 * The charity federation's money: funds, income, transfers, allocations of top-ups to households'
 * entitlements, and reversals. Every mutation is idempotent by a client-supplied request id, runs
 * in one transaction under row locks, and only ever appends to the ledger.
 */
import type { DataSource, EntityManager } from "typeorm";
import { contentHash } from "../lib/canonical-json";
import { DomainError, notFound } from "../lib/errors";
import { Money, ZERO, formatAmount, minMoney, sumMoney } from "../lib/money";
import { nowIso, type TransactionRunner } from "../lib/db";
import { amountField } from "../engine/input";
import { chooseCategory } from "../engine/settle";
import { explainLine } from "../engine/explain-line";
import { clauseText } from "../engine/citation";
import { CATEGORY_NAMES_ZH, type Category } from "../engine/vocabulary";
import { TIERS } from "../engine/vocabulary";
import type { Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { candidateKeys, onlyOne, partnerId } from "../access/tenant-ids";
import type { RulePackService } from "../rules/rule-pack.service";
import type { SettlementRecorded, SettlementRecordedLine } from "../outbox/settlement-recorded";
import { CharityHouseholdEntity, CharitySettledClaimEntity } from "./settled-claim.entity";
import { CharityFundEntity, EntitlementEntity, LedgerEntryEntity, MoneyRequestEntity, type EntitlementStatus, type FundKind, type LedgerType } from "./charity.entity";
import { CharityRepository } from "./charity.repository";
import { entitlementStatus } from "./entitlement-status";
import { assertEntitlementWrite, assertFundReportReads, assertLedgerAppend, assertStatementReads } from "../invariants/charity-assertions";

export interface AllocationPart {
  fundId: string;
  amount: string;
  entryId: number;
}

/** What an allocation did: per fund, the total, and what is still uncovered. */
export interface AllocationResult {
  requestId: string;
  entitlementId: string;
  parts: AllocationPart[];
  allocated: string;
  shortfall: string;
  fundOrderRule: string | null;
  fundOrderClause: string | null;
}

/** A household's resolution statement (化解清单) for a year. */
export interface ResolutionStatement {
  beneficiary: { id: string; name: string; nationalId: string | null; jurisdiction: string; jurisdictionName: string; township: string | null; categories: string[] };
  year: number;
  /** Stable for a household's year while its content stays the same; a new content is a new version. */
  serial: string;
  claims: Array<{
    claimId: string;
    date: string;
    kind: string;
    total: Money;
    policyScope: Money;
    packId: string;
    packVersion: number;
    category: string | null;
    lines: Array<{ tier: string; amount: Money; ruleId: string | null; ruleName: string | null; clause: string | null; reason: string | null; source: string; figures: Record<string, string>; explanation: string }>;
    selfPayBeforeCharity: Money;
  }>;
  tierTotals: Array<{ tier: string; amount: Money }>;
  billTotal: Money;
  selfPayBeforeCharity: Money;
  charityEntitlement: Money;
  allocations: Array<{ entryId: number; fundId: string; fundName: string; amount: Money; date: string; reversed: boolean; fundOrderRule: string | null; reason: string }>;
  charityAllocated: Money;
  stillPays: Money;
}

export interface FundReport {
  fund: CharityFundEntity;
  from: string;
  to: string;
  openingBalance: Money;
  income: Money;
  transfersIn: Money;
  transfersOut: Money;
  allocations: Money;
  reversals: Money;
  closingBalance: Money;
  householdsServed: number;
  entries: number;
}

export interface LedgerResult {
  requestId: string;
  entryIds: number[];
}

/** A comma-separated list of categories, as the record keeps it. */
function categoryList(text: string): Category[] {
  return text ? (text.split(",") as Category[]) : [];
}

/** 化解清单 serial: the jurisdiction and year, the household, and the version of the content. */
function statementSerial(beneficiaryId: string, year: number, content: unknown): string {
  const household = contentHash(beneficiaryId).slice(0, 8);
  const version = contentHash(content).slice(0, 6);
  return `${beneficiaryId.split(":")[0].toUpperCase()}-${year}-${household}-${version}`.toUpperCase();
}

/** What an allocation in the fund order would draw now (CharityService.plan). */
export interface AllocationPlan {
  entitlementId: string;
  need: Money;
  parts: Array<{ fundId: string; fundName: string; amount: Money; balance: Money }>;
  shortfall: Money;
  fundOrderRule: string | null;
  fundOrderClause: string | null;
}

/**
 * Takes from each fund in turn what is wanted of it (null: all that is still needed), never more
 * than it holds nor than is still needed; funds that give nothing are left out.
 */
function drawFromFunds(sources: Array<{ fund: CharityFundEntity; wanted: Money | null }>, need: Money): Array<{ fund: CharityFundEntity; take: Money }> {
  const draws: Array<{ fund: CharityFundEntity; take: Money }> = [];
  let left = need;
  // A plan may name a fund twice: what it gave the first time is gone the second.
  const balances = new Map<string, Money>();
  for (const { fund, wanted } of sources) {
    if (left.isZero()) break;
    const balance = balances.get(fund.id) ?? fund.balance;
    const take = minMoney(wanted === null ? left : minMoney(wanted, left), balance);
    if (take.isZero()) continue;
    draws.push({ fund, take });
    balances.set(fund.id, balance.minus(take));
    left = left.minus(take);
  }
  return draws;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,80}$/;

/** A household's entitlement for a year has one id: one row per household and year. */
export function entitlementIdOf(beneficiaryId: string, year: number): string {
  return `${beneficiaryId}/${year}`;
}

function positiveAmount(raw: unknown, field: string): Money {
  const amount = amountField(raw, field);
  if (amount.isZero()) throw new DomainError("INVALID_AMOUNT", field, `${field}: 金额须大于 0 / the amount must be more than 0`);
  return amount;
}

function checkRequestId(requestId: string): void {
  if (!REQUEST_ID.test(requestId)) {
    throw new DomainError("INVALID_INPUT", "input.requestId", "input.requestId: 8–80 个字母、数字或 ._:- / 8 to 80 letters, digits or ._:- chosen by the client, the same for a retry");
  }
}

export class CharityService {
  readonly repository = new CharityRepository();
  /** Told of every allocation in its transaction (webhooks to the household's partner systems). */
  afterAllocation: ((manager: EntityManager, jurisdiction: string, data: { beneficiaryId: string; [field: string]: unknown }) => Promise<void>) | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly packs: RulePackService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Runs a money mutation once per request id. A repeat with the same content returns the first
   * answer; the same id with other content is refused (CONFLICT). Two identical requests at the same
   * moment: the second waits on the first's row and then returns its answer.
   */
  private async once<T>(principal: Principal, requestId: string, kind: string, content: unknown, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    checkRequestId(requestId);
    const fingerprint = contentHash({ kind, content });
    const attempt = () =>
      this.transactions.run(async (manager) => {
        const previous = await this.repository.request(manager, requestId);
        if (previous) return this.repeat<T>(previous, kind, fingerprint);
        const result = await work(manager);
        await manager.insert(MoneyRequestEntity, { requestId, kind, fingerprint, result: JSON.stringify(result), actor: principal.keyId, createdAt: nowIso() });
        return result;
      });
    try {
      return await attempt();
    } catch (error) {
      // A concurrent twin inserted the same request id first: its answer is ours.
      if (!(error instanceof DomainError) && /duplicate|unique/i.test(String((error as Error).message))) return attempt();
      throw error;
    }
  }

  private repeat<T>(previous: MoneyRequestEntity, kind: string, fingerprint: string): T {
    if (previous.kind !== kind || previous.fingerprint !== fingerprint) {
      throw new DomainError("CONFLICT", "input.requestId", `input.requestId: ${previous.requestId} 已用于另一笔操作 / this request id was already used for a different request`);
    }
    return JSON.parse(previous.result) as T;
  }

  /** Opens a fund (ADMIN, CHARITY). */
  async createFund(principal: Principal, input: { id: string; name: string; kind: string; jurisdiction: string; township?: string | null }): Promise<CharityFundEntity> {
    principal.requireRole("ADMIN", "CHARITY");
    if (!/^[A-Za-z0-9._-]{2,64}$/.test(input.id)) throw new DomainError("INVALID_INPUT", "input.id", "input.id: 2–64 个字母、数字或 ._- / letters, digits or ._-");
    if (input.kind !== "CITY" && input.kind !== "TOWNSHIP") throw new DomainError("INVALID_INPUT", "input.kind", "input.kind: CITY 或 TOWNSHIP");
    if (!this.packs.jurisdictions().includes(input.jurisdiction)) throw new DomainError("UNKNOWN_PACK", "input.jurisdiction", `input.jurisdiction: 未知辖区 ${input.jurisdiction}`);
    const township = input.township?.trim() || null;
    if ((input.kind === "TOWNSHIP") !== (township !== null)) throw new DomainError("INVALID_INPUT", "input.township", "input.township: 乡镇基金须写明乡镇，市级基金不写 / a TOWNSHIP fund names its township, a CITY fund none");
    if (!input.name?.trim() || input.name.length > 100) throw new DomainError("INVALID_INPUT", "input.name", "input.name: 1–100 个字符");
    return this.transactions.run(async (manager) => {
      const existing = await this.repository.fund(manager, input.id);
      if (existing) {
        const same = existing.name === input.name.trim() && existing.kind === input.kind && existing.jurisdiction === input.jurisdiction && existing.township === township;
        if (same) return existing;
        throw new DomainError("CONFLICT", "input.id", `input.id: 基金 ${input.id} 已存在且内容不同 / fund ${input.id} exists with other details`);
      }
      const fund: CharityFundEntity = { id: input.id, name: input.name.trim(), kind: input.kind as FundKind, jurisdiction: input.jurisdiction, township, balance: ZERO, lockCounter: 0, createdAt: nowIso() };
      await manager.insert(CharityFundEntity, fund);
      await this.audit.record(manager, principal.keyId, "fund.create", "charity_fund", fund.id, { name: fund.name, kind: fund.kind, jurisdiction: fund.jurisdiction, township });
      return fund;
    });
  }

  /** Appends an entry and moves the fund's balance with it (the caller holds the fund's lock). */
  private async append(manager: EntityManager, fund: CharityFundEntity, entry: Omit<LedgerEntryEntity, "id" | "balanceAfter" | "createdAt" | "fundId">): Promise<LedgerEntryEntity> {
    const balanceAfter = entry.direction === "IN" ? fund.balance.plus(entry.amount) : fund.balance.minus(entry.amount);
    await assertLedgerAppend(manager, this.repository, fund, { id: "(new)", fundId: fund.id, direction: entry.direction, amount: entry.amount, balanceAfter });
    const saved = await manager.save(LedgerEntryEntity, { ...entry, fundId: fund.id, balanceAfter, createdAt: nowIso() });
    await manager.update(CharityFundEntity, { id: fund.id }, { balance: balanceAfter });
    fund.balance = balanceAfter;
    return saved;
  }

  /** Records a donation or grant into a fund (CHARITY, ADMIN). */
  async recordIncome(principal: Principal, input: { requestId: string; fundId: string; type: string; amount: string; reason: string }): Promise<LedgerResult> {
    principal.requireRole("CHARITY", "ADMIN");
    if (input.type !== "DONATION" && input.type !== "GRANT") throw new DomainError("INVALID_INPUT", "input.type", "input.type: DONATION 或 GRANT");
    const amount = positiveAmount(input.amount, "input.amount");
    return this.once(principal, input.requestId, "income", { ...input, amount: formatAmount(amount) }, async (manager) => {
      await this.repository.lockFunds(manager, [input.fundId]);
      const fund = await this.visibleFund(manager, principal, input.fundId, "input.fundId");
      const entry = await this.append(manager, fund, { type: input.type as LedgerType, direction: "IN", amount, reversesEntryId: null, entitlementId: null, beneficiaryId: null, claimId: null, counterpartFundId: null, fundOrderRule: null, requestId: input.requestId, actor: principal.keyId, reason: input.reason.slice(0, 400) });
      await this.audit.record(manager, principal.keyId, "fund.income", "charity_fund", fund.id, { entryId: entry.id, type: input.type, amount: formatAmount(amount) });
      return { requestId: input.requestId, entryIds: [entry.id] };
    });
  }

  /** Moves money between two funds: two entries in one transaction (CHARITY, ADMIN). */
  async transfer(principal: Principal, input: { requestId: string; fromFundId: string; toFundId: string; amount: string; reason: string }): Promise<LedgerResult> {
    principal.requireRole("CHARITY", "ADMIN");
    const amount = positiveAmount(input.amount, "input.amount");
    if (input.fromFundId === input.toFundId) throw new DomainError("INVALID_INPUT", "input.toFundId", "input.toFundId: 不能转入同一基金 / cannot transfer to the same fund");
    return this.once(principal, input.requestId, "transfer", { ...input, amount: formatAmount(amount) }, async (manager) => {
      await this.repository.lockFunds(manager, [input.fromFundId, input.toFundId]);
      const from = await this.visibleFund(manager, principal, input.fromFundId, "input.fromFundId");
      const to = await this.visibleFund(manager, principal, input.toFundId, "input.toFundId");
      if (from.balance.lessThan(amount)) {
        throw new DomainError("INCONSISTENT_FEES", "input.amount", `input.amount: 基金 ${from.id} 余额 ${formatAmount(from.balance)} 不足 / the fund holds less than ${formatAmount(amount)}`);
      }
      const common = { amount, reversesEntryId: null, entitlementId: null, beneficiaryId: null, claimId: null, fundOrderRule: null, requestId: input.requestId, actor: principal.keyId, reason: input.reason.slice(0, 400) };
      const out = await this.append(manager, from, { ...common, type: "TRANSFER_OUT", direction: "OUT", counterpartFundId: to.id });
      const into = await this.append(manager, to, { ...common, type: "TRANSFER_IN", direction: "IN", counterpartFundId: from.id });
      await this.audit.record(manager, principal.keyId, "fund.transfer", "charity_fund", from.id, { to: to.id, amount: formatAmount(amount), entries: [out.id, into.id] });
      return { requestId: input.requestId, entryIds: [out.id, into.id] };
    });
  }

  /**
   * Allocates money from funds to a household's entitlement (CHARITY only): in the order of the
   * pack's fund-order rule, or by an explicit plan. Never more than a fund holds, never more than
   * the entitlement still needs; what cannot be covered is reported as the shortfall and stays open.
   */
  async allocate(principal: Principal, input: { requestId: string; entitlementId: string; plan?: Array<{ fundId: string; amount: string }> | null; reason: string }): Promise<AllocationResult> {
    principal.requireRole("CHARITY");
    const plan = input.plan?.map((part, i) => ({ fundId: part.fundId, amount: positiveAmount(part.amount, `input.plan[${i}].amount`) })) ?? null;
    const content = { ...input, plan: plan?.map((p) => ({ fundId: p.fundId, amount: formatAmount(p.amount) })) ?? null };
    return this.once(principal, input.requestId, "allocation", content, async (manager) => {
      if (!(await this.repository.lockEntitlement(manager, input.entitlementId))) throw notFound("entitlement", input.entitlementId, "input.entitlementId");
      const entitlement = (await this.repository.entitlement(manager, input.entitlementId))!;
      let need = Money.max(ZERO, entitlement.amount.minus(entitlement.allocated));
      const order = plan ? { fundIds: plan.map((p) => p.fundId), ruleId: null, clause: null } : await this.fundOrder(manager, entitlement);
      await this.repository.lockFunds(manager, order.fundIds);
      const funds = new Map((await this.repository.fundsByIds(manager, order.fundIds)).map((f) => [f.id, f]));
      for (const [i, fundId] of order.fundIds.entries()) {
        const fund = funds.get(fundId);
        if (!fund || fund.jurisdiction !== entitlement.jurisdiction) throw notFound("fund", fundId, plan ? `input.plan[${i}].fundId` : "input.plan");
      }

      const parts: AllocationPart[] = [];
      const claimId = entitlement.claimId;
      const draws = drawFromFunds(order.fundIds.map((fundId, i) => ({ fund: funds.get(fundId)!, wanted: plan?.[i].amount ?? null })), need);
      for (const { fund, take } of draws) {
        const fundId = fund.id;
        const entry = await this.append(manager, fund, {
          type: "ALLOCATION",
          direction: "OUT",
          amount: take,
          reversesEntryId: null,
          entitlementId: entitlement.id,
          beneficiaryId: entitlement.beneficiaryId,
          claimId,
          counterpartFundId: null,
          fundOrderRule: order.ruleId,
          requestId: input.requestId,
          actor: principal.keyId,
          reason: input.reason.slice(0, 400),
        });
        parts.push({ fundId, amount: formatAmount(take), entryId: entry.id });
        need = need.minus(take);
      }
      const allocatedNow = parts.reduce((sum, p) => sum.plus(p.amount), ZERO);
      await this.saveEntitlement(manager, entitlement, entitlement.amount, entitlement.allocated.plus(allocatedNow), entitlement.claimId);
      await this.audit.record(manager, principal.keyId, "charity.allocate", "entitlement", entitlement.id, { parts, shortfall: formatAmount(need), fundOrderRule: order.ruleId });
      if (this.afterAllocation && parts.length > 0) {
        await this.afterAllocation(manager, entitlement.jurisdiction, { entitlementId: entitlement.id, beneficiaryId: partnerId(entitlement.beneficiaryId), parts, allocated: formatAmount(allocatedNow), shortfall: formatAmount(need) });
      }
      return {
        requestId: input.requestId,
        entitlementId: entitlement.id,
        parts,
        allocated: formatAmount(allocatedNow),
        shortfall: formatAmount(need),
        fundOrderRule: order.ruleId,
        fundOrderClause: order.clause,
      };
    });
  }

  /**
   * What allocating to an entitlement in the pack's fund order would draw from each fund now, read
   * only (the charity page's confirmation); allocating may differ if the funds move meanwhile.
   */
  async plan(principal: Principal, entitlementId: string): Promise<AllocationPlan> {
    principal.requireRole("CHARITY", "ADMIN");
    const manager = this.dataSource.manager;
    const entitlement = await this.repository.entitlement(manager, entitlementId);
    if (!entitlement || !principal.canSee(entitlement.jurisdiction)) throw notFound("entitlement", entitlementId, "entitlementId");
    const need = Money.max(ZERO, entitlement.amount.minus(entitlement.allocated));
    const order = await this.fundOrder(manager, entitlement);
    const funds = new Map((await this.repository.fundsByIds(manager, order.fundIds)).map((f) => [f.id, f]));
    const draws = drawFromFunds(order.fundIds.map((id) => ({ fund: funds.get(id)!, wanted: null })), need);
    const drawn = sumMoney(draws.map((d) => d.take));
    return { entitlementId, need, parts: draws.map((d) => ({ fundId: d.fund.id, fundName: d.fund.name, amount: d.take, balance: d.fund.balance })), shortfall: need.minus(drawn), fundOrderRule: order.ruleId, fundOrderClause: order.clause };
  }

  /**
   * The funds to draw from, in the order the pack's rule gives for this household: its township and
   * its categories on the year's last day as of its latest settlement event (event-carried state).
   */
  private async fundOrder(manager: EntityManager, entitlement: EntitlementEntity): Promise<{ fundIds: string[]; ruleId: string | null; clause: string | null }> {
    const pack = this.packs.packForYear(entitlement.jurisdiction, entitlement.year);
    if (!pack?.fundOrder) throw new DomainError("INVALID_INPUT", "input.plan", `input.plan: ${entitlement.jurisdiction} 的规则包未规定基金顺序，请给出分配方案 / the pack sets no fund order; give a plan`);
    const funds = await this.repository.fundsOf(manager, [entitlement.jurisdiction]);
    const township = (await this.repository.household(manager, entitlement.beneficiaryId))?.township ?? null;
    const townshipFunds = funds.filter((f) => f.kind === "TOWNSHIP" && township !== null && f.township === township);
    const latest = await this.repository.latestSettledOfYear(manager, entitlement.beneficiaryId, entitlement.year);
    const category = chooseCategory(pack, categoryList(latest?.categoriesAtYearEnd ?? "")) ?? "NONE";
    const chosen = await pack.fundOrder.choose(category, townshipFunds.length > 0);
    if (!chosen) throw new DomainError("INVALID_INPUT", "input.plan", "input.plan: 没有适用的基金顺序规则，请给出分配方案 / no fund-order rule applies; give a plan");
    const byKind: Record<string, CharityFundEntity[]> = { TOWNSHIP: townshipFunds, CITY: funds.filter((f) => f.kind === "CITY") };
    return { fundIds: chosen.order.flatMap((kind) => byKind[kind].map((f) => f.id)), ruleId: chosen.ruleId, clause: clauseText(pack.document.source.document, chosen.clause) };
  }

  /** Reverses a ledger entry once, by a new entry pointing at it (CHARITY, ADMIN). */
  async reverse(principal: Principal, input: { requestId: string; entryId: number; reason: string }): Promise<LedgerResult> {
    principal.requireRole("CHARITY", "ADMIN");
    return this.once(principal, input.requestId, "reversal", input, async (manager) => {
      const original = await this.repository.entry(manager, input.entryId);
      if (!original) throw notFound("ledger entry", String(input.entryId), "input.entryId");
      if (original.type === "REVERSAL") throw new DomainError("INVALID_INPUT", "input.entryId", "input.entryId: 冲正分录不能再冲正 / a reversal cannot be reversed; record a new entry");
      if (original.type === "TRANSFER_IN" || original.type === "TRANSFER_OUT") throw new DomainError("INVALID_INPUT", "input.entryId", "input.entryId: 转账请以反向转账更正 / correct a transfer with a transfer back");
      if (original.entitlementId && !(await this.repository.lockEntitlement(manager, original.entitlementId))) throw notFound("entitlement", original.entitlementId);
      await this.repository.lockFunds(manager, [original.fundId]);
      const fund = await this.visibleFund(manager, principal, original.fundId, "input.entryId");
      if (await manager.findOneBy(LedgerEntryEntity, { reversesEntryId: original.id })) {
        throw new DomainError("CONFLICT", "input.entryId", `input.entryId: 分录 ${original.id} 已冲正 / entry ${original.id} is already reversed`);
      }
      const direction = original.direction === "IN" ? "OUT" : "IN";
      if (direction === "OUT" && fund.balance.lessThan(original.amount)) {
        throw new DomainError("INCONSISTENT_FEES", "input.entryId", `input.entryId: 基金余额不足以冲正 / the fund holds ${formatAmount(fund.balance)}, less than the income to reverse`);
      }
      const entry = await this.append(manager, fund, {
        type: "REVERSAL",
        direction,
        amount: original.amount,
        reversesEntryId: original.id,
        entitlementId: original.entitlementId,
        beneficiaryId: original.beneficiaryId,
        claimId: original.claimId,
        counterpartFundId: null,
        fundOrderRule: null,
        requestId: input.requestId,
        actor: principal.keyId,
        reason: input.reason.slice(0, 400),
      });
      if (original.entitlementId && original.type === "ALLOCATION") {
        const entitlement = (await this.repository.entitlement(manager, original.entitlementId))!;
        await this.saveEntitlement(manager, entitlement, entitlement.amount, entitlement.allocated.minus(original.amount), entitlement.claimId);
      }
      await this.audit.record(manager, principal.keyId, "ledger.reverse", "ledger_entry", String(original.id), { reversal: entry.id, reason: input.reason });
      return { requestId: input.requestId, entryIds: [entry.id] };
    });
  }

  private async saveEntitlement(manager: EntityManager, entitlement: EntitlementEntity, amount: Money, allocated: Money, claimId: string | null): Promise<void> {
    const changes = { amount, allocated, outstanding: Money.max(ZERO, amount.minus(allocated)), status: entitlementStatus(amount, allocated), claimId, updatedAt: nowIso() };
    await assertEntitlementWrite(manager, this.repository, { id: entitlement.id, ...changes });
    await manager.update(EntitlementEntity, { id: entitlement.id }, changes);
    Object.assign(entitlement, changes);
  }

  /**
   * Applies a settlement.recorded event to the charity's record, once: a settlement already
   * recorded (a repeated delivery) changes nothing; a new one replaces its claim's current one, and
   * the household-year's entitlement becomes the sum of the charity lines of its current complete
   * settlements. `sequence` orders a household's events (the outbox's). Returns false for a repeat.
   */
  async applySettlementEvent(event: SettlementRecorded, sequence: number): Promise<boolean> {
    const attempt = () => this.transactions.run((manager) => this.apply(manager, event, sequence));
    try {
      return await attempt();
    } catch (error) {
      // The same event delivered twice at the same moment (two instances): the first one's row stands.
      if (!(error instanceof DomainError) && /duplicate|unique/i.test(String((error as Error).message))) return attempt();
      throw error;
    }
  }

  private async apply(manager: EntityManager, event: SettlementRecorded, sequence: number): Promise<boolean> {
    if (await this.repository.settled(manager, event.settlementId)) return false;
    const now = nowIso();
    const entitlementId = entitlementIdOf(event.beneficiaryId, event.year);
    // The entitlement's row lock serialises a household-year's events when it exists; before, the insert's key does.
    await this.repository.lockEntitlement(manager, entitlementId);
    const charity = event.lines.find((line) => line.tier === "charity")?.amount ?? "0.00";
    await manager.insert(CharitySettledClaimEntity, {
      settlementId: event.settlementId,
      claimId: event.claimId,
      beneficiaryId: event.beneficiaryId,
      jurisdiction: event.jurisdiction,
      year: event.year,
      status: "CURRENT",
      complete: event.status === "COMPLETE",
      date: event.date,
      kind: event.kind,
      total: new Money(event.total),
      policyScope: new Money(event.policyScope),
      selfPay: new Money(event.selfPay),
      charity: new Money(charity),
      packId: event.packId,
      packVersion: event.packVersion,
      category: event.category,
      lines: JSON.stringify(event.lines),
      categoriesInYear: event.household.categoriesInYear.join(","),
      categoriesAtYearEnd: event.household.categoriesAtYearEnd.join(","),
      eventSequence: sequence,
      appliedAt: now,
    });
    // A claim has one current settlement: the one it supersedes (and any other left current) steps back.
    await this.repository.supersedeOthers(manager, event.claimId, event.settlementId);
    await this.recordHousehold(manager, event, sequence, now);
    const amount = sumMoney((await this.repository.currentSettledOfYear(manager, event.beneficiaryId, event.year)).filter((c) => c.complete).map((c) => c.charity));
    const entitlement = await this.repository.entitlement(manager, entitlementId);
    if (entitlement) {
      if (!entitlement.amount.equals(amount)) await this.saveEntitlement(manager, entitlement, amount, entitlement.allocated, event.claimId);
    } else if (!amount.isZero()) {
      const opened: EntitlementEntity = { id: entitlementId, beneficiaryId: event.beneficiaryId, jurisdiction: event.jurisdiction, year: event.year, amount, allocated: ZERO, outstanding: amount, status: "OPEN", claimId: event.claimId, lockCounter: 0, openedAt: now, updatedAt: now };
      await assertEntitlementWrite(manager, this.repository, opened);
      await manager.insert(EntitlementEntity, opened);
    }
    return true;
  }

  /** The household as its latest event described it (an older event arriving late does not win). */
  private async recordHousehold(manager: EntityManager, event: SettlementRecorded, sequence: number, now: string): Promise<void> {
    const household = { jurisdiction: event.jurisdiction, name: event.household.name, nationalId: event.household.nationalId, township: event.household.township, eventSequence: sequence, updatedAt: now };
    const known = await this.repository.household(manager, event.beneficiaryId);
    if (!known) await manager.insert(CharityHouseholdEntity, { beneficiaryId: event.beneficiaryId, ...household });
    else if (known.eventSequence < sequence) await manager.update(CharityHouseholdEntity, { beneficiaryId: event.beneficiaryId }, household);
  }

  /** What the ledger has allocated to a household's year, net of reversals; 0 without an entitlement. */
  async allocatedTo(beneficiaryId: string, year: number): Promise<Money> {
    return (await this.repository.entitlement(this.dataSource.manager, entitlementIdOf(beneficiaryId, year)))?.allocated ?? ZERO;
  }

  /** The funds the caller may see. */
  funds(principal: Principal, jurisdiction?: string | null): Promise<CharityFundEntity[]> {
    return this.repository.fundsOf(this.dataSource.manager, principal.listedJurisdictions(jurisdiction));
  }

  /** A page of the entitlements the caller may see, largest outstanding first. */
  entitlements(principal: Principal, query: { statuses: readonly EntitlementStatus[]; jurisdiction?: string | null; limit: number; after?: { outstanding: string; id: string } }): Promise<EntitlementEntity[]> {
    const { jurisdiction, ...rest } = query;
    if (rest.statuses.length === 0) return Promise.resolve([]);
    return this.repository.entitlementPage(this.dataSource.manager, { ...rest, jurisdictions: principal.listedJurisdictions(jurisdiction) });
  }

  /** A household's entitlements, year by year; none when the caller may not see its jurisdiction. */
  entitlementsOfHousehold(principal: Principal, beneficiaryKey: string, jurisdiction: string): Promise<EntitlementEntity[]> {
    if (!principal.canSee(jurisdiction)) return Promise.resolve([]);
    return this.dataSource.manager.find(EntitlementEntity, { where: { beneficiaryId: beneficiaryKey }, order: { year: "ASC" } });
  }

  /** A fund the caller may see, or NOT_FOUND. */
  fund(principal: Principal, id: string): Promise<CharityFundEntity> {
    return this.visibleFund(this.dataSource.manager, principal, id, "fundId");
  }

  /** Income, spending and households served by a fund between two dates (inclusive). */
  async fundReport(principal: Principal, fundId: string, from: string, to: string): Promise<FundReport> {
    if (to < from) throw new DomainError("INVALID_DATE", "to", "to: 结束日期早于开始日期 / ends before it starts");
    const fund = await this.fund(principal, fundId);
    const entries = await this.repository.ledgerOf(this.dataSource.manager, fundId);
    const before = entries.filter((e) => e.createdAt.slice(0, 10) < from);
    const inside = entries.filter((e) => e.createdAt.slice(0, 10) >= from && e.createdAt.slice(0, 10) <= to);
    const sum = (types: LedgerType[], direction?: "IN" | "OUT") => inside.filter((e) => types.includes(e.type) && (!direction || e.direction === direction)).reduce((t, e) => t.plus(e.amount), ZERO);
    const reversed = new Set(entries.filter((e) => e.reversesEntryId !== null).map((e) => e.reversesEntryId));
    const households = new Set(inside.filter((e) => e.type === "ALLOCATION" && !reversed.has(e.id)).map((e) => e.beneficiaryId));
    assertFundReportReads(entries);
    const openingBalance = before.length ? before[before.length - 1].balanceAfter : ZERO;
    return {
      fund,
      from,
      to,
      openingBalance,
      income: sum(["DONATION", "GRANT"]),
      transfersIn: sum(["TRANSFER_IN"]),
      transfersOut: sum(["TRANSFER_OUT"]),
      allocations: sum(["ALLOCATION"]),
      reversals: sum(["REVERSAL"]),
      closingBalance: inside.length ? inside[inside.length - 1].balanceAfter : openingBalance,
      householdsServed: households.size,
      entries: inside.length,
    };
  }

  /**
   * The resolution statement (化解清单) of a household's year: every claim with what each layer
   * paid under which rule and clause, the charity allocations with their funds, and what the
   * household still pays.
   */
  async statement(principal: Principal, callerId: string, year: number, jurisdiction?: string | null): Promise<ResolutionStatement> {
    const manager = this.dataSource.manager;
    const household = onlyOne(await this.repository.households(manager, candidateKeys(principal, callerId, this.packs.jurisdictions(), jurisdiction)), "beneficiary", callerId, "jurisdiction");
    if (!household) throw notFound("beneficiary", callerId, "beneficiaryId");
    const beneficiaryId = household.beneficiaryId;
    const settled = (await this.repository.currentSettledOfYear(manager, beneficiaryId, year)).sort((a, b) => (a.date === b.date ? a.claimId.localeCompare(b.claimId) : a.date < b.date ? -1 : 1));
    const linesOf = new Map(settled.map((s) => [s.settlementId, JSON.parse(s.lines) as SettlementRecordedLine[]]));
    assertStatementReads(settled.map((s) => ({ id: s.settlementId, total: s.total, selfPay: s.selfPay, lines: linesOf.get(s.settlementId)!.map((l) => ({ tier: l.tier, amount: new Money(l.amount) })) })));
    const claims = settled.map((s) => {
      const own = linesOf.get(s.settlementId)!;
      return {
        claimId: partnerId(s.claimId),
        date: s.date,
        kind: s.kind,
        total: s.total,
        policyScope: s.policyScope,
        packId: s.packId,
        packVersion: s.packVersion,
        category: s.category,
        lines: own.map((l) => {
          const amount = new Money(l.amount);
          const line = { tier: l.tier, amount, ruleId: l.ruleId, ruleName: l.ruleName, clause: l.clause, reason: l.reason, source: l.source, figures: l.figures };
          return { ...line, explanation: explainLine(line, l.category ?? s.category) };
        }),
        selfPayBeforeCharity: s.selfPay.plus(s.charity),
      };
    });
    const tierTotals = TIERS.map((tier) => ({ tier, amount: claims.reduce((sum, c) => sum.plus(c.lines.find((l) => l.tier === tier)?.amount ?? ZERO), ZERO) }));
    const entries = await this.repository.entriesOfEntitlements(manager, [entitlementIdOf(beneficiaryId, year)]);
    const reversed = new Set(entries.filter((e) => e.reversesEntryId !== null).map((e) => e.reversesEntryId));
    const funds = new Map((await this.repository.fundsByIds(manager, [...new Set(entries.map((e) => e.fundId))])).map((f) => [f.id, f]));
    const allocations = entries
      .filter((e) => e.type === "ALLOCATION")
      .map((e) => ({ entryId: e.id, fundId: e.fundId, fundName: funds.get(e.fundId)?.name ?? e.fundId, amount: e.amount, date: e.createdAt.slice(0, 10), reversed: reversed.has(e.id), fundOrderRule: e.fundOrderRule, reason: e.reason }));
    const charityAllocated = allocations.filter((a) => !a.reversed).reduce((sum, a) => sum.plus(a.amount), ZERO);
    const billTotal = claims.reduce((sum, c) => sum.plus(c.total), ZERO);
    const selfPayBeforeCharity = claims.reduce((sum, c) => sum.plus(c.selfPayBeforeCharity), ZERO);
    const pack = this.packs.packForYear(household.jurisdiction, year);
    // The categories as of the household-year's latest settlement event (event-carried state).
    const latest = await this.repository.latestSettledOfYear(manager, beneficiaryId, year);
    const categories = categoryList(latest?.categoriesInYear ?? "").map((c) => pack?.document.categories.find((d) => d.id === c)?.name ?? CATEGORY_NAMES_ZH[c]);
    const content = { claims, allocations, categories, name: household.name };
    return {
      serial: statementSerial(beneficiaryId, year, content),
      beneficiary: {
        id: partnerId(beneficiaryId),
        name: household.name,
        nationalId: principal.nationalIdAsSeen(household.nationalId),
        jurisdiction: household.jurisdiction,
        jurisdictionName: pack?.document.jurisdiction.name ?? household.jurisdiction,
        township: household.township,
        categories,
      },
      year,
      claims,
      tierTotals,
      billTotal,
      selfPayBeforeCharity,
      charityEntitlement: tierTotals.find((t) => t.tier === "charity")!.amount,
      allocations,
      charityAllocated,
      stillPays: selfPayBeforeCharity.minus(charityAllocated),
    };
  }

  private async visibleFund(manager: EntityManager, principal: Principal, id: string, field: string): Promise<CharityFundEntity> {
    const fund = await this.repository.fund(manager, id);
    if (!fund || !principal.canSee(fund.jurisdiction)) throw notFound("fund", id, field);
    return fund;
  }
}
