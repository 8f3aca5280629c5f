/**
 * Partner-chosen ids live in their jurisdiction's namespace (src/access/tenant-ids.ts): beneficiary
 * and claim keys become `<jurisdiction>:<id>` everywhere they are stored or referred to, and a
 * charity entitlement's id `<beneficiary key>/<year>`. Key columns widen to hold the jurisdiction
 * (a pack id, at most 41 characters) before an id of 64. Foreign keys are checked at the end (they
 * point at keys that change in the same transaction). `down` fails when an id is now used in two
 * jurisdictions: the old single namespace cannot hold both.
 */
import type { MigrationInterface, QueryRunner, TableForeignKey } from "typeorm";

const KEY_LENGTH = 110;
const OLD_KEY_LENGTH = 64;

/** Columns holding a beneficiary key, a claim key, an entitlement id: [table, column, nullable]. */
const BENEFICIARY_REFS: Array<[string, string, boolean]> = [
  ["category_periods", "beneficiary_id", false],
  ["applications", "beneficiary_id", false],
  ["settlements", "beneficiary_id", false],
  ["year_to_date", "beneficiary_id", false],
  ["fund_ledger", "beneficiary_id", true],
  ["charity_entitlements", "beneficiary_id", false],
  ["risk_alerts", "beneficiary_id", false],
];
const CLAIM_REFS: Array<[string, string, boolean]> = [
  ["settlements", "claim_id", false],
  ["adjustments", "claim_id", false],
  ["fund_ledger", "claim_id", true],
  ["charity_entitlements", "claim_id", true],
  ["risk_alerts", "claim_id", false],
];
const KEYS: Array<[string, string, boolean]> = [["beneficiaries", "id", false], ["claims", "id", false], ["claims", "beneficiary_id", false], ...BENEFICIARY_REFS, ...CLAIM_REFS];
const ENTITLEMENT_IDS: Array<[string, string, boolean]> = [["charity_entitlements", "id", false], ["fund_ledger", "entitlement_id", true]];
/** The tables with foreign keys onto beneficiaries or claims. */
const REFERRING_TABLES = ["category_periods", "applications", "claims", "settlements", "year_to_date", "adjustments", "charity_entitlements"];

export class TenantIds1731550000000 implements MigrationInterface {
  name = "TenantIds1731550000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const concat = (...parts: string[]) => (mysql ? `CONCAT(${parts.join(", ")})` : parts.join(" || "));
    await this.checkForeignKeys(queryRunner, false);
    try {
      if (mysql) {
        await this.resize(queryRunner, KEY_LENGTH);
        // ALTER TABLE committed the migration's transaction: the key updates run in one again, which
        // TypeORM's commit or rollback ends.
        await queryRunner.query("START TRANSACTION");
      }
      await this.qualifyKeys(queryRunner, concat);
    } finally {
      await this.checkForeignKeys(queryRunner, true);
    }
  }

  private async qualifyKeys(queryRunner: QueryRunner, concat: (...parts: string[]) => string): Promise<void> {
    // Referring rows first, while the referred rows still have their old ids.
    await queryRunner.query(`UPDATE fund_ledger SET entitlement_id = (SELECT ${concat("e.jurisdiction", "':'", "e.id")} FROM charity_entitlements e WHERE e.id = fund_ledger.entitlement_id) WHERE entitlement_id IN (SELECT id FROM charity_entitlements)`);
    await this.rewriteAllocationResults(queryRunner);
    await queryRunner.query(`UPDATE charity_entitlements SET id = ${concat("jurisdiction", "':'", "id")}`);
    await this.qualifyAuditSubjects(queryRunner, concat);
    for (const [table, column] of CLAIM_REFS) {
      await queryRunner.query(`UPDATE ${table} SET ${column} = (SELECT ${concat("c.jurisdiction", "':'", "c.id")} FROM claims c WHERE c.id = ${table}.${column}) WHERE ${column} IN (SELECT id FROM claims)`);
    }
    for (const [table, column] of BENEFICIARY_REFS) {
      await queryRunner.query(`UPDATE ${table} SET ${column} = (SELECT ${concat("b.jurisdiction", "':'", "b.id")} FROM beneficiaries b WHERE b.id = ${table}.${column}) WHERE ${column} IN (SELECT id FROM beneficiaries)`);
    }
    // A claim's jurisdiction is its beneficiary's.
    await queryRunner.query(`UPDATE claims SET id = ${concat("jurisdiction", "':'", "id")}, beneficiary_id = ${concat("jurisdiction", "':'", "beneficiary_id")}`);
    await queryRunner.query(`UPDATE beneficiaries SET id = ${concat("jurisdiction", "':'", "id")}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === "mysql";
    const unqualified = (column: string) => `SUBSTR(${column}, INSTR(${column}, ':') + 1)`;
    await this.checkForeignKeys(queryRunner, false);
    try {
      for (const [table, column] of [...KEYS, ...ENTITLEMENT_IDS]) await queryRunner.query(`UPDATE ${table} SET ${column} = ${unqualified(column)} WHERE ${column} IS NOT NULL`);
      await queryRunner.query(`UPDATE audit_log SET subject_id = ${unqualified("subject_id")} WHERE subject_type IN ('beneficiary', 'claim')`);
      await this.unqualifyAllocationResults(queryRunner);
      if (mysql) await this.resize(queryRunner, OLD_KEY_LENGTH);
    } finally {
      await this.checkForeignKeys(queryRunner, true);
    }
  }

  /** MySQL: foreign key checks off for the session; SQLite: deferred to the commit (the only way inside a transaction). */
  private async checkForeignKeys(queryRunner: QueryRunner, on: boolean): Promise<void> {
    if (queryRunner.connection.options.type === "mysql") await queryRunner.query(`SET FOREIGN_KEY_CHECKS = ${on ? 1 : 0}`);
    else if (!on) await queryRunner.query("PRAGMA defer_foreign_keys = ON");
  }

  /** MySQL: key columns to `length` (entitlement ids 16 more, for `/<year>` and room). MariaDB changes no column a foreign key uses: those are dropped and made again. */
  private async resize(queryRunner: QueryRunner, length: number): Promise<void> {
    const dropped: Array<[string, TableForeignKey]> = [];
    for (const name of REFERRING_TABLES) {
      const table = (await queryRunner.getTable(name))!;
      for (const foreignKey of table.foreignKeys.filter((fk) => /(^|\.)(beneficiaries|claims)$/.test(fk.referencedTableName))) {
        await queryRunner.dropForeignKey(table, foreignKey);
        dropped.push([name, foreignKey]);
      }
    }
    const columns: Array<[string, string, boolean, number]> = [...KEYS.map(([t, c, n]): [string, string, boolean, number] => [t, c, n, length]), ...ENTITLEMENT_IDS.map(([t, c, n]): [string, string, boolean, number] => [t, c, n, length + 16])];
    for (const [table, column, nullable, size] of columns) {
      await queryRunner.query(`ALTER TABLE ${table} MODIFY ${column} VARCHAR(${size}) ${nullable ? "NULL" : "NOT NULL"}`);
    }
    for (const [name, foreignKey] of dropped) await queryRunner.createForeignKey(name, foreignKey.clone());
  }

  /** The audit log names beneficiaries and claims by their keys, like every other table. */
  private async qualifyAuditSubjects(queryRunner: QueryRunner, concat: (...parts: string[]) => string): Promise<void> {
    for (const [type, table] of [["claim", "claims"], ["beneficiary", "beneficiaries"]]) {
      await queryRunner.query(
        `UPDATE audit_log SET subject_id = (SELECT ${concat("t.jurisdiction", "':'", "t.id")} FROM ${table} t WHERE t.id = audit_log.subject_id) WHERE subject_type = '${type}' AND subject_id IN (SELECT id FROM ${table})`,
      );
    }
  }

  /** A repeated allocation request answers its first result, which must name the entitlement's new id. */
  private async rewriteAllocationResults(queryRunner: QueryRunner): Promise<void> {
    await this.mapAllocationResults(queryRunner, async (id) => {
      const [entitlement]: Array<{ jurisdiction: string }> = await queryRunner.query("SELECT jurisdiction FROM charity_entitlements WHERE id = ?", [id]);
      return entitlement ? `${entitlement.jurisdiction}:${id}` : id;
    });
  }

  private async unqualifyAllocationResults(queryRunner: QueryRunner): Promise<void> {
    await this.mapAllocationResults(queryRunner, async (id) => id.slice(id.indexOf(":") + 1));
  }

  private async mapAllocationResults(queryRunner: QueryRunner, map: (entitlementId: string) => Promise<string>): Promise<void> {
    const rows: Array<{ request_id: string; result: string }> = await queryRunner.query("SELECT request_id, result FROM money_requests WHERE kind = 'allocation'");
    for (const row of rows) {
      const result = JSON.parse(row.result) as { entitlementId?: string };
      if (typeof result.entitlementId !== "string") continue;
      result.entitlementId = await map(result.entitlementId);
      await queryRunner.query("UPDATE money_requests SET result = ? WHERE request_id = ?", [JSON.stringify(result), row.request_id]);
    }
  }
}
