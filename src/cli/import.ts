/**
 * `npm run --silent import -- FILE...` against DATABASE_URL: a hospital's or insurer's nightly file
 * of bills (NDJSON, or CSV with Chinese headers: src/cli/bill-file.ts) submitted and settled as
 * batches, in this process, as the system (an ADMIN: every jurisdiction). One line per bill on
 * stdout, in file order — `FILE:N<TAB>ID<TAB>settled<TAB>SELF_PAY` or `…<TAB>refused<TAB>CODE<TAB>FIELD<TAB>MESSAGE`
 * — then `N settled, M refused`; a progress bar on stderr. Exit 1 when any bill was refused, 2 when
 * a file or the database cannot be read. Idempotent: a file imported again answers as before.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import { ConfigError, readConfig } from "../lib/config";
import { createLogger } from "../lib/logger";
import { formatAmount } from "../lib/money";
import { Principal } from "../access/principal";
import { openServices } from "../gateway/bootstrap";
import { openOrExplain, StartupError } from "../gateway/startup";
import { MAX_BILLS_PER_BATCH, type BillOutcome } from "../settlement/bill-batch";
import { BillFileError, readBillFile } from "./bill-file";

const IMPORTER = Principal.system("import");

/** A progress bar on stderr, redrawn in place: `[#####-----] 5000/10000 bills`. */
function progressBar(total: number): { show(done: number): void; end(): void } {
  const width = 30;
  const show = (done: number) => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} bills`);
  };
  return { show, end: () => process.stderr.write("\n") };
}

function outcomeLine(where: string, outcome: BillOutcome): string {
  if (outcome.error) return [where, outcome.claimId, "refused", outcome.error.code, outcome.error.field, outcome.error.message.replace(/\s+/g, " ")].join("\t");
  return [where, outcome.claimId, "settled", formatAmount(outcome.settlement!.selfPay)].join("\t");
}

async function main(files: string[]): Promise<number> {
  if (files.length === 0) throw new BillFileError("usage: npm run --silent import -- FILE... (NDJSON, or .csv with Chinese headers)");
  // Every file is read before anything is written: a file that cannot be read stores nothing.
  const bills = files.flatMap((file) => readBillFile(file, fs.readFileSync(file, "utf8")).map((bill, i) => ({ bill, where: `${file}:${i + 1}` })));
  const config = readConfig();
  const services = await openOrExplain(config.database, () => openServices(config.database, createLogger("warn"), undefined, { billLimits: config.billLimits }));
  let refused = 0;
  try {
    const bar = progressBar(bills.length);
    bar.show(0);
    for (let start = 0; start < bills.length; start += MAX_BILLS_PER_BATCH) {
      const batch = bills.slice(start, start + MAX_BILLS_PER_BATCH);
      const outcomes = await services.settlements.settleBills(
        IMPORTER,
        batch.map((b) => b.bill),
        { fieldOf: (index) => batch[index].where, listField: "files", onProgress: (done) => bar.show(start + done) },
      );
      outcomes.forEach((outcome, i) => {
        if (outcome.error) refused++;
        process.stdout.write(`${outcomeLine(batch[i].where, outcome)}\n`);
      });
    }
    bar.end();
    process.stdout.write(`${bills.length - refused} settled, ${refused} refused\n`);
    return refused === 0 ? 0 : 1;
  } finally {
    services.packs.stopWatching();
    await services.charityEvents.stop();
    await services.dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof BillFileError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
