/**
 * Limits on what one request may ask for, all answered with 400 before anything runs: tokens (at
 * parse time), aliases, directives and depth (validation rules), and cost (the number of fields a
 * query could return, lists weighted by their page size, JSON values by their size).
 */
import { GraphQLError, getNamedType, getOperationAST, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
import { getVariableValues } from "graphql/execution/values";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import type { ApolloServerPlugin } from "@apollo/server";
import { DomainError } from "../lib/errors";
import { QUERY_FIELD } from "../lib/graphql";
import type { BillLimits, GatewayConfig } from "../lib/config";
import { TIERS } from "../engine/vocabulary";
import { MAX_BILLS_PER_BATCH } from "../settlement/bill-batch";

export type QueryLimits = Pick<GatewayConfig, "maxQueryDepth" | "maxQueryCost" | "maxQueryTokens" | "maxQueryAliases" | "maxQueryDirectives" | "maxResultNodes">;

/** The size of a list without `first`, when nothing more is known of it. */
const UNPAGED_LIST_SIZE = 10;

/**
 * Lists without `first` whose size the data sets, at the most they can hold (`Type.field`): a
 * household's or a statement's bills, a re-settled year, a what-if. Others count UNPAGED_LIST_SIZE,
 * and the result-node limit (result-limit.ts) bounds what an estimate misses.
 */
export function listSizes(bills: BillLimits): ReadonlyMap<string, number> {
  return new Map([
    ["Beneficiary.claims", bills.maxBillsPerYear],
    ["ResolutionStatement.claims", bills.maxBillsPerYear],
    ["ResolutionStatement.allocations", bills.maxBillsPerYear],
    ["Mutation.resettle", bills.maxBillsPerYear],
    ["Mutation.simulateSettlement", bills.maxBillsPerRequest],
    ["Mutation.settleClaims", MAX_BILLS_PER_BATCH],
    // One line per tier: fewer than the default, so that a household's bills with their lines stay affordable.
    ["Settlement.lines", TIERS.length],
    ["StatementClaim.lines", TIERS.length],
  ]);
}

/** A JSON value's cost when its field declares none: the small maps (figures, audit details, parameter values). */
export const JSON_FIELD_COST = 10;

/** A refusal of the request's document, 400 with the field `query`. */
export function queryRefusal(message: string, code: "QUERY_TOO_DEEP" | "QUERY_TOO_COMPLEX", extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, field: QUERY_FIELD, ...extensions, http: { status: 400 } } });
}

/** Reports an armor rule's rejection as our own coded error (the rule's own would be BAD_USER_INPUT). */
function reportAs(code: "QUERY_TOO_DEEP" | "QUERY_TOO_COMPLEX", words: string) {
  return (context: ValidationContext | null, error: GraphQLError) => context?.reportError(queryRefusal(`${words}: ${error.message.replace(/^Syntax Error: /, "")}`, code));
}

/** The validation rules of the limits: depth, aliases, directives. */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxQueryDepth, propagateOnRejection: false, onReject: [reportAs("QUERY_TOO_DEEP", `查询层级过深 / query is deeper than the limit of ${limits.maxQueryDepth}`)] }),
    maxAliasesRule({ n: limits.maxQueryAliases, propagateOnRejection: false, onReject: [reportAs("QUERY_TOO_COMPLEX", "别名过多 / too many aliases")] }),
    maxDirectivesRule({ n: limits.maxQueryDirectives, propagateOnRejection: false, onReject: [reportAs("QUERY_TOO_COMPLEX", "指令过多 / too many directives")] }),
  ];
}

/** graphql-js's own token limit, checked while parsing: a huge document is never built (formatGraphQLError names it QUERY_TOO_COMPLEX). */
export function parseLimits(limits: QueryLimits): { maxTokens: number } {
  return { maxTokens: limits.maxQueryTokens };
}

/** A page size asked for: refused below 1 (a negative `first` must never lower the cost). */
function pageAsked(args: Record<string, unknown>): number | null {
  if (typeof args.first !== "number") return null;
  if (args.first < 1) throw new DomainError("INVALID_INPUT", "first", `first: 须为正整数 / must be 1 or more (got ${args.first})`);
  return args.first;
}

/**
 * A field costs its own weight plus its children, times its size: `first` for a paged connection
 * (whose `edges` then count once), its entry in `sizes` or UNPAGED_LIST_SIZE for any other list.
 * Its weight is what its `complexity` declares, JSON_FIELD_COST for a JSON value, else 1.
 */
function estimatorFor(sizes: ReadonlyMap<string, number>): ComplexityEstimator {
  return ({ args, childComplexity, field, type }) => {
    const declared = field.extensions?.complexity;
    const isJson = /^JSON(Object)?$/.test(getNamedType(field.type).name);
    const weight = typeof declared === "number" ? declared : isJson ? JSON_FIELD_COST : 1;
    const isList = /^\[.*\]!?$/.test(String(field.type));
    const size = pageAsked(args) ?? (isList && field.name !== "edges" ? (sizes.get(`${type.name}.${field.name}`) ?? UNPAGED_LIST_SIZE) : 1);
    return weight + childComplexity * size;
  };
}

/** True when the request's variables do not fit their types: execution then refuses them, running nothing. */
export function variablesRefused(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], variables, { maxErrors: 1 });
  return coerced.errors !== undefined;
}

/** The operation's cost, or the refusal when it cannot be computed: nothing runs uncounted. */
function costOf(schema: GraphQLSchema, estimator: ComplexityEstimator, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): number {
  try {
    return getComplexity({ schema, query: document, variables, operationName, estimators: [estimator] });
  } catch (error) {
    if (error instanceof DomainError) throw new GraphQLError(error.message, { originalError: error, extensions: { http: { status: 400 } } });
    throw queryRefusal(`查询过于复杂 / the query's cost cannot be computed (${(error as Error).message}); ask for fewer fields`, "QUERY_TOO_COMPLEX");
  }
}

/** Refuses operations whose cost exceeds `maxCost`, or cannot be computed, with code QUERY_TOO_COMPLEX (HTTP 400). */
export function costLimit(schema: GraphQLSchema, maxCost: number, bills: BillLimits): ApolloServerPlugin {
  const estimator = estimatorFor(listSizes(bills));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const variables = request.variables ?? {};
          const operationName = request.operationName ?? undefined;
          // Variables that do not fit their types: execution refuses them before any resolver runs
          // (BAD_USER_INPUT, or our INVALID_AMOUNT / INVALID_DATE), so there is no cost to count.
          if (variablesRefused(schema, document, variables, operationName)) return;
          const cost = costOf(schema, estimator, document, variables, operationName);
          if (cost > maxCost) {
            throw queryRefusal(`查询过于复杂 / query cost ${cost} exceeds the limit of ${maxCost}; ask for fewer fields or smaller pages`, "QUERY_TOO_COMPLEX", { cost, maxCost });
          }
        },
      };
    },
  };
}
