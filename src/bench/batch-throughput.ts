/**
 * Bills per second of submitting and settling in this process (issue 15): one by one (submit, then
 * settle, as submitClaim + settleClaim do), a submit-and-settle per bill (one-request, as POST
 * /api/settlement/settle) or as batches (settleBills), on a fresh SQLite file or a
 * fresh database on a MySQL/MariaDB server. 聊城 低保 households with five bills each over the year;
 * the charity's intake of the events (in this process) is part of what is measured. A measurement
 * to print, never a test: `node dist/src/bench/batch-throughput.js one-by-one|one-request|batch BILLS [MYSQL_URL] [--without-charity]`.
 */
import "reflect-metadata";
import { performance } from "node:perf_hooks";
import { Principal } from "../access/principal";
import { openServices } from "../gateway/bootstrap";
import { createLogger } from "../lib/logger";
import { mysqlDatabase, sqliteDatabase } from "./gateway/setup";
import { recordAndSettle } from "../gateway/settle-request";

const BILLS_PER_HOUSEHOLD = 5;

function billsOf(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => {
    const household = Math.floor(i / BILLS_PER_HOUSEHOLD);
    const month = String(2 + (i % BILLS_PER_HOUSEHOLD) * 2).padStart(2, "0");
    return { id: `TB-${i}`, beneficiaryId: `TH-${household}`, jurisdiction: "liaocheng", date: `2023-${month}-10`, kind: "INPATIENT", fees: { total: `${8000 + (i % 97) * 100}.00` }, reported: { basic: "3000.00", critical: "0.00" } };
  });
}

async function main(mode: string, count: number, mysqlUrl?: string): Promise<void> {
  const database = mysqlUrl ? await mysqlDatabase(mysqlUrl) : sqliteDatabase();
  const services = await openServices(database.config, createLogger("warn"));
  const system = Principal.system("bench");
  try {
    const bills = billsOf(count);
    for (let h = 0; h * BILLS_PER_HOUSEHOLD < count; h++) await services.beneficiaries.upsert(system, { id: `TH-${h}`, jurisdiction: "liaocheng", name: `TH-${h}`, identities: [{ category: "DIBAO", from: "2023-01-01" }] });
    // `--without-charity`: the charity's consumer stopped, so that only the settlements' side is measured.
    const withoutCharity = process.argv.includes("--without-charity");
    if (withoutCharity) await services.charityEvents.stop();
    const started = performance.now();
    let refused = 0;
    if (mode === "batch") {
      const outcomes = await services.settlements.settleBills(system, bills, { fieldOf: (i) => `bills[${i}]`, listField: "bills", onProgress: (done) => process.stderr.write(`${done} bills, ${((performance.now() - started) / 1000).toFixed(1)} s\n`) });
      refused = outcomes.filter((o) => o.error).length;
    } else if (mode === "one-request") {
      // The API's submit-and-settle (POST /api/settlement/settle), a request per bill.
      for (const bill of bills) await recordAndSettle(services, system, { claim: bill });
    } else {
      for (const bill of bills) {
        await services.claims.submit(system, bill);
        await services.settlements.settleClaim(system, String(bill.id), "liaocheng");
      }
    }
    const seconds = (performance.now() - started) / 1000;
    // The charity's record of the settlements (in this process) may still be catching up.
    if (!withoutCharity) await services.charityEvents.drain(3_600_000);
    const withCharity = (performance.now() - started) / 1000;
    process.stdout.write(`${database.name} ${mode}: ${count} bills settled in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} bills/s), with the charity's intake ${withCharity.toFixed(1)} s (${Math.round(count / withCharity)} bills/s), ${refused} refused\n`);
  } finally {
    services.packs.stopWatching();
    await services.charityEvents.stop();
    await services.dataSource.destroy();
    await database.drop();
  }
}

const [mode, bills, mysqlUrl] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
main(mode ?? "batch", Number(bills ?? 10_000), mysqlUrl).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
