/**
 * The NocoBase server plugin: the case collection, and the actions a case form's buttons call —
 * `settlement:quote` (a what-if; nothing stored), `settlement:settle` (settles the case's claim and
 * writes the amounts, self-pay and explanation back into the case) and `settlement:statement` (the
 * household's resolution statement).
 *
 * Who may do what follows the case collection's permissions, which the administrator already
 * manages per role: whoever may view a case may quote it and see its household's statement, and
 * whoever may edit it may settle it.
 */
import { Plugin } from "@nocobase/server";
import { loadPackDirectory } from "../../../../src/engine/pack-loader";
import type { PackRegistry } from "../../../../src/engine/pack-registry";
import { amountField } from "../../../../src/engine/input";
import { amountFromHost, amountText } from "./amounts";
import { readCase, type CaseValues } from "./case-input";
import { CASE_FIELD_NAMES, caseCollection, INPUT_FIELDS, REPORTED_FIELD, RESULT_FIELDS, settlementsCollection, SETTLEMENTS_COLLECTION } from "./collections";
import { CaseError, errorBody, toCaseError } from "./errors";
import { GatewayBackend } from "./gateway-backend";
import { LibraryBackend } from "./library-backend";
import { readOptions, type SettlementPluginOptions } from "./options";
import type { SettlementBackend } from "./settlement-backend";
import { explanation, withSentences, writeBackValues, type CaseSettlement } from "./settlement-result";
import { effectiveSettings, publicSettings, settingsCollection, settingsToStore, SETTINGS_COLLECTION, type StoredSettings } from "./settings";

/** The Koa context NocoBase hands an action, as far as the plugin uses it. */
interface ActionContext {
  action: { params: { filterByTk?: string | number; values?: Record<string, unknown>; beneficiaryId?: string; year?: string | number } };
  can?: (options: { resource: string; action: string }) => unknown;
  status: number;
  body: unknown;
  withoutDataWrapping?: boolean;
}
type Next = () => Promise<void>;

/** How long a household's settlement may hold its lock before NocoBase's lock manager frees it. */
const SETTLE_LOCK_TTL_MS = 30_000;

/** Case fields holding amounts, checked when a case is saved. */
const AMOUNT_FIELDS = [INPUT_FIELDS.feeTotal, INPUT_FIELDS.feeOutOfCatalog, INPUT_FIELDS.feeClassBSelfPay, INPUT_FIELDS.feeOverStandard, ...Object.values(REPORTED_FIELD)];

export class PluginSettlementServer extends Plugin {
  private settings!: SettlementPluginOptions;
  private packs!: PackRegistry;
  private library!: LibraryBackend;

  override async load(): Promise<void> {
    this.settings = readOptions((this.options ?? {}) as Record<string, unknown>, process.env, this.app.name);
    const loaded = await loadPackDirectory(this.settings.rulesDir);
    for (const refused of loaded.refused) this.log.error(`rule pack ${refused.file} refused: ${refused.error.message}`, { details: refused.error.details });
    this.packs = loaded.registry;

    const jurisdictions = this.packs.ids().map((id) => ({ id, name: this.packs.versions(id)[0].document.jurisdiction.name }));
    if (this.settings.defineCollection) this.db.collection(caseCollection(this.settings.collection, jurisdictions) as never);
    this.db.collection(settlementsCollection() as never);
    this.db.collection(settingsCollection() as never);
    this.library = new LibraryBackend(() => this.db, this.packs, (key, work) => this.app.lockManager.runExclusive(key, work, SETTLE_LOCK_TTL_MS));

    this.app.resourceManager.define({
      name: "settlement",
      actions: {
        quote: this.action((ctx) => this.quote(ctx)),
        settle: this.action((ctx) => this.settle(ctx)),
        statement: this.action((ctx) => this.statement(ctx)),
      },
    });
    // Signed-in users reach the actions; each action then checks the case collection's permission.
    this.app.acl.allow("settlement", ["quote", "settle", "statement"], "loggedIn");

    this.app.resourceManager.define({
      name: "settlementSettings",
      actions: {
        read: this.action(async () => publicSettings(await this.storedSettings(), this.settings)),
        save: this.action((ctx) => this.saveSettings(ctx.action.params.values ?? {})),
      },
    });
    // The settings page is the administrators' (NocoBase's "plugin settings" snippets, pm.*), and so is
    // the settings collection itself.
    this.app.acl.registerSnippet({ name: `pm.${this.name}`, actions: ["settlementSettings:*", `${SETTINGS_COLLECTION}:*`] });

    for (const action of ["create", "update"]) {
      this.app.resourceManager.registerPreActionHandler(`${this.settings.collection}:${action}`, this.action(async (ctx, next) => {
        this.checkAmounts(ctx.action.params.values ?? {});
        await next();
      }, false));
    }
    this.log.info(`medassist settlement loaded on collection ${this.settings.collection}; the mode is read from its settings on each request`);
  }

  override async install(): Promise<void> {
    // Enabling the plugin in a running app creates its tables; a fresh install syncs them anyway.
    if (this.settings.defineCollection) await this.db.getCollection(this.settings.collection).sync();
    await this.db.getCollection(SETTLEMENTS_COLLECTION).sync();
    await this.db.getCollection(SETTINGS_COLLECTION).sync();
  }

  private async settingsRow() {
    return this.db.getRepository(SETTINGS_COLLECTION).findOne({ sort: ["-id"] });
  }

  private async storedSettings(): Promise<StoredSettings | null> {
    const row = await this.settingsRow();
    // Read field by field: toJSON leaves the hidden key out.
    return row ? { mode: row.get("mode"), gatewayUrl: row.get("gatewayUrl"), gatewayKey: row.get("gatewayKey") } : null;
  }

  /** The backend the settings in force name, read for each request so that a change needs no restart. */
  private async backend(): Promise<SettlementBackend> {
    const settings = effectiveSettings(await this.storedSettings(), this.settings);
    if (settings.mode === "library") return this.library;
    return new GatewayBackend(settings.gatewayUrl!, settings.gatewayKey!, this.settings.claimIdPrefix);
  }

  /** Saves the settings page's values (one row), and answers with what the page may see. */
  private async saveSettings(values: Record<string, unknown>) {
    const current = await this.settingsRow();
    const row = settingsToStore(values, effectiveSettings(await this.storedSettings(), this.settings));
    const repository = this.db.getRepository(SETTINGS_COLLECTION);
    if (current) await repository.update({ filterByTk: current.get("id") as number, values: row });
    else await repository.create({ values: row });
    return publicSettings(row, this.settings);
  }

  /**
   * Wraps a handler: its result becomes the response, and a refusal becomes NocoBase's error body
   * with the code, the case field and the message.
   */
  private action(work: (ctx: ActionContext, next: Next) => Promise<unknown>, respond = true) {
    return async (context: unknown, next: Next) => {
      const ctx = context as ActionContext;
      try {
        const result = await work(ctx, next);
        if (respond) ctx.body = result;
      } catch (error) {
        const refusal = toCaseError(error);
        ctx.status = refusal.status;
        ctx.body = errorBody(refusal);
        ctx.withoutDataWrapping = true;
        return;
      }
      if (respond) await next();
    };
  }

  /** Refuses a case with an amount that is not an amount, before anything is saved (the engine's own check and words). */
  private checkAmounts(values: Record<string, unknown>): void {
    for (const field of AMOUNT_FIELDS) {
      const value = values[field];
      if (value === undefined || value === null || value === "") continue;
      amountField(amountFromHost(value), field);
    }
  }

  private requireCasePermission(ctx: ActionContext, action: "view" | "update"): void {
    if (typeof ctx.can !== "function") return;
    if (!ctx.can({ resource: this.settings.collection, action })) {
      const what = action === "update" ? "结算案件须有编辑案件的权限 / settling a case needs permission to edit cases" : "须有查看案件的权限 / this needs permission to view cases";
      throw new CaseError("FORBIDDEN", "", what);
    }
  }

  /**
   * The case collection, checked to have every field the plugin reads and writes: a bound
   * collection that lacks one would settle without writing the result back, silently.
   */
  private checkCaseCollection(): void {
    const collection = this.db.getCollection(this.settings.collection);
    const missing = collection ? CASE_FIELD_NAMES.filter((field) => !collection.hasField(field)) : [];
    if (!collection || missing.length > 0) {
      const what = collection ? `缺少字段 / lacks the fields ${missing.join(", ")}` : "不存在 / does not exist";
      throw new CaseError("CASE_COLLECTION_INVALID", "", `案件数据表 ${this.settings.collection} ${what}; 请管理员按插件说明配置 / see the plugin's README`);
    }
  }

  private async findCase(id: string | number | undefined): Promise<{ id: string; values: CaseValues }> {
    this.checkCaseCollection();
    if (id === undefined || id === null || id === "") throw new CaseError("INVALID_INPUT", "filterByTk", "filterByTk: 须指明案件 / which case?");
    const record = await this.db.getRepository(this.settings.collection).findOne({ filterByTk: id });
    if (!record) throw new CaseError("NOT_FOUND", "filterByTk", `案件 ${id} 不存在 / case ${id} was not found`);
    return { id: String(id), values: record.toJSON() as CaseValues };
  }

  private result(backend: SettlementBackend, settlement: CaseSettlement) {
    return { mode: backend.mode, settlement: withSentences(settlement), explanation: explanation(settlement) };
  }

  /** A what-if for a stored case, with unsaved form values laid over it, or for form values alone. */
  private async quote(ctx: ActionContext) {
    this.requireCasePermission(ctx, "view");
    const { filterByTk, values = {} } = ctx.action.params;
    const stored = filterByTk === undefined ? null : await this.findCase(filterByTk);
    this.checkAmounts(values);
    const input = readCase({ ...(stored?.values ?? {}), ...values }, `${this.settings.claimIdPrefix}${stored?.id ?? "quote"}`);
    const backend = await this.backend();
    return this.result(backend, await backend.quote(input));
  }

  /** Settles the stored case (never unsaved values: what is settled is what the case says). */
  private async settle(ctx: ActionContext) {
    this.requireCasePermission(ctx, "update");
    const stored = await this.findCase(ctx.action.params.filterByTk);
    const input = readCase(stored.values, `${this.settings.claimIdPrefix}${stored.id}`);
    const backend = await this.backend();
    const settlement = await backend.settle(stored.id, input, (caseId, result, transaction) => this.writeBack(caseId, result, transaction));
    return this.result(backend, settlement);
  }

  /**
   * Writes a settlement into a case, unless the case already shows it (settling again, or a replay
   * that left this case's amounts as they were): `settledAt` then keeps the time it was settled.
   */
  private async writeBack(caseId: string, settlement: CaseSettlement, transaction: unknown): Promise<void> {
    const repository = this.db.getRepository(this.settings.collection);
    const record = await repository.findOne({ filterByTk: caseId, transaction: transaction as never });
    if (!record) return;
    const shown = record.toJSON() as CaseValues;
    const lines = shown[RESULT_FIELDS.lines] as CaseSettlement["lines"] | null;
    const same =
      shown[RESULT_FIELDS.claimId] === settlement.claimId &&
      Array.isArray(lines) &&
      lines.length === settlement.lines.length &&
      settlement.lines.every((line, i) => lines[i].tier === line.tier && lines[i].amount === line.amount) &&
      shown[RESULT_FIELDS.selfPay] !== null &&
      amountText(shown[RESULT_FIELDS.selfPay], RESULT_FIELDS.selfPay) === settlement.selfPay;
    if (same) return;
    await repository.update({ filterByTk: caseId, values: writeBackValues(settlement, new Date()), transaction: transaction as never });
  }

  /** The resolution statement of a case's household and year, or of `beneficiaryId` and `year`. */
  private async statement(ctx: ActionContext) {
    this.requireCasePermission(ctx, "view");
    const { filterByTk, beneficiaryId, year } = ctx.action.params;
    if (filterByTk !== undefined) {
      const stored = await this.findCase(filterByTk);
      const date = String(stored.values[INPUT_FIELDS.claimDate] ?? "");
      return (await this.backend()).statement(String(stored.values[INPUT_FIELDS.beneficiaryId]), Number(year ?? date.slice(0, 4)));
    }
    if (typeof beneficiaryId !== "string" || beneficiaryId === "") throw new CaseError("INVALID_INPUT", "beneficiaryId", "beneficiaryId: 须指明受助人或案件 / give a case (filterByTk) or a beneficiaryId and year");
    if (!/^\d{4}$/.test(String(year ?? ""))) throw new CaseError("INVALID_INPUT", "year", "year: 须为四位年份 / a year such as 2023");
    return (await this.backend()).statement(beneficiaryId, Number(year));
  }
}

export default PluginSettlementServer;
