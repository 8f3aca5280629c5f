/**
 * `npm run --silent check-data` against DATABASE_URL: walks the whole database and checks every
 * money invariant (src/invariants/check-data.ts), one line per violation, then
 * `checked N settlements, M ledger entries, K entitlements: V violations`. Exit 1 on any violation.
 * It only reads; run it while the gateway serves, or after a restore.
 */
import "reflect-metadata";
import { ConfigError, readConfig } from "../lib/config";
import { connectDatabase } from "../gateway/bootstrap";
import { openOrExplain, StartupError } from "../gateway/startup";
import { checkData, summaryLine } from "../invariants/check-data";

async function main(): Promise<number> {
  const { database } = readConfig();
  const dataSource = await openOrExplain(database, () => connectDatabase(database));
  try {
    const summary = await checkData(dataSource, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`${summaryLine(summary)}\n`);
    return summary.violations === 0 ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof StartupError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
