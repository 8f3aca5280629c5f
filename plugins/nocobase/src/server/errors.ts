/**
 * How a refusal reaches the case worker: NocoBase's own error body (`{ errors: [{ message, code }] }`,
 * the shape its client shows in a message box), with the engine's code and the case field it
 * concerns, and an HTTP status a partner's engineer can act on.
 */
import { httpStatusOf, isDomainError } from "../../../../src/lib/errors";

/** Codes of the plugin's own, beside the engine's (INVALID_AMOUNT, NO_PACK_IN_FORCE, …). */
export type PluginErrorCode = "GATEWAY_UNAVAILABLE" | "GATEWAY_KEY_REFUSED" | "CASE_COLLECTION_INVALID";

/** A refusal with a stable code and the case field it concerns; its HTTP status follows from the code. */
export class CaseError extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "CaseError";
  }

  get status(): number {
    return httpStatusOf(this.code);
  }
}


/**
 * The engine names fields as its input does (`claim.fees.total`); the case worker knows the case
 * form's fields (`feeTotal`). Fields without a case counterpart are kept as they are.
 */
const CASE_FIELD_BY_ENGINE_FIELD: Array<[RegExp, string]> = [
  [/^beneficiary\.id$/, "beneficiaryId"],
  [/^beneficiary\.identities/, "identities"],
  [/^beneficiary\.applications/, "tiltAppliedOn"],
  [/^beneficiary\.phaseOuts/, "phaseOuts"],
  [/^claim\.insuredType$/, "insuredType"],
  [/^claim\.date$/, "claimDate"],
  [/^claim\.kind$/, "claimKind"],
  [/^claim\.referred$/, "referred"],
  [/^claim\.inProvince$/, "inProvince"],
  [/^claim\.guidanceFollowed$/, "guidanceFollowed"],
  [/^claim\.fees\.total$/, "feeTotal"],
  [/^claim\.fees\.outOfCatalog$/, "feeOutOfCatalog"],
  [/^claim\.fees\.classBSelfPay$/, "feeClassBSelfPay"],
  [/^claim\.fees\.overStandard$/, "feeOverStandard"],
  [/^claim\.fees$/, "feeTotal"],
  [/^claim\.reported\.basic$/, "reportedBasic"],
  [/^claim\.reported\.critical$/, "reportedCritical"],
  [/^claim\.reported\.assistance$/, "reportedAssistance"],
  [/^claim\.reported\.reassistance$/, "reportedReassistance"],
  [/^claim\.reported\.commercial$/, "reportedCommercial"],
  [/^(pack|input\.jurisdiction|jurisdiction)$/, "jurisdiction"],
];

/** The case field an engine field path stands for. */
export function caseFieldOf(engineField: string): string {
  const path = engineField.replace(/^input\.claims\[\d+\]/, "claim").replace(/^input\.beneficiary/, "beneficiary");
  for (const [pattern, field] of CASE_FIELD_BY_ENGINE_FIELD) if (pattern.test(path)) return field;
  return engineField;
}

/** Any refusal (engine, gateway or plugin) as a CaseError; anything else is a fault and is rethrown. */
export function toCaseError(error: unknown): CaseError {
  if (error instanceof CaseError) return error;
  if (isDomainError(error)) return new CaseError(error.code, caseFieldOf(error.field), error.message);
  throw error;
}

/** The response body NocoBase's client shows for a failed request. */
export function errorBody(error: CaseError): { errors: Array<{ code: string; field: string; message: string }> } {
  return { errors: [{ code: error.code, field: error.field, message: error.message }] };
}
