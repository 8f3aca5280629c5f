/**
 * The backstop behind the cost estimate: whatever a query was estimated at, a request that resolves
 * more than `maxNodes` fields (every field of every list item counts) stops resolving and answers
 * 400 QUERY_TOO_COMPLEX with no data. The estimate cannot know how many bills a household really
 * has; this bounds the work and memory of one request by what it actually does.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLError } from "graphql";
import { queryRefusal } from "./query-limits";

/** The refusal of an answer with more than `maxNodes` fields. */
export function resultNodeRefusal(maxNodes: number): GraphQLError {
  return queryRefusal(`查询结果过大 / the answer would have more than ${maxNodes} fields; ask for fewer fields or smaller pages`, "QUERY_TOO_COMPLEX");
}

/**
 * The fields of an answer a subgraph built whole (an operation forwarded to its one owner): every
 * key of every object, as the resolvers the limit counts would have been one per key.
 */
export function answerFieldCount(data: unknown): number {
  if (Array.isArray(data)) return data.reduce((sum: number, item) => sum + answerFieldCount(item), 0);
  if (data === null || typeof data !== "object") return 0;
  let count = 0;
  for (const value of Object.values(data)) count += 1 + answerFieldCount(value);
  return count;
}

export function resultNodeLimit(maxNodes: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let resolved = 0;
      const refusal = resultNodeRefusal(maxNodes);
      return {
        async executionDidStart() {
          return {
            willResolveField() {
              // Once past the limit every further field fails at once, so no more resolvers run.
              if (++resolved > maxNodes) throw refusal;
            },
          };
        },
        async willSendResponse({ response }) {
          if (resolved <= maxNodes || response.body.kind !== "single") return;
          // The partial data is dropped: one refusal, as for a query refused before it ran.
          const first = response.body.singleResult.errors?.find((error) => error.message === refusal.message);
          response.body.singleResult = { errors: first ? [{ message: first.message, extensions: first.extensions }] : [] };
          response.http.status = 400;
        },
      };
    },
  };
}
