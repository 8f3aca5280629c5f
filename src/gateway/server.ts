/**
 * The gateway: one Express app with GraphQL at /graphql (Apollo Server 5), /healthz, /livez and
 * /readyz for load balancers, /metrics, and the landing page at /. Stateless: any number of
 * instances can share a database.
 */
import * as http from "node:http";
import express from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { Logger } from "../lib/logger";
import { formatGraphQLError } from "../lib/graphql";
import type { GatewayConfig } from "../lib/config";
import type { GatewayContext } from "./context";
import { createLoaders } from "./loaders";
import type { Services } from "./services";
import { buildGatewaySchema, buildRemoteGatewaySchema } from "./schema";
import { logSubgraphFailuresTo, subgraphHealth, type RemoteSubgraphs } from "./remote-subgraphs";
import { costLimit, limitRules, parseLimits, type QueryLimits } from "./query-limits";
import { resultNodeLimit } from "./result-limit";
import { forwardingGateway } from "./gateway-executor";
import { operationLabelling } from "./operation-label";
import { LANDING_PAGE } from "./landing-page";
import { httpAdapter, jurisdictionQuery } from "./http-adapter";
import { callerOf, keyedAccess } from "./keyed-access";
import { errorHandler, unknownRoute } from "./error-handler";
import { yearField } from "../lib/dates";
import { renderStatementPage } from "../charity/statement.page";
import { DomainError, httpStatusOf } from "../lib/errors";
import { subsidyReportCsv } from "../premium/premium.service";
import { requestLogging } from "./request-logging";
import { GatewayMetrics, countCommittedWork, metricsHandler } from "./metrics";
import { probeRoutes, type Readiness } from "./probes";
import { serveApp } from "./startup";
import { peoplePages, statementPageOptions } from "../pages/people-pages";
import { readPagesConfig, type PagesConfig } from "../pages/pages-config";

export interface RunningGateway {
  url: string;
  port: number;
  server: http.Server;
  schema: GraphQLSchema;
  /** Fails /readyz from now on (shutting down); requests are still served. */
  drain(): void;
  stop(): Promise<void>;
}

/**
 * Starts the HTTP server on the configured port (0: any free port) and resolves once it listens;
 * or takes over `listening`, a server bound earlier (start-up binds the port before writing data).
 */
export async function startGateway(
  services: Services,
  config: Pick<GatewayConfig, "port" | "host" | "rateLimits" | "trustProxyHops" | "billLimits"> & QueryLimits & Partial<Pick<GatewayConfig, "metricsToken" | "pages">>,
  logger: Logger,
  listening?: http.Server,
  /** The owners' subgraphs in processes of their own; absent, every subgraph runs in this process. */
  remote?: RemoteSubgraphs,
): Promise<RunningGateway> {
  if (remote) logSubgraphFailuresTo(logger);
  const { schema, composition, executorOf } = remote ? await buildRemoteGatewaySchema(services, remote, logger) : await buildGatewaySchema(services);
  const app = express();
  const httpServer = listening ?? http.createServer(app);
  const metrics = new GatewayMetrics(services, logger);
  countCommittedWork(services, metrics);
  const readiness: Readiness = { draining: false };
  const pages = config.pages ?? readPagesConfig({}, []);
  const apollo = new ApolloServer<GatewayContext>({
    // The composed schema, its operations forwarded to their one owner or planned over the subgraphs.
    gateway: forwardingGateway({ schema, supergraphSdl: composition.supergraphSdl, executorOf, maxResultNodes: config.maxResultNodes }),
    includeStacktraceInErrorResponses: false,
    // SIGTERM is start.ts's to handle (fail /readyz, serve through the drain, then stop): Apollo's
    // own handler, on outside NODE_ENV=test, would close the server at once.
    stopOnTerminationSignals: false,
    parseOptions: parseLimits(config),
    validationRules: limitRules(config),
    // Cache hints are of no use to partners (every answer depends on the key), and computing them
    // costs a hook per resolved field.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), costLimit(schema, config.maxQueryCost, config.billLimits), resultNodeLimit(config.maxResultNodes), operationLabelling()],
    formatError: (formatted, error) => formatGraphQLError(formatted, error, (unexpected) => logger.error({ err: unexpected }, "unexpected error in a GraphQL request")),
  });
  await apollo.start();

  app.disable("x-powered-by");
  // Behind a balancer the client address is in X-Forwarded-For; the rate limits per address need it.
  if (config.trustProxyHops > 0) app.set("trust proxy", config.trustProxyHops);
  // One structured log line per request: enough to trace a partner's call without logging its data.
  app.use(requestLogging(logger, metrics));
  app.use(probeRoutes(services, readiness, logger));
  app.get("/metrics", metricsHandler(metrics, config.metricsToken ?? null));
  app.get("/", (_req, res) => {
    res.type("html").send(LANDING_PAGE);
  });
  app.get("/healthz", async (_req, res) => {
    const packs = services.packs.jurisdictions();
    // Spread out, each owner's subgraph is asked too: the answer names the ones that are down.
    const subgraphs = remote ? await subgraphHealth(remote) : undefined;
    const down = Object.entries(subgraphs ?? {}).filter(([, state]) => state === "down").map(([name]) => name);
    try {
      await services.dataSource.query("SELECT 1");
      const status = packs.length === 0 ? "no rule packs loaded" : down.length > 0 ? `subgraph down: ${down.join(", ")}` : "ok";
      res.status(status === "ok" ? 200 : 503).json({ status, database: "ok", packs, ...(subgraphs ? { subgraphs } : {}) });
    } catch (error) {
      logger.error({ err: error }, "health check: database unreachable");
      res.status(503).json({ status: "database unreachable", database: "error", packs, ...(subgraphs ? { subgraphs } : {}) });
    }
  });
  // The charity office's page, its signed statement links and the chart library.
  if (!remote) app.use(peoplePages(services, pages, config.rateLimits, logger));
  app.use(["/graphql", "/api", "/statements", "/reports"], keyedAccess(services.apiKeys, config.rateLimits));
  // The HTTP adapter, reports and statements call the owners' services: served where they run.
  if (!remote) app.use(ownersRoutes(services, pages, logger));
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const caller = callerOf(res);
        if (!caller.principal) {
          const error = caller.refusal;
          throw new GraphQLError(error.message, { extensions: { code: error.code, field: error.field || "Authorization", http: { status: httpStatusOf(error.code) } } });
        }
        return { principal: caller.principal, loaders: createLoaders(services.dataSource, services) };
      },
    }),
  );
  // Last: whatever no route answered or failed inside Express gets JSON, never Express's HTML page.
  app.use(unknownRoute());
  app.use(errorHandler(logger));

  return running(app, httpServer, config, listening, schema, readiness, apollo);
}

/** Serves `app` (see serveApp) and hands back what start-up and tests hold of a running server. */
export async function running(
  app: http.RequestListener,
  httpServer: http.Server,
  config: Pick<GatewayConfig, "host" | "port">,
  listening: http.Server | undefined,
  schema: GraphQLSchema,
  readiness: Readiness,
  apollo: { stop(): Promise<void> },
): Promise<RunningGateway> {
  const { port, url } = await serveApp(app, httpServer, config, listening);
  return {
    url,
    port,
    server: httpServer,
    schema,
    drain() {
      readiness.draining = true;
    },
    async stop() {
      await apollo.stop();
    },
  };
}

/** The routes that answer from the owners' services in this process: /api, the CSV report, the statement page. */
function ownersRoutes(services: Services, pages: PagesConfig, logger: Logger): express.Router {
  const router = express.Router();
  router.use("/api", httpAdapter(services, logger));
  // The premium-subsidy report as CSV for the finance office, behind the same keys.
  router.get("/reports/premium-subsidy/:jurisdiction/:year.csv", async (req, res) => {
    const caller = callerOf(res);
    if (!caller.principal) {
      res.status(httpStatusOf(caller.refusal.code)).type("text/plain; charset=utf-8").send(caller.refusal.message);
      return;
    }
    const principal = caller.principal;
    try {
      const report = await services.premium.report(principal, req.params.jurisdiction, Number(req.params.year));
      res.type("text/csv; charset=utf-8").attachment(`premium-subsidy-${report.jurisdiction}-${report.year}.csv`).send(subsidyReportCsv(report));
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(httpStatusOf(error.code)).type("text/plain; charset=utf-8").send(error.message);
        return;
      }
      logger.error({ err: error }, "premium report failed");
      res.status(httpStatusOf("INTERNAL_SERVER_ERROR")).type("text/plain; charset=utf-8").send("服务器内部错误 / internal error");
    }
  });
  // The printable 化解清单: the same keys and access rules as GraphQL.
  router.get("/statements/:beneficiaryId/:year", async (req, res) => {
    const caller = callerOf(res);
    if (!caller.principal) {
      res.status(httpStatusOf(caller.refusal.code)).type("text/plain; charset=utf-8").send(caller.refusal.message);
      return;
    }
    const principal = caller.principal;
    try {
      const statement = await services.charity.statement(principal, req.params.beneficiaryId, yearField(req.params.year), jurisdictionQuery(req));
      res.type("html").send(renderStatementPage(statement, statementPageOptions(pages, statement.beneficiary.jurisdiction)));
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(httpStatusOf(error.code)).type("text/plain; charset=utf-8").send(error.message);
        return;
      }
      logger.error({ err: error }, "statement page failed");
      res.status(httpStatusOf("INTERNAL_SERVER_ERROR")).type("text/plain; charset=utf-8").send("服务器内部错误 / internal error");
    }
  });
  return router;
}
