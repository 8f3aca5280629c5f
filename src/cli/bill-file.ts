/**
 * A hospital's or insurer's nightly file of bills, read into the claim inputs the API takes:
 * NDJSON (one claim input per line, as `settleClaims` takes it) or CSV (UTF-8, BOM allowed) with
 * Chinese headers (BILL_CSV_HEADERS). A line that cannot be read becomes a bill the batch refuses
 * with its reason, so that every line of the file is answered in order.
 */
import { CLAIM_KIND_NAMES_ZH, INSURED_TYPE_NAMES_ZH } from "../engine/vocabulary";

/** A CSV column: the Chinese header, and where its value goes in the claim input. */
interface CsvColumn {
  header: string;
  path: readonly string[];
  kind: "text" | "flag" | "claimKind" | "insuredType";
}

/** The CSV headers, in the DESIGN words; columns may come in any order, and optional ones may be left out. */
export const BILL_CSV_HEADERS: readonly CsvColumn[] = [
  { header: "费用编号", path: ["id"], kind: "text" },
  { header: "参保人编号", path: ["beneficiaryId"], kind: "text" },
  { header: "辖区", path: ["jurisdiction"], kind: "text" },
  { header: "就诊日期", path: ["date"], kind: "text" },
  { header: "就诊类别", path: ["kind"], kind: "claimKind" },
  { header: "规范转诊", path: ["referred"], kind: "flag" },
  { header: "省内就医", path: ["inProvince"], kind: "flag" },
  { header: "执行就医指导方案", path: ["guidanceFollowed"], kind: "flag" },
  { header: "参保类型", path: ["insuredType"], kind: "insuredType" },
  { header: "医疗总费用", path: ["fees", "total"], kind: "text" },
  { header: "目录外费用", path: ["fees", "outOfCatalog"], kind: "text" },
  { header: "乙类先行自付", path: ["fees", "classBSelfPay"], kind: "text" },
  { header: "超支付标准", path: ["fees", "overStandard"], kind: "text" },
  { header: "基本医保支付", path: ["reported", "basic"], kind: "text" },
  { header: "大病保险支付", path: ["reported", "critical"], kind: "text" },
  { header: "医疗救助支付", path: ["reported", "assistance"], kind: "text" },
  { header: "再救助支付", path: ["reported", "reassistance"], kind: "text" },
  { header: "商业补充保险支付", path: ["reported", "commercial"], kind: "text" },
];

/** The headers a file must have. */
const REQUIRED_HEADERS = ["费用编号", "参保人编号", "就诊日期", "就诊类别", "医疗总费用"];

/** A file that cannot be read as bills at all (its header, its format). */
export class BillFileError extends Error {}

/** The bills of a file, by its name: `.csv` is CSV, anything else NDJSON. */
export function readBillFile(name: string, text: string): unknown[] {
  const content = text.replace(/^\uFEFF/, "");
  return name.toLowerCase().endsWith(".csv") ? readCsvBills(name, content) : readNdjsonBills(content);
}

/** One claim input per non-empty line; a line that is not a JSON object is kept as text (refused as INVALID_INPUT). */
function readNdjsonBills(text: string): unknown[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}

function readCsvBills(name: string, text: string): unknown[] {
  const [header, ...rows] = csvRows(text).filter((row) => row.some((cell) => cell.trim() !== ""));
  if (!header) return [];
  const columns = header.map((cell) => {
    const column = BILL_CSV_HEADERS.find((c) => c.header === cell.trim());
    if (!column) throw new BillFileError(`${name}: 未知列 ${cell} / unknown column "${cell}"; the columns are ${BILL_CSV_HEADERS.map((c) => c.header).join(", ")}`);
    return column;
  });
  const missing = REQUIRED_HEADERS.filter((required) => !columns.some((c) => c.header === required));
  if (missing.length > 0) throw new BillFileError(`${name}: 缺少列 ${missing.join(", ")} / missing columns ${missing.join(", ")}`);
  return rows.map((row) => {
    const bill: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const cell = (row[i] ?? "").trim();
      if (cell !== "") put(bill, column.path, valueOf(column, cell));
    });
    return bill;
  });
}

/** A cell as the claim input has it: kinds and insured types by identifier or Chinese name, flags as 是/否. */
function valueOf(column: CsvColumn, cell: string): unknown {
  if (column.kind === "flag") return FLAG_VALUES[cell] ?? cell;
  if (column.kind === "claimKind") return identifierOf(CLAIM_KIND_NAMES_ZH, cell);
  if (column.kind === "insuredType") return identifierOf(INSURED_TYPE_NAMES_ZH, cell);
  return cell;
}

const FLAG_VALUES: Readonly<Record<string, boolean>> = { 是: true, 否: false, true: true, false: false, "1": true, "0": false, Y: true, N: false };

function identifierOf(names: Readonly<Record<string, string>>, cell: string): string {
  return Object.entries(names).find(([, name]) => name === cell)?.[0] ?? cell;
}

function put(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

/** RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}
