/**
 * The rule packs a gateway settles with. Versions live in the database; on first start the files of
 * rules-json/ are published as the initial versions. Each instance keeps the active versions built
 * in memory and looks for changes every few seconds, so that an activation by any instance reaches
 * all of them without a restart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DataSource } from "typeorm";
import { compilePack, type CompiledPack } from "../engine/compiled-pack";
import { PackRegistry } from "../engine/pack-registry";
import { packScenarioFailures } from "../scenario/pack-scenarios";
import type { RulePackDocument } from "../engine/pack-document";
import { DomainError } from "../lib/errors";
import { nowIso, transactionsOf } from "../lib/db";
import { projectPath } from "../lib/project";
import { AuditService } from "../access/audit.service";
import type { Principal } from "../access/principal";
import { RulePackVersionEntity } from "./rule-pack-version.entity";

export class RulePackService {
  private registry = new PackRegistry();
  /** Built packs by id, version and content hash: building is done once per version. */
  private readonly built = new Map<string, CompiledPack>();
  private activeSignature = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Publishes the pack files as active versions where the database has no version of that pack
   * yet. A file that fails its schema or its own scenarios is reported and not published.
   */
  async seedFromFiles(dir = projectPath("rules-json"), scenariosDir: string | null = projectPath("test", "scenarios")): Promise<string[]> {
    const problems: string[] = [];
    const repository = this.dataSource.getRepository(RulePackVersionEntity);
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      const document = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as RulePackDocument;
      if ((await repository.countBy({ packId: document.id })) > 0) continue;
      let pack: CompiledPack;
      try {
        pack = await compilePack(document, name);
        const failures = packScenarioFailures(pack, scenariosDir && fs.existsSync(scenariosDir) ? scenariosDir : null);
        if (failures.length > 0) throw new DomainError("INVALID_PACK", name, `${name}: ${failures.length} of its scenarios fail`, failures);
      } catch (error) {
        if (error instanceof DomainError) {
          problems.push(`${name}: ${error.message}`);
          continue;
        }
        throw error;
      }
      await transactionsOf(this.dataSource).run(async (manager) => {
        if ((await manager.countBy(RulePackVersionEntity, { packId: document.id })) > 0) return;
        const now = nowIso();
        await manager.insert(RulePackVersionEntity, {
          packId: pack.id,
          version: pack.version,
          document: JSON.stringify(document),
          hash: pack.hash,
          status: "ACTIVE",
          inForceFrom: document.inForce.appliesFrom,
          inForceTo: document.inForce.to,
          publishedBy: "system",
          publishedAt: now,
          activatedAt: now,
        });
        await this.audit.record(manager, "system", "rulepack.seed", "rule_pack", `${pack.id}@${pack.version}`, { file: name, hash: pack.hash });
      });
      // The refresh that follows a seed finds the pack built, instead of building it again.
      this.built.set(builtKey(pack.id, pack.version, pack.hash), pack);
    }
    return problems;
  }

  /** Reads the active versions and rebuilds the registry when they changed. */
  async refresh(): Promise<void> {
    const active = await this.dataSource.getRepository(RulePackVersionEntity).find({ where: { status: "ACTIVE" }, order: { packId: "ASC", version: "ASC" } });
    const signature = active.map((v) => `${v.packId}@${v.version}:${v.hash}`).join("|");
    if (signature === this.activeSignature) return;
    const registry = new PackRegistry();
    for (const version of active) registry.add(await this.build(version));
    // Swapping the reference is atomic: a settlement that already holds a pack finishes with it.
    this.registry = registry;
    this.activeSignature = signature;
  }

  /** Starts looking for activations by other instances every `seconds`. */
  startWatching(seconds: number, onError: (error: unknown) => void): void {
    this.stopWatching();
    this.timer = setInterval(() => this.refresh().catch(onError), seconds * 1000);
    this.timer.unref();
  }

  stopWatching(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The pack that settles a claim of this jurisdiction and date (UNKNOWN_PACK, NO_PACK_IN_FORCE). */
  packFor(jurisdiction: string, date: string): CompiledPack {
    return this.registry.packFor(jurisdiction, date);
  }

  /**
   * The pack for reading a whole natural year (annual summaries, charity order): the version in
   * force on the year's last day, or else the newest active version in force on some day of it.
   */
  packForYear(jurisdiction: string, year: number): CompiledPack | null {
    try {
      return this.registry.packForYear(jurisdiction, year);
    } catch {
      return null;
    }
  }

  /** The ids of the jurisdictions with an active pack. */
  jurisdictions(): string[] {
    return this.registry.ids();
  }

  /** Every stored version, newest first per pack. */
  /** Every version of every pack the caller may see, newest first per pack. */
  async listVersions(principal: Principal): Promise<RulePackVersionEntity[]> {
    const versions = await this.dataSource.getRepository(RulePackVersionEntity).find({ order: { packId: "ASC", version: "DESC" } });
    return versions.filter((v) => principal.canSee(v.packId));
  }

  /** The active versions, for listing. */
  activePacks(): CompiledPack[] {
    return this.registry.ids().flatMap((id) => [...this.registry.versions(id)]);
  }

  /** A specific version, active or not (old settlements are replayed under their own version). */
  async version(packId: string, version: number): Promise<CompiledPack> {
    const active = this.registry.versions(packId).find((p) => p.version === version);
    if (active) return active;
    const entity = await this.dataSource.getRepository(RulePackVersionEntity).findOneBy({ packId, version });
    if (!entity) throw new DomainError("UNKNOWN_PACK", "pack", `pack ${packId} v${version} 不存在 / does not exist`);
    return this.build(entity);
  }

  private async build(entity: RulePackVersionEntity): Promise<CompiledPack> {
    const key = builtKey(entity.packId, entity.version, entity.hash);
    let pack = this.built.get(key);
    if (!pack) {
      pack = await compilePack(JSON.parse(entity.document), key);
      this.built.set(key, pack);
    }
    return pack;
  }
}

/** A built pack's key: a version's content, as stored. */
function builtKey(packId: string, version: number, hash: string): string {
  return `${packId}@${version}:${hash}`;
}
