/**
 * Errors with a stable code, the field they concern and a message a case worker can read.
 *
 * The codes are the contract with partner systems (DESIGN.md, "Scenario files"): a partner decides
 * what to do by the code, and shows the message to a person. The message names the field in
 * Chinese and English because both kinds of reader meet it.
 */
export type ErrorCode =
  | "INVALID_AMOUNT"
  | "INCONSISTENT_FEES"
  | "NO_PACK_IN_FORCE"
  | "PARAMETER_NOT_SET"
  | "UNKNOWN_CATEGORY"
  | "UNKNOWN_PACK"
  | "INVALID_DATE"
  | "INVALID_INPUT"
  | "INVALID_PACK"
  | "TOO_MANY_BILLS"
  | "CONFLICT"
  /** A change would settle claims again so that money already paid or allocated is taken back. */
  | "WOULD_REVERSE_PAID"
  | "NOT_FOUND"
  | "AMBIGUOUS_ID"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "WEBHOOK_TARGET_REFUSED"
  | "WEBHOOK_LIMIT_REACHED"
  | "RATE_LIMITED";

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

/** The caller's key may not do this. */
export function forbidden(message: string, field = ""): DomainError {
  return new DomainError("FORBIDDEN", field, message);
}
