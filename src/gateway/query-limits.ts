/**
 * Limits on what one request may ask for: depth (a validation rule, answered with 400) and cost
 * (the number of fields a query could return, lists weighted by their page size).
 */
import { GraphQLError, type GraphQLSchema, type ValidationRule } from "graphql";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import type { ApolloServerPlugin } from "@apollo/server";

/** Refuses queries deeper than `maxDepth` with code QUERY_TOO_DEEP. */
export function depthLimit(maxDepth: number): ValidationRule {
  return maxDepthRule({
    n: maxDepth,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        context?.reportError(new GraphQLError(`查询层级过深 / query is deeper than the limit of ${maxDepth}: ${error.message}`, { extensions: { code: "QUERY_TOO_DEEP" } }));
      },
    ],
  });
}

/**
 * A field costs 1 plus its children, times its size: `first` for a paged connection (whose `edges`
 * then count once), 10 for any other list.
 */
const listAwareEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const isList = /^\[.*\]!?$/.test(String(field.type));
  const size = typeof args.first === "number" ? args.first : isList && field.name !== "edges" ? 10 : 1;
  return 1 + childComplexity * size;
};

/** Refuses operations whose cost exceeds `maxCost` with code QUERY_TOO_COMPLEX (HTTP 400). */
export function costLimit(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName ?? undefined, estimators: [listAwareEstimator] });
          } catch (error) {
            // Variables that do not fit their types: execution refuses them with a clear 400
            // (BAD_USER_INPUT, or our INVALID_AMOUNT / INVALID_DATE); the cost is not the problem.
            if (error instanceof GraphQLError) return;
            throw error;
          }
          if (cost > maxCost) {
            throw new GraphQLError(`查询过于复杂 / query cost ${cost} exceeds the limit of ${maxCost}; ask for fewer fields or smaller pages`, {
              extensions: { code: "QUERY_TOO_COMPLEX", cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
