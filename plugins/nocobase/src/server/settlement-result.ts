/**
 * One shape for a settlement, whichever way it was computed (the engine in-process, or the gateway
 * over GraphQL): amounts as strings with two decimals, one line per tier with the rule and clause
 * that paid it or the reason it paid nothing. From it come the values written back into the case.
 */
import type { Settlement } from "../../../../src/engine/types";
import { citationText } from "../../../../src/engine/citation";
import { explainLine } from "../../../../src/engine/explain-line";
import { CATEGORY_NAMES_ZH, TIERS, type Category } from "../../../../src/engine/vocabulary";
import { formatAmount, formatYuan, money } from "../../../../src/lib/money";
import { PAID_FIELD, RESULT_FIELDS } from "./collections";

export interface CaseSettlementLine {
  tier: string;
  amount: string;
  source: string;
  ruleId: string | null;
  /** Document number and clause, e.g. 聊政办发〔2022〕5号 三(四)1. */
  clause: string | null;
  formula: string | null;
  figures: Record<string, string>;
  reason: string | null;
  note: string;
  /** The category whose rule this tier followed (就高不重复 per tier); absent from older rows. */
  category?: string | null;
  /** The line as one Chinese sentence from its figures (the engine's explainLine); set for the case worker. */
  sentence?: string;
}

export interface CaseSettlement {
  claimId: string;
  packId: string;
  packVersion: number;
  category: string | null;
  total: string;
  policyScope: string;
  selfPay: string;
  lines: CaseSettlementLine[];
}

/** An engine settlement in the common shape. */
export function fromEngineSettlement(settlement: Settlement): CaseSettlement {
  return {
    claimId: settlement.claimId,
    packId: settlement.packId,
    packVersion: settlement.packVersion,
    category: settlement.category,
    total: formatAmount(settlement.total),
    policyScope: formatAmount(settlement.policyScope),
    selfPay: formatAmount(settlement.selfPay),
    lines: settlement.lines.map((line) => ({
      tier: line.tier,
      amount: formatAmount(line.amount),
      source: line.source,
      ruleId: line.ruleId,
      clause: citationText(line.citation),
      formula: line.formula,
      figures: line.figures,
      reason: line.reason,
      note: line.note,
      category: line.category,
    })),
  };
}

/** The line as a sentence in words, with the figures the engine used (the product's one explainLine). */
function sentenceOf(line: CaseSettlementLine, category: string | null): string {
  return explainLine({ ...line, amount: money(line.amount) }, line.category ?? category, "ZH");
}

/** The settlement with each line's sentence, as the case worker's block shows it. */
export function withSentences(settlement: CaseSettlement): CaseSettlement {
  return { ...settlement, lines: settlement.lines.map((line) => ({ ...line, sentence: sentenceOf(line, settlement.category) })) };
}

/** The settlement in words, one sentence per tier with its clause, as a case worker reads it to a household. */
export function explanation(settlement: CaseSettlement): string {
  const category = settlement.category ? (CATEGORY_NAMES_ZH[settlement.category as Category] ?? settlement.category) : "无（按普通参保人员）";
  const out = [`适用政策 ${settlement.packId} 第 ${settlement.packVersion} 版；救助身份：${category}；总费用 ${formatYuan(money(settlement.total))} 元，政策范围内 ${formatYuan(money(settlement.policyScope))} 元。`];
  for (const line of settlement.lines) out.push(`${sentenceOf(line, settlement.category)}${line.clause ? `（${line.clause}）` : ""}`);
  out.push(`个人自付：${formatYuan(money(settlement.selfPay))} 元`);
  return out.join("\n");
}

/** The case fields a settlement writes back. */
export function writeBackValues(settlement: CaseSettlement, settledAt: Date): Record<string, unknown> {
  const values: Record<string, unknown> = {
    [RESULT_FIELDS.status]: "SETTLED",
    [RESULT_FIELDS.settledAt]: settledAt,
    [RESULT_FIELDS.claimId]: settlement.claimId,
    [RESULT_FIELDS.pack]: `${settlement.packId} v${settlement.packVersion}`,
    [RESULT_FIELDS.category]: settlement.category,
    [RESULT_FIELDS.selfPay]: settlement.selfPay,
    [RESULT_FIELDS.explanation]: explanation(settlement),
    [RESULT_FIELDS.lines]: settlement.lines,
  };
  for (const tier of TIERS) values[PAID_FIELD[tier]] = settlement.lines.find((line) => line.tier === tier)?.amount ?? "0.00";
  return values;
}

/** A household's resolution statement (化解清单) for a year, in either mode. */
export interface HouseholdStatement {
  beneficiaryId: string;
  year: number;
  /** Where the statement comes from: this NocoBase (library mode) or the gateway. */
  source: "library" | "gateway";
  claims: Array<{ claimId: string; date: string; kind: string; packId: string; packVersion: number; total: string; policyScope: string; selfPayBeforeCharity: string; lines: Array<{ tier: string; amount: string; clause: string | null; ruleId: string | null; reason: string | null }> }>;
  tierTotals: Array<{ tier: string; amount: string }>;
  billTotal: string;
  selfPayBeforeCharity: string;
  charityEntitlement: string;
  /** Allocations from charity funds; kept in the gateway's ledger, so null in library mode. */
  allocations: Array<{ fundId: string; fundName: string; amount: string; date: string; reversed: boolean }> | null;
  charityAllocated: string | null;
  stillPays: string | null;
}
