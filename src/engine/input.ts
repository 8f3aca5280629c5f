/**
 * Checking input from partners and scenario files: raw JSON in, domain objects out, or a
 * DomainError naming the code, the field and the problem in words a case worker understands.
 * Nothing is changed by a refused input: checking happens before any state is touched.
 */
import { DomainError } from "../lib/errors";
import { formatAmount, Money, readAmount, ZERO, type AmountProblem } from "../lib/money";
import { isValidDate } from "../lib/dates";
import { APPLICATION_STATUSES, DEFAULT_INSURED_TYPE, INSURED_TYPES, isApplicationStatus, isCategory, isClaimKind, isInsuredType, isProgram, REPORTABLE_TIERS, TIERS, type InsuredType, type Program, type Tier } from "./vocabulary";
import { assumedApproval } from "./applications";
import type { Application, Beneficiary, CategoryPeriod, Claim, Fees } from "./types";

const AMOUNT_WORDS: Record<AmountProblem, string> = {
  NOT_A_STRING: "金额须为字符串 / an amount is a string such as \"1200.00\"",
  NOT_A_NUMBER: "不是金额 / not an amount",
  NEGATIVE: "金额不能为负 / an amount cannot be negative",
  TOO_MANY_DECIMALS: "金额最多两位小数 / at most 2 decimals (fen)",
};

/** Reads an amount field, or throws INVALID_AMOUNT naming the field. */
export function amountField(raw: unknown, field: string): Money {
  const value = readAmount(raw);
  if (typeof value === "string") {
    throw new DomainError("INVALID_AMOUNT", field, `${field}: ${AMOUNT_WORDS[value]} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** Reads a date field, or throws INVALID_DATE naming the field. */
export function dateField(raw: unknown, field: string): string {
  if (!isValidDate(raw)) {
    throw new DomainError("INVALID_DATE", field, `${field}: 日期无效 / not a calendar date YYYY-MM-DD (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

/**
 * What a plausible bill looks like, given by the caller (the gateway's configuration and clock; the
 * engine reads no environment). Without limits only the fixed earliest date applies.
 */
export interface ClaimLimits {
  /** The latest date a bill may carry: today in China. */
  latestDate: string;
  /** The largest amount one bill (its total, any part of it, any reported tier) may carry. */
  maxAmount: Money;
}

/** No medical-assistance scheme of the packs is older: an earlier date is a typing error. */
export const EARLIEST_CLAIM_DATE = "1990-01-01";

/** Reads a claim's date: a calendar date from 1990 up to `latestDate`, or INVALID_DATE. */
function claimDateField(raw: unknown, field: string, latestDate: string | undefined): string {
  const date = dateField(raw, field);
  if (date < EARLIEST_CLAIM_DATE) throw new DomainError("INVALID_DATE", field, `${field}: 日期早于 ${EARLIEST_CLAIM_DATE} / a bill cannot be dated before ${EARLIEST_CLAIM_DATE} (got ${date})`);
  if (latestDate !== undefined && date > latestDate) throw new DomainError("INVALID_DATE", field, `${field}: 日期晚于今天 ${latestDate} / a bill cannot be dated after today, ${latestDate} in China (got ${date})`);
  return date;
}

/** Reads an amount of a claim, refusing one above `maxAmount` with INVALID_AMOUNT. */
function claimAmountField(raw: unknown, field: string, maxAmount: Money | undefined): Money {
  const amount = amountField(raw, field);
  if (maxAmount !== undefined && amount.greaterThan(maxAmount)) {
    throw new DomainError("INVALID_AMOUNT", field, `${field}: 单笔金额不能超过 ${formatAmount(maxAmount)} / one bill's amounts cannot exceed ${formatAmount(maxAmount)} (got ${formatAmount(amount)})`);
  }
  return amount;
}

function objectField(raw: unknown, field: string): Record<string, unknown> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new DomainError("INVALID_INPUT", field, `${field}: 须为对象 / must be an object`);
  }
  return raw as Record<string, unknown>;
}

function idField(raw: unknown, field: string): string {
  if (typeof raw !== "string" || raw.trim() === "" || raw.length > 64) {
    throw new DomainError("INVALID_INPUT", field, `${field}: 须为 1–64 个字符的编号 / must be an id of 1–64 characters`);
  }
  return raw;
}

function insuredTypeField(raw: unknown, field: string): InsuredType {
  if (raw === undefined || raw === null) return DEFAULT_INSURED_TYPE;
  if (!isInsuredType(raw)) throw new DomainError("INVALID_INPUT", field, `${field}: 未知参保类型 / insuredType must be ${INSURED_TYPES.join(" or ")} (got ${JSON.stringify(raw)})`);
  return raw;
}

function flagField(raw: unknown, field: string): boolean {
  if (raw === undefined || raw === null) return true;
  if (typeof raw !== "boolean") throw new DomainError("INVALID_INPUT", field, `${field}: 须为 true 或 false / must be true or false`);
  return raw;
}

/** Reads a list of category periods (`identities`, `phaseOuts`) under `field`. */
function readPeriods(raw: unknown, field: string): CategoryPeriod[] {
  const list = raw ?? [];
  if (!Array.isArray(list)) throw new DomainError("INVALID_INPUT", field, `${field}: 须为列表 / must be a list`);
  return list.map((entry, i) => {
    const at = `${field}[${i}]`;
    const period = objectField(entry, at);
    if (!isCategory(period.category)) {
      throw new DomainError("UNKNOWN_CATEGORY", `${at}.category`, `${at}.category: 未知身份类别 / unknown category ${JSON.stringify(period.category)}`);
    }
    const from = dateField(period.from, `${at}.from`);
    const to = period.to === null || period.to === undefined ? null : dateField(period.to, `${at}.to`);
    if (to !== null && to < from) throw new DomainError("INVALID_DATE", `${at}.to`, `${at}.to: 结束日期早于开始日期 / ends before it starts`);
    return { category: period.category, from, to };
  });
}

/** An application as sent: `decision` null when the sender gave none (see assumedApproval). */
export interface SentApplication {
  program: Program;
  date: string;
  decision: Pick<Application, "status" | "decidedOn"> | null;
}

/**
 * Reads one application: programme, application date, and optionally the decision — `status`
 * PENDING (no `decidedOn`), or APPROVED / REFUSED with `decidedOn`, not before the application.
 */
export function readApplication(raw: unknown, at: string): SentApplication {
  const application = objectField(raw, at);
  if (!isProgram(application.program)) {
    throw new DomainError("INVALID_INPUT", `${at}.program`, `${at}.program: 未知救助项目 / unknown programme ${JSON.stringify(application.program)}`);
  }
  const date = dateField(application.date, `${at}.date`);
  const status = application.status ?? null;
  const decidedOnRaw = application.decidedOn ?? null;
  if (status === null) {
    if (decidedOnRaw !== null) throw new DomainError("INVALID_INPUT", `${at}.status`, `${at}.status: 有决定日期须说明批准或不予批准 / a decidedOn needs a status, APPROVED or REFUSED`);
    return { program: application.program, date, decision: null };
  }
  if (!isApplicationStatus(status)) {
    throw new DomainError("INVALID_INPUT", `${at}.status`, `${at}.status: 须为 ${APPLICATION_STATUSES.join(", ")} / must be ${APPLICATION_STATUSES.join(", ")} (got ${JSON.stringify(status)})`);
  }
  if (status === "PENDING") {
    if (decidedOnRaw !== null) throw new DomainError("INVALID_INPUT", `${at}.decidedOn`, `${at}.decidedOn: 待审批的申请没有决定日期 / a PENDING application has no decidedOn`);
    return { program: application.program, date, decision: { status, decidedOn: null } };
  }
  if (decidedOnRaw === null) throw new DomainError("INVALID_DATE", `${at}.decidedOn`, `${at}.decidedOn: ${status} 须有决定日期 / ${status} needs the date of the decision`);
  const decidedOn = dateField(decidedOnRaw, `${at}.decidedOn`);
  if (decidedOn < date) throw new DomainError("INVALID_DATE", `${at}.decidedOn`, `${at}.decidedOn: 决定日期早于申请日期 / decided before it was applied for (${decidedOn} < ${date})`);
  return { program: application.program, date, decision: { status, decidedOn } };
}

/** Reads a beneficiary: id, category periods, applications and phase-out periods. */
export function readBeneficiary(raw: unknown, field = "beneficiary"): Beneficiary {
  const input = objectField(raw, field);
  const id = idField(input.id, `${field}.id`);
  const identities = readPeriods(input.identities, `${field}.identities`);
  const applicationsRaw = input.applications ?? [];
  if (!Array.isArray(applicationsRaw)) throw new DomainError("INVALID_INPUT", `${field}.applications`, `${field}.applications: 须为列表 / must be a list`);
  const applications: Application[] = applicationsRaw.map((entry, i) => {
    const { program, date, decision } = readApplication(entry, `${field}.applications[${i}]`);
    return { program, date, ...(decision ?? assumedApproval(date)) };
  });
  const phaseOuts = readPeriods(input.phaseOuts, `${field}.phaseOuts`);
  return { id, identities, applications, ...(phaseOuts.length > 0 ? { phaseOuts } : {}) };
}

/**
 * Reads a claim and checks that its fees are consistent: the excluded parts cannot exceed the total.
 * Whether reported tiers fit in what is left is checked when settling, tier by tier.
 */
export function readClaim(raw: unknown, beneficiaryId: string, field = "claim", limits?: ClaimLimits): Claim {
  const input = objectField(raw, field);
  const id = idField(input.id, `${field}.id`);
  const date = claimDateField(input.date, `${field}.date`, limits?.latestDate);
  if (!isClaimKind(input.kind)) {
    throw new DomainError("INVALID_INPUT", `${field}.kind`, `${field}.kind: 未知就诊类别 / kind must be INPATIENT, OUTPATIENT_CHRONIC, OUTPATIENT_GENERAL, HIGH_VALUE_DRUG or SPECIAL_DRUG`);
  }
  const feesRaw = objectField(input.fees, `${field}.fees`);
  const part = (name: keyof Fees) => (feesRaw[name] === undefined && name !== "total" ? ZERO : claimAmountField(feesRaw[name], `${field}.fees.${name}`, limits?.maxAmount));
  const fees: Fees = { total: part("total"), outOfCatalog: part("outOfCatalog"), classBSelfPay: part("classBSelfPay"), overStandard: part("overStandard") };
  const excluded = fees.outOfCatalog.plus(fees.classBSelfPay).plus(fees.overStandard);
  if (excluded.greaterThan(fees.total)) {
    throw new DomainError(
      "INCONSISTENT_FEES",
      `${field}.fees`,
      `${field}.fees: 目录外、乙类先行自付与超标准费用之和 ${excluded.toFixed(2)} 大于总费用 ${fees.total.toFixed(2)} / the excluded parts exceed the total`,
    );
  }
  const reportedRaw = input.reported === undefined || input.reported === null ? {} : objectField(input.reported, `${field}.reported`);
  const reported: Partial<Record<Tier, Money>> = {};
  for (const [tier, amount] of Object.entries(reportedRaw)) {
    if (!(TIERS as readonly string[]).includes(tier) || !REPORTABLE_TIERS.includes(tier as Tier)) {
      throw new DomainError(
        "INVALID_INPUT",
        `${field}.reported.${tier}`,
        `${field}.reported.${tier}: 只能报送 ${REPORTABLE_TIERS.join(", ")} / only these tiers can be reported; charity is computed here`,
      );
    }
    reported[tier as Tier] = claimAmountField(amount, `${field}.reported.${tier}`, limits?.maxAmount);
  }
  return {
    id,
    beneficiaryId,
    date,
    kind: input.kind,
    referred: flagField(input.referred, `${field}.referred`),
    inProvince: flagField(input.inProvince, `${field}.inProvince`),
    guidanceFollowed: flagField(input.guidanceFollowed, `${field}.guidanceFollowed`),
    insuredType: insuredTypeField(input.insuredType, `${field}.insuredType`),
    fees,
    reported,
  };
}
