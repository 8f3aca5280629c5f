/**
 * A real NocoBase application for the plugin's tests: @nocobase/server with the preset plugins a
 * NocoBase install runs for sign-in, users, roles and permissions, an in-memory SQLite database,
 * this plugin enabled, and NocoBase's HTTP API listening on a free port. Tests talk to it only over
 * HTTP, as a NocoBase client would.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

/** The plugin package's directory (holding package.json and node_modules). */
export const PLUGIN_DIR = path.resolve(__dirname, "..", "..", "..", "..", "..");
/** The repository the plugin lives in. */
export const REPOSITORY_DIR = path.resolve(PLUGIN_DIR, "..", "..");

/** The preset plugins a NocoBase app needs for sign-in, users, roles and permissions. */
const PRESET_PLUGINS = ["error-handler", "field-sort", "data-source-main", "data-source-manager", "system-settings", "ui-schema-storage", "user-data-sync", "auth", "users", "acl"];

export const ROOT_ACCOUNT = { account: "admin@nocobase.com", password: "admin123" };

export interface ApiResponse {
  status: number;
  body: { data?: any; errors?: Array<{ code?: string; field?: string; message: string }>; meta?: any };
}

export interface TestNocoBase {
  url: string;
  /** Calls NocoBase's REST API (`/api/<resource>:<action>`), signed in with `token` when given. */
  api(method: "GET" | "POST", resourceAction: string, options?: { token?: string; role?: string; query?: Record<string, string | number>; body?: unknown }): Promise<ApiResponse>;
  signIn(account: string, password: string): Promise<string>;
  /** Runs a NocoBase command in the running app, e.g. `pm add FILE` as the plugin manager does for an upload. */
  command(...args: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where the app keeps its data: in-memory SQLite; a SQLite file (enabling a plugin in a running app
 * reloads it, and a reload opens a new connection, which for `:memory:` is a new, empty database);
 * or a fresh database on the MySQL/MariaDB server of TEST_MYSQL_URL, dropped afterwards.
 */
export type NocoBaseDatabase = "sqlite" | "sqlite-file" | "mysql";

/** The databases a test runs on: in-memory SQLite, and MySQL/MariaDB too when TEST_MYSQL_URL is set. */
export function testDatabases(): NocoBaseDatabase[] {
  return process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];
}

/** A fresh database on the TEST_MYSQL_URL server, as NocoBase's options, and how to drop it. */
async function mysqlDatabase(): Promise<{ options: Record<string, unknown>; drop(): Promise<void> }> {
  const serverUrl = new URL(process.env.TEST_MYSQL_URL!);
  const name = `nocobase_test_${randomBytes(4).toString("hex")}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
  const admin = async (sql: string) => {
    const connection = await mysql.createConnection(serverUrl.toString());
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return {
    options: {
      dialect: "mysql",
      host: serverUrl.hostname,
      port: Number(serverUrl.port || 3306),
      username: decodeURIComponent(serverUrl.username),
      password: decodeURIComponent(serverUrl.password),
      database: name,
      timezone: "+00:00",
      logging: false,
    },
    drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``),
  };
}

/** Answers a request itself (returning true) before NocoBase sees it, e.g. the client's files for page tests. */
export type StaticHandler = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

/**
 * Boots NocoBase with the plugin, compiled from this package's source and configured by
 * `pluginOptions`; with `null`, without it (to be added and enabled as an administrator does).
 */
export async function startNocoBase(pluginOptions: Record<string, unknown> | null, database: NocoBaseDatabase = "sqlite", serveFirst?: StaticHandler): Promise<TestNocoBase> {
  // NocoBase's storage (where uploaded plugins go) lies inside the app's directory, so that a
  // plugin there finds @nocobase/server in the app's node_modules; here the app's directory is
  // this package's.
  fs.mkdirSync(path.join(PLUGIN_DIR, "storage"), { recursive: true });
  const storage = fs.mkdtempSync(path.join(PLUGIN_DIR, "storage", "test-"));
  // NocoBase reads these when its modules load: where plugin packages are, where it may write.
  process.env.NODE_MODULES_PATH = path.join(PLUGIN_DIR, "node_modules");
  process.env.STORAGE_PATH = storage;
  process.env.APP_KEY ??= "medassist-plugin-test-key";
  process.env.LOGGER_LEVEL ??= "error";
  process.env.INIT_ROOT_EMAIL = ROOT_ACCOUNT.account;
  process.env.INIT_ROOT_PASSWORD = ROOT_ACCOUNT.password;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Application, AppSupervisor, Gateway } = require("@nocobase/server") as typeof import("@nocobase/server");
  // NocoBase keeps process-wide singletons; a test file may boot more than one app in turn.
  Gateway.getInstance().reset();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PluginSettlementServer } = require("../../src/server") as typeof import("../../src/server");
  const mysql = database === "mysql" ? await mysqlDatabase() : null;
  const presets = PRESET_PLUGINS.map((name) => {
    const packageName = `@nocobase/plugin-${name}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return [require(packageName).default, { name, packageName }];
  });
  const app = new Application({
    name: "main",
    database: mysql?.options ?? { dialect: "sqlite", storage: database === "sqlite-file" ? path.join(storage, "nocobase.sqlite") : ":memory:", logging: false },
    resourcer: { prefix: "/api" },
    plugins: [...presets, ...(pluginOptions ? [[PluginSettlementServer, { name: "medassist-settlement", ...pluginOptions }]] : [])] as never,
    logger: { transports: ["console"], level: "error" } as never,
  });
  await app.runCommandThrowError("install", "-f");
  await app.runCommandThrowError("start");
  const callback = app.callback();
  const server = http.createServer((request, response) => (serveFirst?.(request, response) ? undefined : callback(request, response)));
  // The tests run in this process: a test that computes for seconds (building every pack) must not
  // find the app's idle keep-alive sockets closed under the client when it next calls the app.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: TestNocoBase["api"] = async (method, resourceAction, options = {}) => {
    const query = options.query ? `?${new URLSearchParams(Object.entries(options.query).map(([k, v]) => [k, String(v)]))}` : "";
    const headers: Record<string, string> = { "content-type": "application/json", "x-authenticator": "basic" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.role) headers["x-role"] = options.role;
    const response = await fetch(`${url}/api/${resourceAction}${query}`, { method, headers, body: method === "POST" ? JSON.stringify(options.body ?? {}) : undefined });
    const text = await response.text();
    let body: ApiResponse["body"];
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: text }] };
    }
    return { status: response.status, body };
  };

  return {
    url,
    api,
    async signIn(account, password) {
      const response = await api("POST", "auth:signIn", { body: { account, password } });
      if (response.status !== 200) throw new Error(`sign-in as ${account} failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.data.token as string;
    },
    async command(...args) {
      await (app.runCommandThrowError as (...argv: string[]) => Promise<unknown>)(...args);
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.destroy();
      Gateway.getInstance().destroy();
      await AppSupervisor.getInstance().destroy();
      await mysql?.drop();
      fs.rmSync(storage, { recursive: true, force: true });
    },
  };
}
