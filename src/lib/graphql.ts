/**
 * GraphQL pieces shared by every domain: the Money and Date scalars, the error shape partners see,
 * and the cursor encoding of paged lists.
 */
import { GraphQLError, GraphQLScalarType, Kind, type GraphQLFormattedError, type ValueNode } from "graphql";
import { argumentPathOf } from "./argument-path";
import { DomainError, isErrorCode, type ErrorCode } from "./errors";
import { Money, formatAmount, readAmount } from "./money";
import { isValidDate } from "./dates";

/** A scalar's refusal; `node`, the literal refused, lets the error name its argument path. */
function scalarError(code: ErrorCode, message: string, node?: ValueNode): GraphQLError {
  return new GraphQLError(message, { nodes: node, extensions: { code } });
}

function parseMoney(value: unknown, node?: ValueNode): Money {
  const amount = readAmount(value);
  if (typeof amount === "string") {
    throw scalarError("INVALID_AMOUNT", `金额须为最多两位小数的非负十进制字符串 / Money is a non-negative decimal string with at most 2 places, e.g. "1200.50" (got ${JSON.stringify(value)})`, node);
  }
  return amount;
}

/** An amount as Money serialises it: signed, at most two places. */
const SIGNED_AMOUNT = /^-?\d+(\.\d{1,2})?$/;

/** Money: a decimal string with at most two places on the wire, a Decimal inside. Never a Float. */
export const MoneyScalar = new GraphQLScalarType({
  name: "Money",
  description: 'An amount in yuan as a decimal string with at most two places, e.g. "26000.00". Never a float.',
  serialize(value) {
    if (value instanceof Money) return formatAmount(value);
    // A subgraph's answer, already formatted; a difference or adjustment may be negative.
    if (typeof value === "string" && SIGNED_AMOUNT.test(value)) return formatAmount(new Money(value));
    throw new GraphQLError("Money must be a Decimal on output");
  },
  // A Decimal arrives already parsed when the gateway hands a request to a subgraph in its own process.
  parseValue: (value) => (value instanceof Money ? value : parseMoney(value)),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw scalarError("INVALID_AMOUNT", 'Money is written as a string, e.g. "26000.00"', ast);
    return parseMoney(ast.value, ast);
  },
});

function parseDate(value: unknown, node?: ValueNode): string {
  if (!isValidDate(value)) throw scalarError("INVALID_DATE", `日期须为 YYYY-MM-DD / Date is a calendar date YYYY-MM-DD (got ${JSON.stringify(value)})`, node);
  return value;
}

/** A calendar date, "YYYY-MM-DD", without time or time zone. */
export const DateScalar = new GraphQLScalarType({
  name: "Date",
  description: "A calendar date YYYY-MM-DD, without time or time zone.",
  serialize: (value) => parseDate(value),
  parseValue: (value) => parseDate(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw scalarError("INVALID_DATE", "Date is written as a string YYYY-MM-DD", ast);
    return parseDate(ast.value, ast);
  },
});

/** Opaque cursors for Relay pagination: the base64 of the sort key. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, field = "after"): string {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key || encodeCursor(key) !== cursor) throw new DomainError("INVALID_INPUT", field, `${field}: 无效的游标 / not a cursor returned by this API`);
  return key;
}

/** Codes that come from the GraphQL layer itself and are safe to pass on as they are. */
const GRAPHQL_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "PERSISTED_QUERY_NOT_FOUND", "OPERATION_RESOLUTION_FAILURE", "BAD_REQUEST", "QUERY_TOO_COMPLEX", "QUERY_TOO_DEEP"]);

/** Follows `originalError` links to the first DomainError or coded GraphQLError. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof DomainError) return current;
    const original = (current as { originalError?: unknown }).originalError;
    if (!original) return current;
    if (original instanceof GraphQLError && original.extensions?.code && !(original.originalError instanceof Error)) return original;
    current = original;
  }
  return current;
}

/** The field a refusal of the document itself names: the request's `query`. */
export const QUERY_FIELD = "query";

/**
 * The field graphql-js names in its own refusals: the variable path (`input.fees.total`), the
 * argument, the variable or the field; the request's `query` when it names none.
 */
export function graphqlFieldOf(message: string): string {
  const patterns = [/ at "([^"]+)"/, /argument "([^"]+)"/, /Variable "\$([^"]+)"/, /(?:Unknown argument|Cannot query field|Field) "(?:[^".]+\.)?([^"]+)"/];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match) return match[1];
  }
  return QUERY_FIELD;
}

/** graphql-js's refusal of a document over the parser's token limit, as our QUERY_TOO_COMPLEX. */
function tokenLimitMessage(message: string): string | null {
  const match = /Document contains more th(?:an|at) (\d+) tokens/.exec(message);
  return match ? `查询过长 / the query has more than ${match[1]} tokens; ask for fewer fields or fewer aliases` : null;
}

/** A document nested so deeply that parsing it ran out of stack (the token limit comes later), as our QUERY_TOO_DEEP. */
function nestingMessage(message: string): string | null {
  return /Maximum call stack size exceeded/.test(message) ? "查询嵌套过深 / the query nests values or selections too deeply" : null;
}

/**
 * The error a client sees: a message, `extensions.code` and `extensions.field` (the argument path
 * as the client wrote it, see README), for our own errors and GraphQL's. Stack traces, SQL and
 * validation internals (`target`) never leave the server; unexpected errors become
 * INTERNAL_SERVER_ERROR and are logged by the caller.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, logUnexpected: (error: unknown) => void): GraphQLFormattedError {
  const cause = rootCause(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (cause instanceof DomainError) {
    return { ...base, message: cause.message, extensions: { code: cause.code, field: cause.field, ...(cause.details.length ? { details: cause.details } : {}) } };
  }
  const code = (cause instanceof GraphQLError ? cause.extensions?.code : undefined) ?? formatted.extensions?.code;
  const tooLong = code === "GRAPHQL_PARSE_FAILED" ? tokenLimitMessage(formatted.message) : null;
  if (tooLong) return { ...base, message: tooLong, extensions: { code: "QUERY_TOO_COMPLEX", field: QUERY_FIELD } };
  const tooDeep = code === "GRAPHQL_PARSE_FAILED" ? nestingMessage(formatted.message) : null;
  if (tooDeep) return { ...base, message: tooDeep, extensions: { code: "QUERY_TOO_DEEP", field: QUERY_FIELD } };
  const ownField = cause instanceof GraphQLError && typeof cause.extensions?.field === "string" ? cause.extensions.field : null;
  const named = graphqlFieldOf(formatted.message);
  const field = ownField || (error instanceof GraphQLError ? argumentPathOf(error, named) : null) || named;
  if (cause instanceof GraphQLError && (code === "INVALID_AMOUNT" || code === "INVALID_DATE")) {
    // A scalar refused a variable: graphql-js prefixes where it was; keep that text.
    return { ...base, message: formatted.message, extensions: { code, field } };
  }
  // A refusal a subgraph made and sent over HTTP: our code, field and message, as the subgraph wrote them.
  if (cause instanceof GraphQLError && isErrorCode(code)) {
    const details = cause.extensions?.details;
    return { ...base, message: formatted.message, extensions: { code, field: typeof cause.extensions?.field === "string" ? cause.extensions.field : "", ...(Array.isArray(details) && details.length ? { details } : {}) } };
  }
  if (typeof code === "string" && GRAPHQL_CODES.has(code)) {
    return { ...base, message: formatted.message, extensions: { code, field } };
  }
  logUnexpected(error);
  return { ...base, message: "服务器内部错误 / internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
