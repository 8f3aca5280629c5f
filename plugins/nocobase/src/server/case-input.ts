/**
 * A case record as the engine's input: the beneficiary (categories with their periods, programmes
 * applied for) and the claim. The case's values are handed to the engine's own readers, so a case
 * is checked exactly as a partner's GraphQL input is, and refusals name the case field.
 */
import { readBeneficiary, readClaim } from "../../../../src/engine/input";
import type { Beneficiary, Claim } from "../../../../src/engine/types";
import { REPORTABLE_TIERS } from "../../../../src/engine/vocabulary";
import { DomainError } from "../../../../src/lib/errors";
import { amountFromHost } from "./amounts";
import { INPUT_FIELDS, OPTIONAL_INPUT_FIELDS, REPORTED_FIELD } from "./collections";

/** The values of a case record, as NocoBase returns them (JSON). */
export type CaseValues = Record<string, unknown>;

/** What settling a case needs: the checked beneficiary and claim, and the raw forms the gateway takes. */
export interface CaseInput {
  jurisdiction: string;
  beneficiaryName: string | null;
  beneficiary: Beneficiary;
  claim: Claim;
  /** The beneficiary as GraphQL's BeneficiaryInput / the engine's reader take it. */
  rawBeneficiary: {
    id: string;
    identities: Array<{ category: unknown; from: unknown; to: unknown }>;
    applications: Array<Record<string, unknown>>;
    phaseOuts?: Array<{ category: unknown; from: unknown; to: unknown }>;
  };
  /** The claim as GraphQL's ClaimInput takes it (amounts as strings). */
  rawClaim: Record<string, unknown>;
}

const present = (value: unknown): boolean => value !== null && value !== undefined && value !== "";

/** A NocoBase date value ("2023-06-01", or a full timestamp from a datetime field) as YYYY-MM-DD. */
function dateText(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return value;
}

/** The category periods: the advanced `identities` list when given, else one period per category. */
function identitiesOf(values: CaseValues): CaseInput["rawBeneficiary"]["identities"] {
  const explicit = values[INPUT_FIELDS.identities];
  if (present(explicit)) {
    if (!Array.isArray(explicit)) throw new DomainError("INVALID_INPUT", INPUT_FIELDS.identities, `${INPUT_FIELDS.identities}: 须为身份期间列表 / must be a list of { category, from, to }`);
    return explicit.map((period) => ({ ...(period as Record<string, unknown>) }) as CaseInput["rawBeneficiary"]["identities"][number]);
  }
  const categories = values[INPUT_FIELDS.categories];
  if (!present(categories) || (Array.isArray(categories) && categories.length === 0)) return [];
  if (!Array.isArray(categories)) throw new DomainError("INVALID_INPUT", INPUT_FIELDS.categories, `${INPUT_FIELDS.categories}: 须为身份列表 / must be a list of categories`);
  const since = dateText(values[INPUT_FIELDS.categoriesSince]);
  if (!present(since)) {
    throw new DomainError("INVALID_DATE", INPUT_FIELDS.categoriesSince, `${INPUT_FIELDS.categoriesSince}: 有救助身份时须填写认定日期 / the date the categories were certified is required`);
  }
  return categories.map((category) => ({ category, from: since, to: null }));
}

/** A category period with its dates as YYYY-MM-DD. */
function periodOf(period: { category?: unknown; from?: unknown; to?: unknown }): { category: unknown; from: unknown; to: unknown } {
  return { category: period.category, from: dateText(period.from), to: dateText(period.to) ?? null };
}

/** A JSON list field of objects (NocoBase's Input.JSON), each object copied; [] when empty. */
function objectList(values: CaseValues, field: string, what: string): Array<Record<string, unknown>> {
  const raw = values[field];
  if (!present(raw)) return [];
  if (!Array.isArray(raw) || raw.some((item) => item === null || typeof item !== "object" || Array.isArray(item))) {
    throw new DomainError("INVALID_INPUT", field, `${field}: 须为列表 / must be a list of ${what}`);
  }
  return raw.map((item) => ({ ...(item as Record<string, unknown>) }));
}

/** The applications: the advanced list with decisions when given, else the one 倾斜 date (approved). */
function applicationsOf(values: CaseValues): Array<Record<string, unknown>> {
  const listed = objectList(values, OPTIONAL_INPUT_FIELDS.applications, "{ program, date, status, decidedOn }");
  if (listed.length > 0) return listed.map((a) => ({ ...a, date: dateText(a.date), ...(a.decidedOn !== undefined ? { decidedOn: dateText(a.decidedOn) } : {}) }));
  const tiltAppliedOn = dateText(values[INPUT_FIELDS.tiltAppliedOn]);
  return present(tiltAppliedOn) ? [{ program: "TILT_ASSISTANCE", date: tiltAppliedOn }] : [];
}

/** Runs `read`, naming a refused application by the case field it came from (the list, or the 倾斜 date). */
function readApplicationsAs<T>(caseField: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DomainError && error.field.startsWith("beneficiary.applications")) throw new DomainError(error.code, caseField, error.message, error.details);
    throw error;
  }
}

/**
 * Reads a case record into the engine's input, or throws the engine's DomainError (whose field the
 * caller translates to the case field). `claimId` is the id the claim is settled under.
 */
export function readCase(values: CaseValues, claimId: string): CaseInput {
  const beneficiaryId = values[INPUT_FIELDS.beneficiaryId];
  const jurisdiction = values[INPUT_FIELDS.jurisdiction];
  if (typeof jurisdiction !== "string" || jurisdiction === "") {
    throw new DomainError("UNKNOWN_PACK", INPUT_FIELDS.jurisdiction, `${INPUT_FIELDS.jurisdiction}: 须选择政策辖区 / choose the jurisdiction whose policy applies`);
  }
  const phaseOuts = objectList(values, OPTIONAL_INPUT_FIELDS.phaseOuts, "{ category, from, to }").map(periodOf);
  const rawBeneficiary: CaseInput["rawBeneficiary"] = {
    id: typeof beneficiaryId === "string" ? beneficiaryId.trim() : (beneficiaryId as string),
    identities: identitiesOf(values).map(periodOf),
    applications: applicationsOf(values),
    ...(phaseOuts.length > 0 ? { phaseOuts } : {}),
  };
  const fees: Record<string, unknown> = { total: amountFromHost(values[INPUT_FIELDS.feeTotal]) };
  const parts = { outOfCatalog: INPUT_FIELDS.feeOutOfCatalog, classBSelfPay: INPUT_FIELDS.feeClassBSelfPay, overStandard: INPUT_FIELDS.feeOverStandard };
  for (const [part, field] of Object.entries(parts)) if (present(values[field])) fees[part] = amountFromHost(values[field]);
  const reported: Record<string, unknown> = {};
  for (const tier of REPORTABLE_TIERS) {
    const field = REPORTED_FIELD[tier as keyof typeof REPORTED_FIELD];
    if (present(values[field])) reported[tier] = amountFromHost(values[field]);
  }
  const flag = (field: string) => (values[field] === null || values[field] === undefined ? true : values[field]);
  const rawClaim: Record<string, unknown> = {
    id: claimId,
    beneficiaryId: rawBeneficiary.id,
    date: dateText(values[INPUT_FIELDS.claimDate]),
    kind: values[INPUT_FIELDS.claimKind],
    referred: flag(INPUT_FIELDS.referred),
    inProvince: flag(INPUT_FIELDS.inProvince),
    guidanceFollowed: flag(INPUT_FIELDS.guidanceFollowed),
    fees,
    reported,
    ...(present(values[OPTIONAL_INPUT_FIELDS.insuredType]) ? { insuredType: values[OPTIONAL_INPUT_FIELDS.insuredType] } : {}),
  };
  const beneficiary = readApplicationsAs(present(values[OPTIONAL_INPUT_FIELDS.applications]) ? OPTIONAL_INPUT_FIELDS.applications : INPUT_FIELDS.tiltAppliedOn, () => readBeneficiary(rawBeneficiary, "beneficiary"));
  const claim = readClaim(rawClaim, beneficiary.id, "claim");
  const name = values[INPUT_FIELDS.beneficiaryName];
  return { jurisdiction, beneficiaryName: typeof name === "string" && name.trim() !== "" ? name.trim() : null, beneficiary, claim, rawBeneficiary, rawClaim };
}
