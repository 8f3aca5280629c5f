/**
 * What the charity office's page shows, as JSON for its script: the entitlements with owed,
 * allocated and shortfall, and each fund's balance over time and income against allocations per
 * month, the monthly figures taken from the fund report itself (CharityService.fundReport).
 */
import { formatAmount } from "../lib/money";
import { todayInChina } from "../lib/dates";
import { partnerId } from "../access/tenant-ids";
import type { Principal } from "../access/principal";
import type { Services } from "../gateway/services";
import { STATUS_NAMES } from "./exports";

const LISTED = 500;

export interface EntitlementFilter {
  status: string[] | null;
  jurisdiction: string | null;
  year: number | null;
  search: string;
}

/** The largest outstanding first, at most 500 rows after the filters. */
export async function entitlementRows(services: Services, principal: Principal, filter: EntitlementFilter) {
  const manager = services.dataSource.manager;
  const visible = principal.visibleJurisdictions;
  const jurisdictions = filter.jurisdiction ? [filter.jurisdiction] : visible;
  const rows = await services.charity.repository.entitlementPage(manager, { statuses: filter.status, jurisdictions, limit: 10 * LISTED });
  const people = new Map((await services.beneficiaries.repository.findByIds(manager, rows.map((r) => r.beneficiaryId))).map((b) => [b.id, b]));
  const search = filter.search.trim();
  return rows
    .map((e) => ({ entitlement: e, person: people.get(e.beneficiaryId) }))
    .filter(({ entitlement, person }) => (filter.year === null || entitlement.year === filter.year) && (!search || person?.name.includes(search) || partnerId(entitlement.beneficiaryId).includes(search)))
    .slice(0, LISTED)
    .map(({ entitlement: e, person }) => ({
      id: e.id,
      beneficiaryId: partnerId(e.beneficiaryId),
      name: person?.name ?? "",
      township: person?.township ?? "",
      jurisdiction: e.jurisdiction,
      year: e.year,
      owed: formatAmount(e.amount),
      allocated: formatAmount(e.allocated),
      shortfall: formatAmount(e.outstanding),
      status: e.status,
      statusName: STATUS_NAMES[e.status] ?? e.status,
    }));
}

function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  for (let [y, m] = first.split("-").map(Number); `${y}-${String(m).padStart(2, "0")}` <= last; m === 12 ? ((y += 1), (m = 1)) : (m += 1)) months.push(`${y}-${String(m).padStart(2, "0")}`);
  return months;
}

function monthEnd(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Per fund: the balance after each ledger entry, and per month the report's income and allocations. */
export async function fundSeries(services: Services, principal: Principal) {
  const funds = await services.charity.funds(principal);
  const today = todayInChina();
  const result = [];
  for (const fund of funds) {
    const entries = await services.charity.repository.ledgerOf(services.dataSource.manager, fund.id);
    const months = entries.length ? monthsFrom(entries[0].createdAt.slice(0, 7), today.slice(0, 7)) : [];
    const monthly = [];
    for (const month of months) {
      const report = await services.charity.fundReport(principal, fund.id, `${month}-01`, monthEnd(month));
      monthly.push({ month, income: formatAmount(report.income), allocations: formatAmount(report.allocations), closingBalance: formatAmount(report.closingBalance) });
    }
    result.push({
      id: fund.id,
      name: fund.name,
      kind: fund.kind,
      jurisdiction: fund.jurisdiction,
      township: fund.township,
      balance: formatAmount(fund.balance),
      balanceSeries: entries.map((e) => [e.createdAt, formatAmount(e.balanceAfter)]),
      monthly,
    });
  }
  return result;
}
