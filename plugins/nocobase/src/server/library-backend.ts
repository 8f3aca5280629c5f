/**
 * Library mode: the settlement engine runs inside NocoBase, on the rule packs shipped with the
 * plugin, and each household's year-to-date account is carried by an append-only collection of
 * settlements in NocoBase's own database (through NocoBase's repositories, not the gateway's
 * TypeORM entities).
 */
import type Database from "@nocobase/database";
import { claimFingerprint } from "../../../../src/engine/annual-accounts";
import type { PackRegistry } from "../../../../src/engine/pack-registry";
import { settle } from "../../../../src/engine/settle";
import type { Tier, TierYearToDate, YearToDate } from "../../../../src/engine/types";
import { TIERS } from "../../../../src/engine/vocabulary";
import { emptyYearToDate } from "../../../../src/engine/year-to-date";
import { yearOf } from "../../../../src/lib/dates";
import { DomainError } from "../../../../src/lib/errors";
import { formatAmount, money, ZERO } from "../../../../src/lib/money";
import { amountText } from "./amounts";
import type { CaseInput } from "./case-input";
import { SETTLEMENTS_COLLECTION } from "./collections";
import type { SettlementBackend } from "./settlement-backend";
import { fromEngineSettlement, type CaseSettlement, type HouseholdStatement } from "./settlement-result";

/** Runs work while holding a named lock (NocoBase's lock manager, which spans a cluster when configured). */
export type ExclusiveRunner = <T>(key: string, work: () => Promise<T>) => Promise<T>;

type StoredYearToDate = Record<string, { base: string; paid: string }>;

/** A settlement row as NocoBase returns it. */
interface SettlementRow {
  caseId: string | number;
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

  /** The latest settlement of a household's year: its account after that settlement. */
  private async latest(beneficiaryId: string, year: number, transaction?: unknown): Promise<SettlementRow | null> {
    const row = await this.settlements.findOne({ filter: { beneficiaryId, year }, sort: ["-sequence"], transaction: transaction as never });
    return row ? readRow(row.toJSON() as SettlementRow) : null;
  }

  async quote(input: CaseInput): Promise<CaseSettlement> {
    const pack = this.packs.packFor(input.jurisdiction, input.claim.date);
    const year = yearOf(input.claim.date);
    const latest = await this.latest(input.beneficiary.id, year);
    const before = latest ? readYearToDate(input.beneficiary.id, year, latest.yearToDateAfter) : emptyYearToDate(input.beneficiary.id, year);
    return fromEngineSettlement(settle(pack, input.beneficiary, input.claim, before).settlement);
  }

  async settle(caseId: string, input: CaseInput, writeBack: (settlement: CaseSettlement, transaction: unknown) => Promise<void>): Promise<CaseSettlement> {
    const year = yearOf(input.claim.date);
    const fingerprint = claimFingerprint(input.claim);
    // The lock keeps one NocoBase process from settling two bills of a household at once; the unique
    // index on (beneficiary, year, sequence) catches what a lock cannot see (another process
    // without a shared lock adapter), and the settlement is then computed again.
    return this.exclusive(`medassist:settle:${input.beneficiary.id}:${year}`, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.database().sequelize.transaction(async (transaction) => {
            const existing = await this.settlements.findOne({ filter: { caseId }, transaction });
            if (existing) {
              const row = readRow(existing.toJSON() as SettlementRow);
              if (row.fingerprint === fingerprint) return storedSettlement(row);
              throw new DomainError("CONFLICT", "caseId", `案件 ${caseId} 已于此前结算，结算后费用或身份已修改；更正请新建案件 / case ${caseId} was settled and has changed since; record a correction as a new case`);
            }
            const pack = this.packs.packFor(input.jurisdiction, input.claim.date);
            const latest = await this.latest(input.beneficiary.id, year, transaction);
            const before = latest ? readYearToDate(input.beneficiary.id, year, latest.yearToDateAfter) : emptyYearToDate(input.beneficiary.id, year);
            const result = settle(pack, input.beneficiary, input.claim, before);
            const settlement = fromEngineSettlement(result.settlement);
            await this.settlements.create({
              values: {
                caseId,
                claimId: settlement.claimId,
                beneficiaryId: input.beneficiary.id,
                year,
                sequence: (latest?.sequence ?? 0) + 1,
                fingerprint,
                packId: settlement.packId,
                packVersion: settlement.packVersion,
                category: settlement.category,
                date: input.claim.date,
                kind: input.claim.kind,
                total: settlement.total,
                policyScope: settlement.policyScope,
                selfPay: settlement.selfPay,
                lines: settlement.lines,
                yearToDateAfter: storeYearToDate(result.yearToDate),
              },
              transaction,
            });
            await writeBack(settlement, transaction);
            return settlement;
          });
        } catch (error) {
          if (isUniqueViolation(error) && attempt < SEQUENCE_ATTEMPTS) continue;
          throw error;
        }
      }
    });
  }

  async statement(beneficiaryId: string, year: number): Promise<HouseholdStatement> {
    const found: Array<{ toJSON(): unknown }> = await this.settlements.find({ filter: { beneficiaryId, year }, sort: ["sequence"] });
    const rows = found.map((row) => readRow(row.toJSON() as SettlementRow));
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
