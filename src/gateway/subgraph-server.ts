/**
 * One owner's subgraph served alone (`npm start -- --subgraph NAME`): GraphQL at /graphql for the
 * gateway only, /healthz, /livez and /readyz. A request is served only with a principal the gateway
 * signed (SUBGRAPH_SECRET); the one exception is `_service { sdl }`, which composition reads and
 * which holds no data.
 */
import * as http from "node:http";
import express from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, Kind, parse, type DocumentNode } from "graphql";
import type { Logger } from "../lib/logger";
import { formatGraphQLError } from "../lib/graphql";
import { httpStatusOf, isDomainError } from "../lib/errors";
import { Principal } from "../access/principal";
import { PRINCIPAL_HEADER, verifyPrincipal } from "../access/principal-token";
import type { GatewayConfig } from "../lib/config";
import type { GatewayContext } from "./context";
import { createLoaders } from "./loaders";
import type { Services } from "./services";
import { buildSubgraph, type OwnerSubgraph } from "./subgraphs";
import { probeRoutes, type Readiness } from "./probes";
import { errorHandler, unknownRoute } from "./error-handler";
import { running, type RunningGateway } from "./server";

/** Who may ask for the SDL without a signature: nobody that can see anything. */
const ANONYMOUS = new Principal("anonymous", "PARTNER", []);

/** True when the document asks for nothing but `_service` (and `__typename`). */
export function onlyAsksForSdl(query: unknown): boolean {
  if (typeof query !== "string") return false;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 200 });
  } catch {
    return false;
  }
  return document.definitions.every(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.operation === "query" &&
      definition.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && (selection.name.value === "_service" || selection.name.value === "__typename")),
  );
}

/** The caller a request to a subgraph is served for: the gateway's signed principal. */
export function subgraphCaller(headers: http.IncomingHttpHeaders, query: unknown, secret: string): Principal {
  const token = headers[PRINCIPAL_HEADER];
  if (token === undefined && onlyAsksForSdl(query)) return ANONYMOUS;
  return verifyPrincipal(typeof token === "string" ? token : undefined, secret);
}

export async function startSubgraphServer(
  name: OwnerSubgraph,
  services: Services,
  config: Pick<GatewayConfig, "port" | "host">,
  secret: string,
  logger: Logger,
  routes: express.Router[] = [],
  listening?: http.Server,
): Promise<RunningGateway> {
  const schema = await buildSubgraph(name, services);
  const app = express();
  const httpServer = listening ?? http.createServer(app);
  const readiness: Readiness = { draining: false };
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    formatError: (formatted, error) => formatGraphQLError(formatted, error, (unexpected) => logger.error({ err: unexpected, subgraph: name }, "unexpected error in a subgraph request")),
  });
  await apollo.start();
  app.disable("x-powered-by");
  app.use(probeRoutes(services, readiness, logger));
  app.get("/healthz", async (_req, res) => {
    try {
      await services.dataSource.query("SELECT 1");
      res.json({ status: "ok", subgraph: name, database: "ok" });
    } catch (error) {
      logger.error({ err: error }, "health check: database unreachable");
      res.status(503).json({ status: "database unreachable", subgraph: name, database: "error" });
    }
  });
  for (const router of routes) app.use(router);
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return { principal: subgraphCaller(req.headers, req.body?.query, secret), loaders: createLoaders(services.dataSource, services) };
        } catch (error) {
          if (!isDomainError(error)) throw error;
          throw new GraphQLError(error.message, { extensions: { code: error.code, field: error.field, http: { status: httpStatusOf(error.code) } } });
        }
      },
    }),
  );
  app.use(unknownRoute());
  app.use(errorHandler(logger));
  return running(app, httpServer, config, listening, schema, readiness, apollo);
}
