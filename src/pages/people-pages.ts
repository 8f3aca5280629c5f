/**
 * The pages people open in a browser, beside the partners' API: the charity office's page at
 * /charity (signed in with a session cookie, never a key in a URL), its data, allocations and
 * exports, ECharts served from node_modules (offices often have no internet), and 化解清单 opened
 * with a signed, short-lived link.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { DomainError, httpStatusOf } from "../lib/errors";
import type { Logger } from "../lib/logger";
import type { RateLimits } from "../lib/config";
import { todayInChina, yearField } from "../lib/dates";
import { formatAmount } from "../lib/money";
import { Principal } from "../access/principal";
import { partnerId } from "../access/tenant-ids";
import type { Services } from "../gateway/services";
import { callerOf, keyedAccess } from "../gateway/keyed-access";
import { renderStatementPage, type StatementPageOptions } from "../charity/statement.page";
import type { PagesConfig } from "./pages-config";
import { SessionStore, sameOrigin, sameOriginWithToken } from "./sessions";
import { renderCharityLogin, renderCharityPage } from "./charity.page";
import { entitlementRows, fundSeries } from "./charity-data";
import { EXPORTS, exportTable, tableCsv, tableXlsx, type ExportName } from "./exports";
import { SHARED_STATEMENTS, checkStatementLink, statementLink } from "./statement-links";


/** The 化解清单's issuing body and print time (China time) for a jurisdiction. */
export function statementPageOptions(pages: PagesConfig, jurisdiction: string, now = new Date()): StatementPageOptions {
  const printedAt = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
  return { printedAt, issuer: pages.statementIssuers[jurisdiction] ?? null };
}

function refusal(res: Response, error: DomainError): void {
  res.status(httpStatusOf(error.code)).json({ error: { code: error.code, field: error.field, message: error.message } });
}

/** The signed-in principal of a /charity request (CHARITY or ADMIN), or a refusal. */
function charityPrincipal(res: Response): Principal {
  const caller = callerOf(res);
  if (!caller.principal) throw caller.refusal;
  caller.principal.requireRole("CHARITY", "ADMIN");
  return caller.principal;
}

export function peoplePages(services: Services, pages: PagesConfig, rateLimits: RateLimits, logger: Logger): express.Router {
  const router = express.Router();
  const sessions = new SessionStore(pages.sessionMinutes);
  const keyed = keyedAccess(services.apiKeys, rateLimits);

  const handle = (work: (principal: Principal, req: Request, res: Response) => Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      const result = await work(charityPrincipal(res), req, res);
      if (result !== undefined) res.json(result);
    } catch (error) {
      if (error instanceof DomainError) return refusal(res, error);
      logger.error({ err: error }, "charity page request failed");
      res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", field: "", message: "服务器内部错误 / internal error" } });
    }
  };
  // The session's key authenticates the request as a key in a header would (rate limits included).
  const fromSession = (req: Request, _res: Response, next: NextFunction) => {
    const session = sessions.of(req);
    req.headers.authorization = session ? `Bearer ${session.key}` : undefined;
    next();
  };
  const csrf = (req: Request, res: Response, next: NextFunction) => {
    const session = sessions.of(req);
    if (!session || !sameOriginWithToken(req, session)) return refusal(res, new DomainError("FORBIDDEN", "x-csrf-token", "x-csrf-token: 请求来源无法确认，请刷新页面 / the request did not come from this page; reload it"));
    next();
  };

  router.get("/assets/echarts.min.js", (_req, res) => {
    res.type("application/javascript").sendFile(require.resolve("echarts/dist/echarts.min.js"), { maxAge: "1d" });
  });

  router.post("/charity/login", express.urlencoded({ extended: false, limit: "4kb" }), (req: Request, _res: Response, next: NextFunction) => {
    req.headers.authorization = `Bearer ${String(req.body?.key ?? "").trim()}`;
    next();
  }, keyed, (req: Request, res: Response) => {
    const caller = callerOf(res);
    const problem = !sameOrigin(req) ? "请从本页登录 / sign in from this page" : !caller.principal ? caller.refusal.message : !["CHARITY", "ADMIN"].includes(caller.principal.role) ? "此页面需要 CHARITY 或 ADMIN 密钥 / this page needs a CHARITY or ADMIN key" : null;
    if (problem) {
      res.status(401).type("html").send(renderCharityLogin(problem));
      return;
    }
    sessions.setCookie(res, sessions.open(String(req.body.key).trim()), req.secure);
    res.redirect(303, "/charity");
  });
  router.post("/charity/logout", csrf, (req, res) => {
    sessions.close(req);
    sessions.clearCookie(res);
    res.json({ signedOut: true });
  });

  router.use("/charity", fromSession, keyed);
  router.get("/charity", (req, res) => {
    const caller = callerOf(res);
    const session = sessions.of(req);
    if (!session || !caller.principal || !["CHARITY", "ADMIN"].includes(caller.principal.role)) {
      res.type("html").send(renderCharityLogin(session ? "密钥已失效，请重新登录 / the key is no longer valid" : null));
      return;
    }
    res.type("html").send(renderCharityPage(caller.principal.role, session.csrf));
  });
  router.get("/charity/data/entitlements", handle(async (principal, req) => {
    const status = typeof req.query.status === "string" && req.query.status ? req.query.status.split(",") : null;
    const yearText = typeof req.query.year === "string" ? req.query.year : "";
    const year = yearText ? yearField(yearText) : null;
    const jurisdiction = typeof req.query.jurisdiction === "string" && req.query.jurisdiction ? req.query.jurisdiction : null;
    return { rows: await entitlementRows(services, principal, { status, jurisdiction, year, search: String(req.query.search ?? "") }) };
  }));
  router.get("/charity/data/funds", handle(async (principal) => ({ funds: await fundSeries(services, principal) })));
  router.get("/charity/data/plan", handle(async (principal, req) => {
    const plan = await services.charity.plan(principal, String(req.query.entitlementId ?? ""));
    return { ...plan, need: formatAmount(plan.need), shortfall: formatAmount(plan.shortfall), parts: plan.parts.map((p) => ({ ...p, amount: formatAmount(p.amount), balance: formatAmount(p.balance) })) };
  }));
  router.post("/charity/allocate", csrf, express.json({ limit: "16kb" }), handle(async (principal, req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return services.charity.allocate(principal, { requestId: String(body.requestId ?? ""), entitlementId: String(body.entitlementId ?? ""), reason: String(body.reason ?? "").trim() || "慈善医疗救助化解" });
  }));
  router.post("/charity/statement-link", csrf, express.json({ limit: "4kb" }), handle(async (principal, req) => {
    const entitlementId = String((req.body ?? {}).entitlementId ?? "");
    const entitlement = await services.charity.repository.entitlement(services.dataSource.manager, entitlementId);
    if (!entitlement || !principal.canSee(entitlement.jurisdiction)) throw new DomainError("NOT_FOUND", "entitlementId", `entitlement ${entitlementId} 不存在 / was not found`);
    const ref = { jurisdiction: entitlement.jurisdiction, beneficiaryId: partnerId(entitlement.beneficiaryId), year: entitlement.year };
    return { link: statementLink(pages.linkSecret, ref, pages.linkMinutes), expiresInMinutes: pages.linkMinutes };
  }));
  router.get("/charity/export/:name.:format", handle(async (_principal, req, res) => {
    const name = req.params.name as ExportName;
    const format = req.params.format;
    if (!EXPORTS.includes(name) || (format !== "csv" && format !== "xlsx")) throw new DomainError("NOT_FOUND", "path", `path: ${EXPORTS.join(", ")} × csv, xlsx`);
    const table = await exportTable(services.dataSource.manager, name);
    const file = `${name}-${todayInChina()}.${format}`;
    if (format === "csv") res.type("text/csv; charset=utf-8").attachment(file).send(tableCsv(table));
    else res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").attachment(file).send(await tableXlsx(table));
    return undefined;
  }));

  // A household's statement by signed link: that one statement, national ID masked.
  router.get(`${SHARED_STATEMENTS}/:jurisdiction/:beneficiaryId/:year`, async (req, res) => {
    const ref = { jurisdiction: String(req.params.jurisdiction), beneficiaryId: String(req.params.beneficiaryId), year: Number(req.params.year) };
    try {
      checkStatementLink(pages.linkSecret, ref, req.query as Record<string, unknown>);
      const statement = await services.charity.statement(new Principal("statement-link", "CHARITY", []), ref.beneficiaryId, ref.year, ref.jurisdiction);
      res.type("html").send(renderStatementPage(statement, statementPageOptions(pages, ref.jurisdiction)));
    } catch (error) {
      if (error instanceof DomainError) {
        res.status(httpStatusOf(error.code)).type("text/plain; charset=utf-8").send(error.message);
        return;
      }
      logger.error({ err: error }, "shared statement failed");
      res.status(500).type("text/plain; charset=utf-8").send("服务器内部错误 / internal error");
    }
  });
  return router;
}
