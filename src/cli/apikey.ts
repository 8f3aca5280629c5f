/**
 * `npm run --silent apikey -- create --role ROLE [--jurisdiction ID]... --name NAME`: creates an API
 * key against DATABASE_URL and prints it once, alone on the last line.
 */
import "reflect-metadata";
import { ConfigError, readConfig } from "../lib/config";
import { DomainError } from "../lib/errors";
import { createLogger } from "../lib/logger";
import { openServices } from "../gateway/bootstrap";

const USAGE = "usage: npm run --silent apikey -- create --role PARTNER|CHARITY|ADMIN [--jurisdiction ID]... --name NAME";

function parse(argv: string[]): { role: string; jurisdictions: string[]; name: string } | null {
  if (argv[0] !== "create") return null;
  const result = { role: "", jurisdictions: [] as string[], name: "" };
  for (let i = 1; i < argv.length; i++) {
    const value = argv[i + 1];
    if (value === undefined) return null;
    if (argv[i] === "--role") result.role = value;
    else if (argv[i] === "--jurisdiction") result.jurisdictions.push(value);
    else if (argv[i] === "--name") result.name = value;
    else return null;
    i++;
  }
  return result.role && result.name ? result : null;
}

async function main(argv: string[]): Promise<number> {
  const request = parse(argv);
  if (!request) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = readConfig();
  const services = await openServices(config.database, createLogger("warn"));
  try {
    const created = await services.apiKeys.create(request, "cli", services.packs.jurisdictions());
    process.stdout.write(`Created ${request.role} key ${created.id} "${request.name}"${request.jurisdictions.length ? ` for ${request.jurisdictions.join(", ")}` : ""}. It is shown only now:\n`);
    process.stdout.write(`${created.key}\n`);
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
