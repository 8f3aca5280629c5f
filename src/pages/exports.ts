/**
 * The charity office's exports: the ledger, the entitlements and the settlements as tables with
 * Chinese headers and words, written as CSV (csv-stringify, with a BOM so that Excel reads UTF-8)
 * or xlsx (exceljs). Amounts are text with two decimals, exactly as stored, never binary numbers.
 */
import ExcelJS from "exceljs";
import { stringify } from "csv-stringify/sync";
import type { EntityManager } from "typeorm";
import { formatAmount, ZERO } from "../lib/money";
import { CATEGORY_NAMES_ZH, TIERS, TIER_NAMES_ZH, isCategory } from "../engine/vocabulary";
import { partnerId } from "../access/tenant-ids";
import { BeneficiaryEntity } from "../beneficiary/beneficiary.entity";
import { CharityFundEntity, EntitlementEntity, LedgerEntryEntity } from "../charity/charity.entity";
import { SettlementEntity, SettlementLineEntity } from "../settlement/settlement.entity";

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

export const EXPORTS = ["ledger", "entitlements", "settlements"] as const;
export type ExportName = (typeof EXPORTS)[number];

const ENTRY_TYPES: Record<string, string> = { DONATION: "捐赠", GRANT: "拨款", TRANSFER_IN: "调入", TRANSFER_OUT: "调出", ALLOCATION: "化解支出", REVERSAL: "冲正" };
export const STATUS_NAMES: Record<string, string> = { OPEN: "待化解", PARTIAL: "部分化解", RESOLVED: "已化解", OVER_ALLOCATED: "超额化解（待冲正）" };

async function names(manager: EntityManager, ids: string[]): Promise<Map<string, BeneficiaryEntity>> {
  if (ids.length === 0) return new Map();
  const rows = await manager.createQueryBuilder(BeneficiaryEntity, "b").where("b.id IN (:...ids)", { ids: [...new Set(ids)] }).getMany();
  return new Map(rows.map((b) => [b.id, b]));
}

async function ledgerTable(manager: EntityManager): Promise<Table> {
  const entries = await manager.find(LedgerEntryEntity, { order: { id: "ASC" } });
  const funds = new Map((await manager.find(CharityFundEntity)).map((f) => [f.id, f.name]));
  return {
    title: "基金台账",
    headers: ["分录号", "基金", "类型", "收支", "金额（元）", "变动后余额（元）", "人员编号", "冲正分录号", "事由", "经办密钥", "时间"],
    rows: entries.map((e) => [String(e.id), funds.get(e.fundId) ?? e.fundId, ENTRY_TYPES[e.type] ?? e.type, e.direction === "IN" ? "收入" : "支出", formatAmount(e.amount), formatAmount(e.balanceAfter), e.beneficiaryId ? partnerId(e.beneficiaryId) : "", e.reversesEntryId ? String(e.reversesEntryId) : "", e.reason, e.actor, e.createdAt]),
  };
}

async function entitlementTable(manager: EntityManager): Promise<Table> {
  const rows = await manager.find(EntitlementEntity, { order: { jurisdiction: "ASC", year: "ASC", id: "ASC" } });
  const people = await names(manager, rows.map((e) => e.beneficiaryId));
  return {
    title: "化解对象",
    headers: ["编号", "辖区", "人员编号", "姓名", "乡镇（街道）", "年度", "应化解（元）", "已化解（元）", "缺口（元）", "状态"],
    rows: rows.map((e) => {
      const person = people.get(e.beneficiaryId);
      return [e.id, e.jurisdiction, partnerId(e.beneficiaryId), person?.name ?? "", person?.township ?? "", String(e.year), formatAmount(e.amount), formatAmount(e.allocated), formatAmount(e.outstanding), STATUS_NAMES[e.status] ?? e.status];
    }),
  };
}

async function settlementTable(manager: EntityManager): Promise<Table> {
  const settlements = await manager.find(SettlementEntity, { where: { status: "CURRENT" }, order: { beneficiaryId: "ASC", date: "ASC", claimId: "ASC" } });
  const lines = settlements.length ? await manager.createQueryBuilder(SettlementLineEntity, "l").where("l.settlement_id IN (:...ids)", { ids: settlements.map((s) => s.id) }).getMany() : [];
  const people = await names(manager, settlements.map((s) => s.beneficiaryId));
  const amount = (settlementId: string, tier: string) => formatAmount(lines.find((l) => l.settlementId === settlementId && l.tier === tier)?.amount ?? ZERO);
  return {
    title: "结算明细",
    headers: ["辖区", "人员编号", "姓名", "费用编号", "就诊日期", "救助身份", "医疗总费用（元）", "政策范围内（元）", ...TIERS.map((t) => `${TIER_NAMES_ZH[t]}（元）`), "个人自付（元）", "规则包版本"],
    rows: settlements.map((s) => [s.beneficiaryId.split(":")[0], partnerId(s.beneficiaryId), people.get(s.beneficiaryId)?.name ?? "", partnerId(s.claimId), s.date, s.category && isCategory(s.category) ? CATEGORY_NAMES_ZH[s.category] : "普通参保人员", formatAmount(s.total), formatAmount(s.policyScope), ...TIERS.map((t) => amount(s.id, t)), formatAmount(s.selfPay), `${s.packId} v${s.packVersion}`]),
  };
}

export function exportTable(manager: EntityManager, name: ExportName): Promise<Table> {
  return { ledger: ledgerTable, entitlements: entitlementTable, settlements: settlementTable }[name](manager);
}

export function tableCsv(table: Table): Buffer {
  return Buffer.from("\uFEFF" + stringify([table.headers, ...table.rows]), "utf8");
}

export async function tableXlsx(table: Table): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.title);
  sheet.addRow(table.headers).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row);
  sheet.columns.forEach((column) => (column.width = 16));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
