/**
 * Probes for orchestrators: /livez (the process answers) and /readyz (it should get traffic: the
 * database answers, rule packs are loaded, and it is not shutting down). /healthz stays as it was.
 */
import express from "express";
import type { Logger } from "../lib/logger";
import type { Services } from "./services";

export interface Readiness {
  /** Set on SIGTERM: readiness fails first, so that load balancers stop sending before the server closes. */
  draining: boolean;
}

export function probeRoutes(services: Services, readiness: Readiness, logger: Logger): express.Router {
  const router = express.Router();
  router.get("/livez", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    if (readiness.draining) {
      res.status(503).json({ status: "draining" });
      return;
    }
    const packs = services.packs.jurisdictions();
    try {
      await services.dataSource.query("SELECT 1");
    } catch (error) {
      logger.error({ err: error }, "readiness: database unreachable");
      res.status(503).json({ status: "database unreachable" });
      return;
    }
    res.status(packs.length > 0 ? 200 : 503).json({ status: packs.length > 0 ? "ready" : "no rule packs loaded", packs });
  });
  return router;
}
