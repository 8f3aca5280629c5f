/**
 * API keys against DATABASE_URL:
 *   `npm run --silent apikey -- create --role ROLE [--jurisdiction ID]... --name NAME [--expires YYYY-MM-DD | --days N]`
 *     creates a key and prints it once, alone on the last line;
 *   `npm run --silent apikey -- list [--json]` lists every key (never the key or its hash);
 *   `npm run --silent apikey -- revoke --key KEY | --id ID` revokes one; it stays listed.
 */
import "reflect-metadata";
import { ConfigError, readConfig } from "../lib/config";
import { DomainError } from "../lib/errors";
import { createLogger } from "../lib/logger";
import { openServices } from "../gateway/bootstrap";
import { expiryFrom, isKeyActive, type ApiKeyListing } from "../access/api-key.service";
import type { Services } from "../gateway/services";
import { Principal } from "../access/principal";

/** The command-line tool acts as this principal; the audit log names it "cli". */
const CLI = Principal.system("cli");

const USAGE = [
  "usage: npm run --silent apikey -- create --role PARTNER|CHARITY|ADMIN [--jurisdiction ID]... --name NAME [--expires YYYY-MM-DD | --days N]",
  "       npm run --silent apikey -- list [--json]",
  "       npm run --silent apikey -- revoke --key KEY | --id ID",
].join("\n");

type Command =
  | { kind: "create"; role: string; jurisdictions: string[]; name: string; expires?: string; days?: number }
  | { kind: "list"; json: boolean }
  | { kind: "revoke"; ref: { id: string } | { key: string } };

/** `--flag value` pairs; null when one has no value. `--jurisdiction` may repeat. */
function options(argv: string[]): Map<string, string[]> | null {
  const result = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (!argv[i].startsWith("--") || value === undefined) return null;
    result.set(argv[i], [...(result.get(argv[i]) ?? []), value]);
  }
  return result;
}

function parseCreate(given: Map<string, string[]>): Command | null {
  const known = ["--role", "--jurisdiction", "--name", "--expires", "--days"];
  if ([...given.keys()].some((flag) => !known.includes(flag))) return null;
  const one = (flag: string) => (given.get(flag)?.length === 1 ? given.get(flag)![0] : undefined);
  const [role, name, expires, days] = [one("--role"), one("--name"), one("--expires"), one("--days")];
  if (!role || !name || (expires !== undefined && days !== undefined)) return null;
  if (days !== undefined && !/^\d+$/.test(days)) return null;
  return { kind: "create", role, name, jurisdictions: given.get("--jurisdiction") ?? [], expires, days: days === undefined ? undefined : Number(days) };
}

function parse(argv: string[]): Command | null {
  const [command, ...rest] = argv;
  if (command === "list") return rest.length === 0 || (rest.length === 1 && rest[0] === "--json") ? { kind: "list", json: rest.length === 1 } : null;
  const given = options(rest);
  if (!given) return null;
  if (command === "create") return parseCreate(given);
  if (command === "revoke" && given.size === 1) {
    const [[flag, values]] = [...given];
    if (values.length !== 1) return null;
    if (flag === "--id") return { kind: "revoke", ref: { id: values[0] } };
    if (flag === "--key") return { kind: "revoke", ref: { key: values[0] } };
  }
  return null;
}

/** A stored time as `YYYY-MM-DDTHH:MMZ`, or `-`. */
function minute(iso: string | null): string {
  return iso ? `${iso.slice(0, 16)}Z` : "-";
}

function status(key: ApiKeyListing): string {
  if (key.revokedAt !== null) return "revoked";
  return isKeyActive(key) ? "active" : "expired";
}

/** An aligned table, one key a line; the name last, as it may contain spaces. */
function table(keys: ApiKeyListing[]): string {
  const rows = [["ID", "ROLE", "STATUS", "JURISDICTIONS", "CREATED", "EXPIRES", "REVOKED", "LAST USED", "NAME"]];
  for (const k of keys) rows.push([k.id, k.role, status(k), k.jurisdictions.join(",") || "-", minute(k.createdAt), minute(k.expiresAt), minute(k.revokedAt), minute(k.lastUsedAt), k.name]);
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ")).join("\n");
}

async function run(command: Command, services: Services): Promise<void> {
  if (command.kind === "list") {
    const keys = await services.apiKeys.list(CLI);
    process.stdout.write(command.json ? `${JSON.stringify(keys, null, 2)}\n` : `${table(keys)}\n`);
  } else if (command.kind === "revoke") {
    const { key, revokedNow } = await services.apiKeys.revoke(command.ref, CLI);
    process.stdout.write(revokedNow ? `Revoked ${key.role} key ${key.id} "${key.name}" at ${key.revokedAt}.\n` : `Key ${key.id} "${key.name}" was already revoked at ${key.revokedAt}; nothing changed.\n`);
  } else {
    const expiresAt = expiryFrom({ date: command.expires, days: command.days });
    const created = await services.apiKeys.create({ role: command.role, jurisdictions: command.jurisdictions, name: command.name, expiresAt }, CLI, services.packs.jurisdictions());
    const scope = command.jurisdictions.length ? ` for ${command.jurisdictions.join(", ")}` : "";
    process.stdout.write(`Created ${command.role} key ${created.id} "${command.name}"${scope}${expiresAt ? `, expiring at ${expiresAt}` : ""}. It is shown only now:\n`);
    process.stdout.write(`${created.key}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const command = parse(argv);
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = readConfig();
  const services = await openServices(config.database, createLogger("warn"));
  try {
    await run(command, services);
    return 0;
  } finally {
    await services.dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof DomainError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(error instanceof DomainError || error instanceof ConfigError ? 2 : 1);
  },
);
