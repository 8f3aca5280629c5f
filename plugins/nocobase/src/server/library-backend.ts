/**
 * Library mode: the settlement engine runs inside NocoBase, on the rule packs shipped with the
 * plugin, and each household's year-to-date account is carried by an append-only collection of
 * settlements in NocoBase's own database (through NocoBase's repositories, not the gateway's
 * TypeORM entities).
 */
import type Database from "@nocobase/database";
import { claimFingerprint } from "../../../../src/engine/annual-accounts";
import type { PackRegistry } from "../../../../src/engine/pack-registry";
import { planYear, type StoredAmounts, type YearBill, type YearPlan } from "../../../../src/engine/plan-year";
import { linkedYears } from "../../../../src/engine/medical-year";
import type { Tier, TierYearToDate, YearToDate } from "../../../../src/engine/types";
import { TIERS } from "../../../../src/engine/vocabulary";
import { emptyYearToDate } from "../../../../src/engine/year-to-date";
import { readClaim } from "../../../../src/engine/input";
import { yearOf } from "../../../../src/lib/dates";
import { DomainError } from "../../../../src/lib/errors";
import { formatAmount, money, ZERO } from "../../../../src/lib/money";
import { amountText } from "./amounts";
import type { CaseInput } from "./case-input";
import { SETTLEMENTS_COLLECTION } from "./collections";
import type { SettlementBackend, WriteBack } from "./settlement-backend";
import { fromEngineSettlement, type CaseSettlement, type HouseholdStatement } from "./settlement-result";

/** Runs work while holding a named lock (NocoBase's lock manager, which spans a cluster when configured). */
export type ExclusiveRunner = <T>(key: string, work: () => Promise<T>) => Promise<T>;

type StoredYearToDate = Record<string, { base: string; paid: string }>;

/** A settlement row as NocoBase returns it. */
interface SettlementRow {
  id: number;
  caseId: string | number;
  /** The row this one replaces (the same case settled again when an earlier bill arrived), or null. */
  supersedesId: number | null;
  /** The claim as the engine reads it, kept so that the year can be settled again. */
  claim: Record<string, unknown>;
  claimId: string;
  beneficiaryId: string;
  year: number;
  sequence: number;
  fingerprint: string;
  packId: string;
  packVersion: number;
  category: string | null;
  date: string;
  kind: string;
  /** Amounts: text on MySQL and PostgreSQL, numbers on SQLite, until `readRow`. */
  total: string;
  policyScope: string;
  selfPay: string;
  lines: CaseSettlement["lines"];
  yearToDateAfter: StoredYearToDate;
}

/** How many times a settlement is retried when another process took the same sequence number. */
const SEQUENCE_ATTEMPTS = 5;

function storeYearToDate(ytd: YearToDate): StoredYearToDate {
  const stored: StoredYearToDate = {};
  for (const tier of TIERS) stored[tier] = { base: formatAmount(ytd.tiers[tier].base), paid: formatAmount(ytd.tiers[tier].paid) };
  return stored;
}

function readYearToDate(beneficiaryId: string, year: number, stored: StoredYearToDate): YearToDate {
  const tiers = {} as Record<Tier, TierYearToDate>;
  for (const tier of TIERS) tiers[tier] = stored[tier] ? { base: money(stored[tier].base), paid: money(stored[tier].paid) } : { base: ZERO, paid: ZERO };
  return { beneficiaryId, year, tiers };
}

/** A settlement row with its amounts as text (SQLite hands DECIMAL columns out as numbers). */
function readRow(row: SettlementRow): SettlementRow {
  return { ...row, total: amountText(row.total, "total"), policyScope: amountText(row.policyScope, "policyScope"), selfPay: amountText(row.selfPay, "selfPay") };
}

function storedSettlement(row: SettlementRow): CaseSettlement {
  return {
    claimId: row.claimId,
    packId: row.packId,
    packVersion: row.packVersion,
    category: row.category,
    total: row.total,
    policyScope: row.policyScope,
    selfPay: row.selfPay,
    lines: row.lines,
  };
}

/** A bill of the household's year: its current row (null for the bill being settled) and jurisdiction. */
interface HouseholdBill extends YearBill {
  row: SettlementRow | null;
  jurisdiction: string;
}

/** The rows no later row supersedes: each settled case's settlement as it stands. */
function currentRows(rows: SettlementRow[]): SettlementRow[] {
  const superseded = new Set(rows.map((row) => row.supersedesId).filter((id) => id !== null).map(Number));
  return rows.filter((row) => !superseded.has(Number(row.id)));
}

/**
 * Each row's arrival number: the sequence of the first row of its case. A superseding row gets a
 * new sequence, but the bill arrived when its case was first settled, and same-date bills keep
 * that order on every later replay.
 */
function arrivalNumbers(rows: SettlementRow[]): Map<number, number> {
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  const arrival = new Map<number, number>();
  for (const row of rows) {
    const superseded = row.supersedesId === null ? undefined : byId.get(Number(row.supersedesId));
    arrival.set(Number(row.id), superseded ? arrival.get(Number(superseded.id))! : row.sequence);
  }
  return arrival;
}

/** A row's amounts as the year's plan compares them. */
function storedAmounts(row: SettlementRow): StoredAmounts {
  return { packId: row.packId, packVersion: row.packVersion, category: row.category, selfPay: money(row.selfPay), lines: row.lines.map((line) => ({ tier: line.tier as Tier, amount: money(amountText(line.amount, "amount")) })) };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === "SequelizeUniqueConstraintError";
}

export class LibraryBackend implements SettlementBackend {
  readonly mode = "library" as const;

  /**
   * `database` gives NocoBase's current database: enabling a plugin in a running app reloads the
   * app with a new database object, so the backend must not hold on to the one it started with.
   */
  constructor(
    private readonly database: () => Database,
    private readonly packs: PackRegistry,
    private readonly exclusive: ExclusiveRunner,
  ) {}

  private get settlements() {
    return this.database().getRepository(SETTLEMENTS_COLLECTION);
  }

  /**
   * What settling the bill would give, without writing: the same computation as `settle`, so that
   * a quote for a bill dated before settled ones replays the year in date order as settling would.
   */
  async quote(input: CaseInput): Promise<CaseSettlement> {
    const rows = await this.spanRows(input.beneficiary.id, this.spanOf(input));
    return fromEngineSettlement(this.plan(rows, currentRows(rows), input).settlements.find((step) => step.bill.row === null)!.settlement!);
  }

  /**
   * The natural years planned together with the bill's: its own, and those an identification's
   * medical year links with it (聊城 四(一): looked-back costs of the year before count in the
   * identification's year), as the gateway plans them (engine/medical-year).
   */
  private spanOf(input: CaseInput): number[] {
    const year = yearOf(input.claim.date);
    try {
      return linkedYears(this.packs.packFor(input.jurisdiction, input.claim.date), input.beneficiary, year);
    } catch {
      // No pack in force: settling refuses the bill with its own code.
      return [year];
    }
  }

  /** The settlement rows of a household's linked years, year by year, each in the order written. */
  private async spanRows(beneficiaryId: string, years: readonly number[], transaction?: unknown): Promise<SettlementRow[]> {
    const rows: SettlementRow[] = [];
    for (const year of years) rows.push(...(await this.yearRows(beneficiaryId, year, transaction)));
    return rows;
  }

  /** Every settlement row of a household's year, in the order they were written. */
  private async yearRows(beneficiaryId: string, year: number, transaction?: unknown): Promise<SettlementRow[]> {
    const found: Array<{ toJSON(): unknown }> = await this.settlements.find({ filter: { beneficiaryId, year }, sort: ["sequence"], transaction: transaction as never });
    return found.map((row) => readRow(row.toJSON() as SettlementRow));
  }

  async settle(caseId: string, input: CaseInput, writeBack: WriteBack): Promise<CaseSettlement> {
    const years = this.spanOf(input);
    const fingerprint = claimFingerprint(input.claim);
    // The lock keeps one NocoBase process from settling two bills of a household at once; the unique
    // index on (beneficiary, year, sequence) catches what a lock cannot see (another process
    // without a shared lock adapter), and the settlement is then computed again.
    return this.exclusive(`medassist:settle:${input.beneficiary.id}:${years[0]}`, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.database().sequelize.transaction(async (transaction) => {
            const rows = await this.spanRows(input.beneficiary.id, years, transaction);
            const current = currentRows(rows);
            const existing = current.find((row) => String(row.caseId) === caseId);
            if (existing) {
              if (existing.fingerprint === fingerprint) return storedSettlement(existing);
              throw new DomainError("CONFLICT", "caseId", `案件 ${caseId} 已于此前结算，结算后费用或身份已修改；更正请新建案件 / case ${caseId} was settled and has changed since; record a correction as a new case`);
            }
            const plan = this.plan(rows, current, input);
            // Each row goes to its bill's year, numbered after that year's rows, with that year's account.
            const sequences = new Map(years.map((y) => [y, rows.filter((r) => Number(r.year) === y).at(-1)?.sequence ?? 0]));
            let created: CaseSettlement | null = null;
            for (const step of plan.settlements) {
              if (!step.changed) continue;
              const year = yearOf(step.bill.claim.date);
              const sequence = sequences.get(year)! + 1;
              sequences.set(year, sequence);
              const yearToDate = storeYearToDate(plan.accounts.find((account) => account.year === year) ?? plan.yearToDate);
              const row = step.bill.row;
              const settlement = fromEngineSettlement(step.settlement!);
              await this.settlements.create({
                values: {
                  caseId: row ? row.caseId : caseId,
                  claimId: settlement.claimId,
                  beneficiaryId: input.beneficiary.id,
                  year,
                  sequence,
                  supersedesId: row ? row.id : null,
                  cause: row ? "OUT_OF_ORDER" : "INITIAL",
                  fingerprint: row ? row.fingerprint : fingerprint,
                  claim: row ? row.claim : input.rawClaim,
                  packId: settlement.packId,
                  packVersion: settlement.packVersion,
                  category: settlement.category,
                  date: step.bill.claim.date,
                  kind: step.bill.claim.kind,
                  total: settlement.total,
                  policyScope: settlement.policyScope,
                  selfPay: settlement.selfPay,
                  lines: settlement.lines,
                  yearToDateAfter: yearToDate,
                },
                transaction,
              });
              await writeBack(row ? String(row.caseId) : caseId, settlement, transaction);
              if (!row) created = settlement;
            }
            return created!;
          });
        } catch (error) {
          if (isUniqueViolation(error) && attempt < SEQUENCE_ATTEMPTS) continue;
          throw error;
        }
      }
    });
  }

  /**
   * The household's year with the new bill, as the engine plans it (the same `planYear` as the
   * gateway): settled after the year's bills from the latest account, or, when it is dated before
   * some of them, the year settled again in date order. Bills whose amounts change get a new row
   * that supersedes the old one.
   */
  private plan(rows: SettlementRow[], current: SettlementRow[], input: CaseInput): YearPlan<HouseholdBill, StoredAmounts> {
    const year = yearOf(input.claim.date);
    const arrivals = arrivalNumbers(rows);
    // The latest row of the bill's own year carries that year's account (a linked span is planned from its start).
    const latest = rows.filter((row) => Number(row.year) === year).at(-1) ?? null;
    const bills: HouseholdBill[] = [
      ...current.map((row) => ({ row, claim: readClaim(row.claim, input.beneficiary.id, "claim"), arrival: arrivals.get(Number(row.id))!, jurisdiction: row.packId })),
      { row: null, claim: input.claim, arrival: (latest?.sequence ?? 0) + 1, jurisdiction: input.jurisdiction },
    ];
    return planYear({
      beneficiary: input.beneficiary,
      year,
      bills,
      current: (bill) => (bill.row ? storedAmounts(bill.row) : null),
      packFor: (bill) => this.packs.packFor(bill.jurisdiction, bill.claim.date),
      storedYearToDate: latest ? readYearToDate(input.beneficiary.id, year, latest.yearToDateAfter) : emptyYearToDate(input.beneficiary.id, year),
    });
  }

  async statement(beneficiaryId: string, year: number): Promise<HouseholdStatement> {
    const rows = currentRows(await this.yearRows(beneficiaryId, year)).sort((a, b) => (a.date === b.date ? a.sequence - b.sequence : a.date < b.date ? -1 : 1));
    const claims = rows.map((row) => {
      const charity = row.lines.find((line) => line.tier === "charity")?.amount ?? "0.00";
      return {
        claimId: row.claimId,
        date: row.date,
        kind: row.kind,
        packId: row.packId,
        packVersion: row.packVersion,
        total: row.total,
        policyScope: row.policyScope,
        selfPayBeforeCharity: formatAmount(money(row.selfPay).plus(money(charity))),
        lines: row.lines.map((line) => ({ tier: line.tier, amount: line.amount, clause: line.clause, ruleId: line.ruleId, reason: line.reason })),
      };
    });
    const sum = (amounts: string[]) => formatAmount(amounts.reduce((total, amount) => total.plus(money(amount)), ZERO));
    const tierTotals = TIERS.map((tier) => ({ tier, amount: sum(claims.map((claim) => claim.lines.find((line) => line.tier === tier)?.amount ?? "0.00")) }));
    return {
      beneficiaryId,
      year,
      source: "library",
      claims,
      tierTotals,
      billTotal: sum(claims.map((claim) => claim.total)),
      selfPayBeforeCharity: sum(claims.map((claim) => claim.selfPayBeforeCharity)),
      charityEntitlement: tierTotals.find((total) => total.tier === "charity")!.amount,
      allocations: null,
      charityAllocated: null,
      stillPays: null,
    };
  }
}
