/**
 * The GraphQL enums of the product's closed vocabularies, each built from its one definition (the
 * engine's words in engine/vocabulary.ts, statuses and roles in their domain's entity file), as in
 * type-graphql's examples/enums-and-unions. An enum value is the word itself ("basic", "INPATIENT"),
 * so JSON variables carry the same strings as before; a misspelt value is refused by GraphQL's own
 * validation (BAD_USER_INPUT in variables, GRAPHQL_VALIDATION_FAILED inline).
 *
 * Categories are enums on output only: an unknown category in an input must stay the engine's
 * UNKNOWN_CATEGORY (DESIGN.md, "Scenario files"), so inputs take them as String.
 */
import { registerEnumType } from "type-graphql";
import { APPLICATION_STATUSES, CATEGORIES, CLAIM_KINDS, CLAIM_KIND_NAMES_ZH, INSURED_TYPES, INSURED_TYPE_NAMES_ZH, PROGRAMS, TIERS, TIERS_AND_SELF_PAY, TIER_NAMES_ZH, type Tier } from "../engine/vocabulary";
import { LINE_SOURCES } from "../engine/types";
import { ROLES } from "../access/access.entity";
import { CLAIM_STATUSES } from "../claim/claim.entity";
import { SETTLEMENT_CAUSES, SETTLEMENT_STATUSES } from "../settlement/settlement.entity";
import { ENTITLEMENT_STATUSES, FUND_KINDS, INCOME_TYPES, LEDGER_DIRECTIONS, LEDGER_TYPES } from "../charity/charity.entity";
import { PACK_STATUSES } from "../rules/rule-pack-version.entity";
import { JOB_KINDS, JOB_SCOPES, JOB_STATUSES } from "../jobs/job.entity";

type EnumObject<T extends string> = { readonly [K in T]: K };

/** Registers the words as a GraphQL enum whose value names are the words themselves. */
function graphqlEnum<T extends string>(words: readonly T[], name: string, description: string, describe?: (word: T) => string): EnumObject<T> {
  const object = Object.fromEntries(words.map((word) => [word, word])) as EnumObject<T>;
  const valuesConfig = describe ? Object.fromEntries(words.map((word) => [word, { description: describe(word) }])) : undefined;
  registerEnumType(object, { name, description, valuesConfig: valuesConfig as never });
  return object;
}

const tierName = (word: string): string => (word === "selfPay" ? "个人自付 / what the household pays itself" : TIER_NAMES_ZH[word as Tier]);

export const TierEnum = graphqlEnum(TIERS, "Tier", "A layer of payment, in the order they pay (先保险后救助).", tierName);
export const TierOrSelfPayEnum = graphqlEnum(TIERS_AND_SELF_PAY, "TierOrSelfPay", "A tier, or selfPay: the amounts a settlement has and an adjustment changes.", tierName);
export const InsuredTypeEnum = graphqlEnum(INSURED_TYPES, "InsuredType", "The insurance a person is enrolled in: 城乡居民医保 or 职工医保.", (type) => INSURED_TYPE_NAMES_ZH[type]);
export const ClaimKindEnum = graphqlEnum(CLAIM_KINDS, "ClaimKind", "The kind of care a bill is for.", (kind) => CLAIM_KIND_NAMES_ZH[kind]);
export const CategoryEnum = graphqlEnum(CATEGORIES, "Category", "An assistance category (身份) certified by civil affairs or rural revitalisation.");
export const ProgramEnum = graphqlEnum(PROGRAMS, "Program", "A programme granted on application, e.g. 宜春 倾斜救助.");
export const ApplicationStatusEnum = graphqlEnum(APPLICATION_STATUSES, "ApplicationStatus", "Where an application stands: only an APPROVED one grants the programme.");
export const LineSourceEnum = graphqlEnum(LINE_SOURCES, "LineSource", "How a tier's amount came about: COMPUTED by a rule, REPORTED by the partner, or NONE.");
export const RoleEnum = graphqlEnum(ROLES, "Role", "What an API key may do (README, Access).");
export const ClaimStatusEnum = graphqlEnum(CLAIM_STATUSES, "ClaimStatus", "Whether a claim has been settled.");
export const SettlementStatusEnum = graphqlEnum(SETTLEMENT_STATUSES, "SettlementStatus", "CURRENT, SUPERSEDED by a later settlement of the claim, or SIMULATED for a what-if.");
export const SettlementCauseEnum = graphqlEnum(SETTLEMENT_CAUSES, "SettlementCause", "Why a settlement was made.");
export const EntitlementStatusEnum = graphqlEnum(ENTITLEMENT_STATUSES, "EntitlementStatus", "How far a household's charity entitlement is allocated.");
export const FundKindEnum = graphqlEnum(FUND_KINDS, "FundKind", "A city fund or a township's fund.");
export const LedgerEntryTypeEnum = graphqlEnum(LEDGER_TYPES, "LedgerEntryType", "What moved money in or out of a fund.");
export const IncomeTypeEnum = graphqlEnum(INCOME_TYPES, "IncomeType", "Money a fund receives from outside.");
export const LedgerDirectionEnum = graphqlEnum(LEDGER_DIRECTIONS, "LedgerDirection", "IN or OUT of the fund.");
export const PackStatusEnum = graphqlEnum(PACK_STATUSES, "PackStatus", "A rule pack version's status: DRAFT → ACTIVE → RETIRED.");
export const JobKindEnum = graphqlEnum(JOB_KINDS, "JobKind", "A jurisdiction-wide job: a rule pack PREVIEW, or a RESETTLEMENT of a jurisdiction's year.");
export const JobStatusEnum = graphqlEnum(JOB_STATUSES, "JobStatus", "QUEUED → RUNNING → DONE, or FAILED (a fault) or CANCELLED.");
export const JobScopeEnum = graphqlEnum(JOB_SCOPES, "JobScope", "Which households a re-settlement takes: ALL of the year, or those with a PROVISIONAL line (补差).");
