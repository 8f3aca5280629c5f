/**
 * 资助参保 for the finance office: a person's subsidy for a year, and the totals per category of
 * a jurisdiction's year.
 */
import { DomainError } from "../lib/errors";
import { ZERO, type Money } from "../lib/money";
import type { CompiledPack } from "../engine/compiled-pack";
import type { PremiumSubsidyResult } from "../engine/premium-subsidy";
import type { Principal } from "../access/principal";
import type { RulePackService } from "../rules/rule-pack.service";
import type { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import type { BeneficiaryPage } from "../beneficiary/beneficiary-source";

export interface PersonSubsidy extends PremiumSubsidyResult {
  beneficiaryId: string;
  year: number;
  jurisdiction: string;
  packId: string;
  packVersion: number;
  document: string;
}

export interface SubsidyReportRow {
  category: string;
  ruleId: string | null;
  count: number;
  /** Null when some person's amount is unknown because a figure has no value. */
  total: Money | null;
  missing: string[];
}

export interface SubsidyReport {
  jurisdiction: string;
  year: number;
  packVersion: number;
  rows: SubsidyReportRow[];
  people: number;
  total: Money | null;
}

export class PremiumService {
  constructor(
    private readonly packs: RulePackService,
    /** People's certified records, through the beneficiary port. */
    private readonly people: BeneficiaryLookup,
  ) {}

  private packOf(jurisdiction: string, year: number): CompiledPack {
    // A year from a URL may be NaN, which no pack lookup refuses by itself.
    if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new DomainError("INVALID_INPUT", "year", `year: 须为四位年份 / a year YYYY (got ${year})`);
    const pack = this.packs.packForYear(jurisdiction, year);
    if (!pack) throw new DomainError("NO_PACK_IN_FORCE", "year", `year: ${jurisdiction} 在 ${year} 年无有效政策 / no pack of ${jurisdiction} is in force in ${year}`);
    if (!pack.premium) throw new DomainError("NOT_FOUND", "jurisdiction", `${jurisdiction} 的规则包没有参保资助规则 / the pack has no premium-subsidy rules`);
    return pack;
  }

  /** One person's subsidy for a year, with the rule and clause. */
  async forPerson(principal: Principal, beneficiaryId: string, year: number, jurisdiction?: string | null, overrides: Record<string, unknown> = {}): Promise<PersonSubsidy> {
    const person = await this.people.visible(principal, beneficiaryId, jurisdiction, "beneficiaryId");
    const pack = this.packOf(person.jurisdiction, year).withParameters(overrides);
    return this.describe(pack, beneficiaryId, year, pack.premium!.compute(person.beneficiary, year, pack.precedence, pack.parameters, pack.transitions));
  }

  private describe(pack: CompiledPack, beneficiaryId: string, year: number, result: PremiumSubsidyResult): PersonSubsidy {
    return { ...result, beneficiaryId, year, jurisdiction: pack.id, packId: pack.id, packVersion: pack.version, document: pack.document.source.document };
  }

  /** Count and total per category of a jurisdiction's people for a year (ADMIN, CHARITY, the jurisdiction's PARTNER). */
  async report(principal: Principal, jurisdiction: string, year: number): Promise<SubsidyReport> {
    principal.requireJurisdiction(jurisdiction);
    const pack = this.packOf(jurisdiction, year);
    const rows = new Map<string, SubsidyReportRow>();
    let people = 0;
    let after: string | null = null;
    do {
      const page: BeneficiaryPage = await this.people.source.page(jurisdiction, after, 500, { principal });
      after = page.next;
      for (const { beneficiary } of page.records) {
        const result = pack.premium!.compute(beneficiary, year, pack.precedence, pack.parameters, pack.transitions);
        if (!result.ruleId) continue;
        people++;
        const key = result.category ?? "NONE";
        const row = rows.get(key) ?? { category: key, ruleId: result.ruleId, count: 0, total: ZERO, missing: [] };
        row.count++;
        row.total = row.total === null || result.amount === null ? null : row.total.plus(result.amount);
        for (const m of result.missing) if (!row.missing.includes(m)) row.missing.push(m);
        rows.set(key, row);
      }
    } while (after !== null);
    const ordered = [...rows.values()].sort((a, b) => pack.precedence.indexOf(a.category as never) - pack.precedence.indexOf(b.category as never));
    const total = ordered.reduce<Money | null>((sum, row) => (sum === null || row.total === null ? null : sum.plus(row.total)), ZERO);
    return { jurisdiction, year, packVersion: pack.version, rows: ordered, people, total };
  }
}

/** The report as CSV for a spreadsheet (UTF-8 with a byte-order mark so that Excel reads Chinese). */
export function subsidyReportCsv(report: SubsidyReport): string {
  const lines = [["jurisdiction", "year", "category", "rule", "count", "total_yuan", "missing_parameters"].join(",")];
  for (const row of report.rows) {
    lines.push([report.jurisdiction, report.year, row.category, row.ruleId ?? "", row.count, row.total ? row.total.toFixed(2) : "", row.missing.join(" ")].join(","));
  }
  lines.push([report.jurisdiction, report.year, "ALL", "", report.people, report.total ? report.total.toFixed(2) : "", ""].join(","));
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}
