/**
 * The metrics label of a GraphQL request, from what the schema bounds rather than from what the
 * client names: the operation type and its first root field (`mutation allocateCharity`), with `+`
 * when it asks for more root fields. A client's operation name goes into the log line only.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, type OperationDefinitionNode } from "graphql";
import { requestContext } from "../lib/request-context";

/** The label of a GraphQL request whose operation was never resolved (unparsable, invalid, unauthenticated). */
export const UNRESOLVED_OPERATION = "unresolved";

export function operationLabel(operation: OperationDefinitionNode): string {
  const fields = new Set(operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : [])));
  const [first] = fields;
  if (first === undefined) return `${operation.operation} (fragments)`;
  return `${operation.operation} ${first}${fields.size > 1 ? "+" : ""}`;
}

/** Records the label of the operation resolved in the request's context, for the request's metrics. */
export function operationLabelling(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          const context = requestContext.getStore();
          if (context && operation) context.operation = operationLabel(operation);
        },
      };
    },
  };
}
