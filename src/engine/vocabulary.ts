/**
 * The closed vocabularies of DESIGN.md ("Words"): categories, claim kinds, tiers and programmes.
 * A pack may use only these words, which is what lets rule selection be decided once per pack.
 */

/** Assistance categories (身份) certified by civil affairs or rural revitalisation. */
export const CATEGORIES = [
  "DESTITUTE",
  "ORPHAN",
  "UNSUPPORTED_CHILD",
  "CHILD_IN_DIFFICULTY",
  "DIBAO",
  "RELAPSED_POOR",
  "NEAR_DIBAO",
  "MONITORED",
  "ILLNESS_IMPOVERISHED",
  // 东至 三(一)3 "县民政局规定的其他特殊困难人员", 宜春 第四条 四类 "县级以上人民政府规定的其他特殊困难人员".
  "OTHER_SPECIAL_HARDSHIP",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The fact value used for a person who holds no category of the pack on the claim date. */
export const NO_CATEGORY = "NONE" as const;
export type CategoryFact = Category | typeof NO_CATEGORY;

/** SPECIAL_DRUG: 大病保险单独支付 (单独补偿) 范围的特药, whose deductible a tilt can abolish (聊城 三(二), 威海 三(二)). */
export const CLAIM_KINDS = ["INPATIENT", "OUTPATIENT_CHRONIC", "OUTPATIENT_GENERAL", "HIGH_VALUE_DRUG", "SPECIAL_DRUG"] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** The kinds of care as a household reads them. */
export const CLAIM_KIND_NAMES_ZH: Readonly<Record<ClaimKind, string>> = {
  INPATIENT: "住院",
  OUTPATIENT_CHRONIC: "门诊慢特病",
  OUTPATIENT_GENERAL: "普通门诊",
  HIGH_VALUE_DRUG: "高值药品",
  SPECIAL_DRUG: "大病保险特药",
};

/**
 * The insurance a person is enrolled in: 城乡居民医保 or 职工医保 (with 职工大额医疗费用补助). Texts
 * distinguish them (威海's tilt is for 居民大病保险 only; 聊城's 大病 tilt covers both).
 */
export const INSURED_TYPES = ["RESIDENT", "EMPLOYEE"] as const;
export type InsuredType = (typeof INSURED_TYPES)[number];
export const INSURED_TYPE_NAMES_ZH: Readonly<Record<InsuredType, string>> = { RESIDENT: "居民医保", EMPLOYEE: "职工医保" };
/**
 * Project decision: a claim that does not say is 居民 insured. The assisted households of the texts
 * are mostly subsidised into 居民医保 (资助参保 is for the 居民 premium), so that is the safe default.
 */
export const DEFAULT_INSURED_TYPE: InsuredType = "RESIDENT";

/** Programmes granted on application, recorded with a date (宜春's 倾斜救助). */
export const PROGRAMS = ["TILT_ASSISTANCE"] as const;
export type Program = (typeof PROGRAMS)[number];

/**
 * Where an application stands. A programme granted on application (宜春 第十条4 "依申请给予倾斜救助",
 * 第十二条) counts only once APPROVED; a PENDING or REFUSED one grants nothing.
 */
export const APPLICATION_STATUSES = ["PENDING", "APPROVED", "REFUSED"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** The layers in the order they pay (先保险后救助). */
export const TIERS = ["basic", "critical", "assistance", "reassistance", "commercial", "charity"] as const;
export type Tier = (typeof TIERS)[number];

/** The keys of a settlement's amounts and of its adjustments: a tier, or what the household pays itself. */
export const TIERS_AND_SELF_PAY = [...TIERS, "selfPay"] as const;
export type TierOrSelfPay = (typeof TIERS_AND_SELF_PAY)[number];

/**
 * What a tier pays out of. The insurance and assistance layers pay only in-policy costs; the
 * commercial layer also covers out-of-catalogue special drugs, and the charity top-up measures what
 * is left of the whole bill (DESIGN.md, pipeline step 6).
 */
export const TIER_SCOPE: Readonly<Record<Tier, "policyScope" | "total">> = {
  basic: "policyScope",
  critical: "policyScope",
  assistance: "policyScope",
  reassistance: "policyScope",
  commercial: "total",
  charity: "total",
};

/** The layers' names as a household reads them. */
export const TIER_NAMES_ZH: Readonly<Record<Tier, string>> = {
  basic: "基本医保",
  critical: "大病保险",
  assistance: "医疗救助",
  reassistance: "再救助/倾斜救助",
  commercial: "商业补充保险",
  charity: "慈善化解",
};

/** The layers' names in English, for the English explanations. */
export const TIER_NAMES_EN: Readonly<Record<Tier, string>> = {
  basic: "Basic medical insurance",
  critical: "Critical-illness insurance",
  assistance: "Medical assistance",
  reassistance: "Re-assistance",
  commercial: "Supplementary commercial insurance",
  charity: "Charity top-up",
};

/** The categories' names as civil affairs writes them; a pack may word its own (its `categories[].name`). */
export const CATEGORY_NAMES_ZH: Readonly<Record<Category, string>> = {
  DESTITUTE: "特困人员",
  ORPHAN: "孤儿",
  UNSUPPORTED_CHILD: "事实无人抚养儿童",
  CHILD_IN_DIFFICULTY: "困境儿童",
  DIBAO: "低保对象",
  RELAPSED_POOR: "返贫致贫人口",
  NEAR_DIBAO: "低保边缘家庭成员",
  MONITORED: "防止返贫监测对象",
  ILLNESS_IMPOVERISHED: "因病致贫重病患者",
  OTHER_SPECIAL_HARDSHIP: "其他特殊困难人员",
};

export const CATEGORY_NAMES_EN: Readonly<Record<Category, string>> = {
  DESTITUTE: "destitute person",
  ORPHAN: "orphan",
  UNSUPPORTED_CHILD: "child without de-facto support",
  CHILD_IN_DIFFICULTY: "child in difficulty",
  DIBAO: "subsistence-allowance (dibao) recipient",
  RELAPSED_POOR: "person fallen back into poverty",
  NEAR_DIBAO: "near-dibao household member",
  MONITORED: "household monitored against relapse",
  ILLNESS_IMPOVERISHED: "person impoverished by serious illness",
  OTHER_SPECIAL_HARDSHIP: "other person in special hardship",
};

/** The insurance layers, which reimburse (报销); the others assist (救助). */
export const INSURANCE_TIERS: readonly Tier[] = ["basic", "critical", "commercial"];

/** Tiers a partner may report as already paid. Charity is always computed here. */
export const REPORTABLE_TIERS: readonly Tier[] = ["basic", "critical", "assistance", "reassistance", "commercial"];

export function isCategory(value: unknown): value is Category {
  return typeof value === "string" && (CATEGORIES as readonly string[]).includes(value);
}

export function isClaimKind(value: unknown): value is ClaimKind {
  return typeof value === "string" && (CLAIM_KINDS as readonly string[]).includes(value);
}

export function isInsuredType(value: unknown): value is InsuredType {
  return typeof value === "string" && (INSURED_TYPES as readonly string[]).includes(value);
}

export function isApplicationStatus(value: unknown): value is ApplicationStatus {
  return typeof value === "string" && (APPLICATION_STATUSES as readonly string[]).includes(value);
}

export function isProgram(value: unknown): value is Program {
  return typeof value === "string" && (PROGRAMS as readonly string[]).includes(value);
}
