/**
 * The collections the plugin defines in NocoBase: the case (what a case worker fills in, and what
 * settlement writes back) and, for library mode, the append-only record of settlements that carries
 * each household's year-to-date account.
 *
 * Amounts are DECIMAL(18,2) columns, so that NocoBase's tables and charts can sum them; how they come
 * back from each database is dealt with in amounts.ts.
 */
import { CATEGORIES, CATEGORY_NAMES_ZH, CLAIM_KINDS, CLAIM_KIND_NAMES_ZH, INSURED_TYPES, INSURED_TYPE_NAMES_ZH, TIERS, TIER_NAMES_ZH, type Tier } from "../../../../src/engine/vocabulary";

/** The collection of settlements kept by library mode. */
export const SETTLEMENTS_COLLECTION = "medassistSettlements";

/** Case fields that feed a settlement. */
export const INPUT_FIELDS = {
  beneficiaryId: "beneficiaryId",
  beneficiaryName: "beneficiaryName",
  jurisdiction: "jurisdiction",
  categories: "categories",
  categoriesSince: "categoriesSince",
  identities: "identities",
  tiltAppliedOn: "tiltAppliedOn",
  claimDate: "claimDate",
  claimKind: "claimKind",
  referred: "referred",
  inProvince: "inProvince",
  guidanceFollowed: "guidanceFollowed",
  feeTotal: "feeTotal",
  feeOutOfCatalog: "feeOutOfCatalog",
  feeClassBSelfPay: "feeClassBSelfPay",
  feeOverStandard: "feeOverStandard",
} as const;

/**
 * Case fields that feed a settlement when the collection has them. They came after the first
 * release, so a collection bound before them (or an administrator's own) still settles without them:
 * the insured type is then 居民医保, the applications the one 倾斜 date, and there is no 渐退期.
 */
export const OPTIONAL_INPUT_FIELDS = {
  insuredType: "insuredType",
  applications: "applications",
  phaseOuts: "phaseOuts",
} as const;

/** The case field holding an amount a partner already settled for a tier (charity is never reported). */
export const REPORTED_FIELD: Readonly<Record<Exclude<Tier, "charity">, string>> = {
  basic: "reportedBasic",
  critical: "reportedCritical",
  assistance: "reportedAssistance",
  reassistance: "reportedReassistance",
  commercial: "reportedCommercial",
};

/** The case field a tier's settled amount is written back to. */
export const PAID_FIELD: Readonly<Record<Tier, string>> = {
  basic: "paidBasic",
  critical: "paidCritical",
  assistance: "paidAssistance",
  reassistance: "paidReassistance",
  commercial: "paidCommercial",
  charity: "paidCharity",
};

/** Case fields settlement writes back. */
export const RESULT_FIELDS = {
  status: "settlementStatus",
  settledAt: "settledAt",
  claimId: "settlementClaimId",
  pack: "settlementPack",
  category: "settlementCategory",
  selfPay: "selfPay",
  explanation: "settlementExplanation",
  lines: "settlementLines",
} as const;

/** Every field of the case collection the plugin reads or writes. */
export const CASE_FIELD_NAMES: readonly string[] = [...Object.values(INPUT_FIELDS), ...Object.values(REPORTED_FIELD), ...Object.values(PAID_FIELD), ...Object.values(RESULT_FIELDS)];


type FieldOptions = Record<string, unknown>;

const text = (name: string, title: string, required = false): FieldOptions => ({
  type: "string",
  name,
  interface: "input",
  uiSchema: { type: "string", title, "x-component": "Input", required },
});

/** A money column: DECIMAL(18,2), shown with two decimals, typed as text so that nothing is rounded on the way. */
const MONEY_COLUMN = { type: "decimal", precision: 18, scale: 2 } as const;

const amount = (name: string, title: string, required = false): FieldOptions => ({
  ...MONEY_COLUMN,
  name,
  interface: "number",
  uiSchema: { type: "number", title, "x-component": "InputNumber", required, "x-component-props": { stringMode: true, step: "0.01", precision: 2, placeholder: "0.00" } },
});

const date = (name: string, title: string, required = false): FieldOptions => ({
  type: "dateOnly",
  name,
  interface: "date",
  uiSchema: { type: "string", title, "x-component": "DatePicker", required },
});

const flag = (name: string, title: string): FieldOptions => ({
  type: "boolean",
  name,
  interface: "checkbox",
  defaultValue: true,
  uiSchema: { type: "boolean", title, "x-component": "Checkbox" },
});

const readOnly = (field: FieldOptions): FieldOptions => ({ ...field, uiSchema: { ...(field.uiSchema as object), "x-read-pretty": true } });

/**
 * The case collection's definition. `jurisdictions` fills the jurisdiction select with the packs
 * the plugin settles with (id and city name).
 */
export function caseCollection(name: string, jurisdictions: Array<{ id: string; name: string }>): FieldOptions {
  return {
    name,
    title: "医疗救助案件",
    // Roles' general permissions ("may view / edit all collections") cover cases as they cover the
    // collections an administrator makes; plugin collections are otherwise left out of them.
    asStrategyResource: true,
    fields: [
      text(INPUT_FIELDS.beneficiaryId, "受助人编号", true),
      text(INPUT_FIELDS.beneficiaryName, "受助人姓名"),
      {
        type: "string",
        name: INPUT_FIELDS.jurisdiction,
        interface: "select",
        uiSchema: { type: "string", title: "政策辖区", "x-component": "Select", required: true, enum: jurisdictions.map((j) => ({ value: j.id, label: j.name })) },
      },
      {
        type: "array",
        name: INPUT_FIELDS.categories,
        interface: "multipleSelect",
        defaultValue: [],
        uiSchema: {
          type: "array",
          title: "救助身份",
          "x-component": "Select",
          "x-component-props": { mode: "multiple" },
          enum: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_NAMES_ZH[c] })),
        },
      },
      date(INPUT_FIELDS.categoriesSince, "身份认定日期"),
      {
        // For a case whose categories began or ended on different dates: a list of
        // { category, from, to }. When set, it is used instead of categories and categoriesSince.
        type: "json",
        name: INPUT_FIELDS.identities,
        interface: "json",
        uiSchema: { type: "object", title: "身份期间（高级）", "x-component": "Input.JSON" },
      },
      date(INPUT_FIELDS.tiltAppliedOn, "倾斜救助申请日期"),
      {
        // Applications with their decisions: a list of { program, date, status, decidedOn }. When
        // set, it is used instead of tiltAppliedOn (which stands for one application, approved).
        type: "json",
        name: OPTIONAL_INPUT_FIELDS.applications,
        interface: "json",
        uiSchema: { type: "object", title: "救助申请及审批（高级）", "x-component": "Input.JSON" },
      },
      {
        // 渐退期: a list of { category, from, to } after a category ended, during which it still counts where the policy says so.
        type: "json",
        name: OPTIONAL_INPUT_FIELDS.phaseOuts,
        interface: "json",
        uiSchema: { type: "object", title: "渐退期（高级）", "x-component": "Input.JSON" },
      },
      {
        type: "string",
        name: OPTIONAL_INPUT_FIELDS.insuredType,
        interface: "select",
        uiSchema: { type: "string", title: "参保类型", "x-component": "Select", enum: INSURED_TYPES.map((t) => ({ value: t, label: INSURED_TYPE_NAMES_ZH[t] })) },
      },
      date(INPUT_FIELDS.claimDate, "就诊（结算）日期", true),
      {
        type: "string",
        name: INPUT_FIELDS.claimKind,
        interface: "select",
        uiSchema: { type: "string", title: "就诊类别", "x-component": "Select", required: true, enum: CLAIM_KINDS.map((k) => ({ value: k, label: CLAIM_KIND_NAMES_ZH[k] })) },
      },
      flag(INPUT_FIELDS.referred, "按规定转诊"),
      flag(INPUT_FIELDS.inProvince, "省内就医"),
      flag(INPUT_FIELDS.guidanceFollowed, "遵循诊疗规范"),
      amount(INPUT_FIELDS.feeTotal, "医疗总费用", true),
      amount(INPUT_FIELDS.feeOutOfCatalog, "目录外费用"),
      amount(INPUT_FIELDS.feeClassBSelfPay, "乙类先行自付"),
      amount(INPUT_FIELDS.feeOverStandard, "超标准费用"),
      amount(REPORTED_FIELD.basic, "基本医保已结算"),
      amount(REPORTED_FIELD.critical, "大病保险已结算"),
      amount(REPORTED_FIELD.assistance, "医疗救助已结算"),
      amount(REPORTED_FIELD.reassistance, "再救助已结算"),
      amount(REPORTED_FIELD.commercial, "商业补充保险已结算"),
      readOnly(text(RESULT_FIELDS.status, "结算状态")),
      readOnly({ type: "date", name: RESULT_FIELDS.settledAt, interface: "datetime", uiSchema: { type: "string", title: "结算时间", "x-component": "DatePicker" } }),
      readOnly(text(RESULT_FIELDS.claimId, "结算单据号")),
      readOnly(text(RESULT_FIELDS.pack, "适用政策版本")),
      readOnly(text(RESULT_FIELDS.category, "适用身份")),
      ...TIERS.map((tier) => readOnly(amount(PAID_FIELD[tier], TIER_NAMES_ZH[tier]))),
      readOnly(amount(RESULT_FIELDS.selfPay, "个人自付")),
      readOnly({ type: "text", name: RESULT_FIELDS.explanation, interface: "textarea", uiSchema: { type: "string", title: "结算说明", "x-component": "Input.TextArea" } }),
      readOnly({ type: "json", name: RESULT_FIELDS.lines, interface: "json", uiSchema: { type: "object", title: "结算明细", "x-component": "Input.JSON" } }),
    ],
  };
}

/**
 * Library mode's settlements, never updated: a row per settled case, and a further row whenever a
 * bill dated earlier changes what a settled case gets (`supersedesId` names the row it replaces).
 * `sequence` numbers a household's rows within a year, and `yearToDateAfter` of the last one is the
 * year's account; the unique index on (beneficiary, year, sequence) makes two concurrent
 * settlements of one household collide instead of both reading the same account.
 */
export function settlementsCollection(): FieldOptions {
  return {
    name: SETTLEMENTS_COLLECTION,
    title: "医疗救助结算记录",
    fields: [
      { type: "bigInt", name: "caseId", allowNull: false },
      { type: "string", name: "claimId", allowNull: false },
      { type: "bigInt", name: "supersedesId" },
      { type: "string", name: "cause", allowNull: false },
      { type: "json", name: "claim", allowNull: false },
      { type: "string", name: "beneficiaryId", allowNull: false },
      { type: "integer", name: "year", allowNull: false },
      { type: "integer", name: "sequence", allowNull: false },
      { type: "string", name: "fingerprint", allowNull: false },
      { type: "string", name: "packId", allowNull: false },
      { type: "integer", name: "packVersion", allowNull: false },
      { type: "string", name: "category" },
      { type: "string", name: "date", allowNull: false },
      { type: "string", name: "kind", allowNull: false },
      { ...MONEY_COLUMN, name: "total", allowNull: false },
      { ...MONEY_COLUMN, name: "policyScope", allowNull: false },
      { ...MONEY_COLUMN, name: "selfPay", allowNull: false },
      { type: "json", name: "lines", allowNull: false },
      { type: "json", name: "yearToDateAfter", allowNull: false },
    ],
    indexes: [{ unique: true, fields: ["beneficiaryId", "year", "sequence"] }],
  };
}
