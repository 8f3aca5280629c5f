/**
 * How the gateway executes an operation, behind Apollo Server's `gateway` option (so parsing, the
 * query limits, access and error formatting stay Apollo's, exactly as before): an operation that
 * one subgraph answers alone (operation-owner.ts) is sent to it as it is, in one request; any
 * other is planned over the subgraphs by the stitched schema, field by field.
 */
import type { ApolloServerOptions } from "@apollo/server";
import type { Executor } from "@graphql-tools/utils";
import { execute, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { GatewayContext } from "./context";
import { operationOwners, type OwnerOf } from "./operation-owner";
import { variablesRefused } from "./query-limits";
import { isUnavailable, markUnavailable } from "./remote-subgraphs";
import { answerFieldCount, resultNodeRefusal } from "./result-limit";

type GatewayInterface = Extract<ApolloServerOptions<GatewayContext>, { gateway: unknown }>["gateway"];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface["load"]>>["executor"]>;

export interface ExecutionParts {
  /** The stitched schema: the partners' API, executed over the subgraphs. */
  schema: GraphQLSchema;
  supergraphSdl: string;
  /** How each subgraph (by its composed name) is asked. */
  executorOf: (subgraph: string) => Executor;
  /** MAX_RESULT_NODES: a forwarded answer is held to it as the planned one is while it resolves. */
  maxResultNodes: number;
}

/** The executor: forwarded to the one owner when there is one, planned otherwise. */
export function gatewayExecutor(parts: ExecutionParts, ownerOf: OwnerOf = operationOwners(parts.supergraphSdl)): GatewayExecutor {
  const { schema, executorOf, maxResultNodes } = parts;
  const planned = (document: Parameters<OwnerOf>[0], variables: Record<string, unknown> | undefined, operationName: string | undefined, context: object) =>
    execute({ schema, document, variableValues: variables, operationName, contextValue: context }) as Promise<ExecutionResult>;
  return async ({ document, request, context }) => {
    const variables = request.variables;
    const operationName = request.operationName;
    const owner = ownerOf(document, operationName);
    // Variables the gateway refuses go the planned way, which refuses them as it always has.
    if (owner && !variablesRefused(schema, document, variables ?? {}, operationName)) {
      const result = (await executorOf(owner.subgraph)({ document: owner.document, variables, operationName, context })) as ExecutionResult;
      if (!isUnavailable(result)) {
        if (answerFieldCount(result.data) > maxResultNodes) throw resultNodeRefusal(maxResultNodes);
        return result;
      }
      // Planned, the owner's fields are null with the error in its place and the answer is 200:
      // the same shape, without asking the owner a second time.
      markUnavailable(context, owner.subgraph);
    }
    return planned(document, variables, operationName, context);
  };
}

/** Apollo Server's `gateway` option serving a fixed schema through `gatewayExecutor`. */
export function forwardingGateway(parts: ExecutionParts): GatewayInterface {
  let announce: Parameters<GatewayInterface["onSchemaLoadOrUpdate"]>[0] = () => undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      announce = callback;
      return () => undefined;
    },
    async load() {
      announce({ apiSchema: parts.schema, coreSupergraphSdl: parts.supergraphSdl });
      return { executor: gatewayExecutor(parts) };
    },
    async stop() {},
  };
}
