/**
 * The plugin's client components in a browser page, served by the test's NocoBase app itself (same
 * origin, so the components call NocoBase's real REST API): a sign-in form, the case page and the
 * settings page. It stands in for NocoBase's own client, which cannot be installed here (see the
 * README); the request function is NocoBase's APIClient in miniature (axios's request shape, errors
 * carrying the response body).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PLUGIN_DIR, type StaticHandler } from "./nocobase";

export const CLIENT_PREFIX = "/medassist-client/";
const BROWSER_BUILD = path.join(PLUGIN_DIR, "dist", "browser");
const LOCALE_DIR = path.join(PLUGIN_DIR, "src", "locale");

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>医疗救助案件</title></head>
<body>
<form id="sign-in"><input name="account" aria-label="账号"><input name="password" type="password" aria-label="密码"><button type="submit">登录</button></form>
<nav hidden><button type="button" id="show-cases">案件</button><button type="button" id="show-settings">设置</button></nav>
<div id="page"></div>
<script type="module">
import { mountCasePage } from "./plugins/nocobase/src/client/case-page.js";
import { mountSettingsPage } from "./plugins/nocobase/src/client/settings-page.js";
import { SettlementApi } from "./plugins/nocobase/src/client/settlement-api.js";
import { translator } from "./plugins/nocobase/src/client/locale.js";
const t = translator(await (await fetch("./locale/zh-CN.json")).json());
let token = null;
const request = async ({ url, method = "get", params, data }) => {
  const query = params ? "?" + new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])) : "";
  const headers = { "content-type": "application/json", "x-authenticator": "basic" };
  if (token) headers.authorization = "Bearer " + token;
  const response = await fetch("/api/" + url + query, { method: method.toUpperCase(), headers, body: method === "post" ? JSON.stringify(data ?? {}) : undefined });
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(response.statusText), { response: { status: response.status, data: body } });
  return { data: body };
};
const api = new SettlementApi(request);
const page = document.getElementById("page");
document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  token = (await request({ url: "auth:signIn", method: "post", data: { account: form.get("account"), password: form.get("password") } })).data.data.token;
  event.target.hidden = true;
  document.querySelector("nav").hidden = false;
  await mountCasePage(page, api, t);
});
document.getElementById("show-cases").addEventListener("click", () => mountCasePage(page, api, t));
document.getElementById("show-settings").addEventListener("click", () => mountSettingsPage(page, api, t));
</script></body></html>`;

/** Serves the page, the client's ES modules (an import without extension gets ".js") and the locales. */
export const serveClientPage: StaticHandler = (request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith(CLIENT_PREFIX)) return false;
  const rest = url.pathname.slice(CLIENT_PREFIX.length);
  const send = (type: string, body: string | Buffer) => response.writeHead(200, { "content-type": type }).end(body);
  if (rest === "index.html") return (send("text/html; charset=utf-8", PAGE), true);
  const file = rest.startsWith("locale/") ? path.join(LOCALE_DIR, path.basename(rest)) : path.join(BROWSER_BUILD, path.normalize(rest).replace(/^(\.\.[/\\])+/, ""));
  const found = [file, `${file}.js`].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  if (!found) return (response.writeHead(404).end(), true);
  send(found.endsWith(".json") ? "application/json" : "text/javascript", fs.readFileSync(found));
  return true;
};
