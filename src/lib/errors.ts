/**
 * Errors with a stable code, the field they concern and a message a case worker can read.
 *
 * The codes are the contract with partner systems (DESIGN.md, "Scenario files"): a partner decides
 * what to do by the code, and shows the message to a person. The message names the field in
 * Chinese and English because both kinds of reader meet it.
 */
export const ERROR_CODES = [
  "INVALID_AMOUNT",
  "INCONSISTENT_FEES",
  "NO_PACK_IN_FORCE",
  "PARAMETER_NOT_SET",
  "UNKNOWN_CATEGORY",
  "UNKNOWN_PACK",
  "INVALID_DATE",
  "INVALID_INPUT",
  "INVALID_PACK",
  "TOO_MANY_BILLS",
  "CONFLICT",
  // A change would settle claims again so that money already paid or allocated is taken back.
  "WOULD_REVERSE_PAID",
  "NOT_FOUND",
  "AMBIGUOUS_ID",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "WEBHOOK_TARGET_REFUSED",
  "WEBHOOK_LIMIT_REACHED",
  "RATE_LIMITED",
  // The owner of a person's categories (civil affairs' registry) did not answer: nothing was settled.
  "BENEFICIARY_SOURCE_UNAVAILABLE",
  // An owner's subgraph did not answer the gateway: its fields are null with this error, the others answer.
  "SUBGRAPH_UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** True for a code of ours (e.g. in an error a subgraph sent over HTTP), as opposed to GraphQL's or a fault. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The HTTP status of every code that is not a plain 400: the one map that GraphQL, the /api
 * adapter, the statement and CSV routes, the error handler and the NocoBase plugin answer with
 * (the plugin's own codes included).
 */
const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  WOULD_REVERSE_PAID: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  CASE_COLLECTION_INVALID: 500,
  GATEWAY_UNAVAILABLE: 502,
  GATEWAY_KEY_REFUSED: 502,
  BENEFICIARY_SOURCE_UNAVAILABLE: 503,
  SUBGRAPH_UNAVAILABLE: 503,
};

/** The HTTP status for a code: 400 (the request was refused as it is) unless the map says otherwise. */
export function httpStatusOf(code: string): number {
  return HTTP_STATUS_BY_CODE[code] ?? 400;
}

/** The base of every error the product raises on purpose. */
export class DomainError extends Error {
  /** A stable, machine-readable code. */
  readonly code: ErrorCode;
  /** The path of the offending field in the input, e.g. `claims[0].fees.total`; empty when none. */
  readonly field: string;
  /** Further structured detail (e.g. the list of problems of a refused pack). */
  readonly details: readonly string[];

  constructor(code: ErrorCode, field: string, message: string, details: readonly string[] = []) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** True when a value is one of our own errors rather than a programming fault. */
export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** A thing asked for by id does not exist (or is not visible to the caller). */
export function notFound(what: string, id: string, field = "id"): DomainError {
  return new DomainError("NOT_FOUND", field, `${what} ${id} 不存在 / ${what} ${id} was not found`);
}

/** The caller's key may not do this; `field` names the argument that identifies the thing, or `Authorization` for the key's role. */
export function forbidden(message: string, field: string): DomainError {
  return new DomainError("FORBIDDEN", field, message);
}

/**
 * Pairs of a leading field path and what a transport calls it ("" drops it), e.g. ["input",
 * "claim"]; with "whole", every path under `from` becomes `to` itself.
 */
export type FieldRenames = ReadonlyArray<readonly [from: string, to: string, whole?: "whole"]>;

function renamePath(path: string, renames: FieldRenames): string {
  for (const [from, to, whole] of renames) {
    if (path === from || (whole && path.startsWith(`${from}.`))) return to;
    if (path.startsWith(`${from}.`) || path.startsWith(`${from}[`)) return to === "" ? path.slice(from.length).replace(/^\./, "") : to + path.slice(from.length);
  }
  return path;
}

/** The refusal with its field (and the field its message starts with) renamed; any other value as it is. */
export function renameField<T>(error: T, renames: FieldRenames): T {
  if (!(error instanceof DomainError)) return error;
  const field = renamePath(error.field, renames);
  if (field === error.field) return error;
  const message = error.message.startsWith(error.field) ? field + error.message.slice(error.field.length) : error.message;
  return new DomainError(error.code, field, message, error.details) as T;
}

/**
 * Runs `work` and names the field of its refusal as the caller's clients wrote it: services name
 * paths from their own parameters (`input.fees.total`), the engine from the claim (`claim.date`);
 * each transport renames the roots once.
 */
export async function withFieldsRenamed<T>(renames: FieldRenames, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw renameField(error, renames);
  }
}
