/**
 * Deterministic claims for the benchmark: beneficiaries spread over every pack and every category
 * of each pack (and none), several bills per person per year inside the pack's period in force, all
 * four claim kinds, flags mostly true, fees in yuan and fen, and the tier amounts partners report.
 *
 * Everything goes through the product's own input checking (readBeneficiary, readClaim) once, before
 * any timing, so the timed loops settle exactly what a partner could have submitted.
 */
import type { CompiledPack } from "../engine/compiled-pack";
import { readBeneficiary, readClaim } from "../engine/input";
import type { RuleFacts } from "../engine/facts";
import type { Beneficiary } from "../engine/types";
import { CATEGORIES, CLAIM_KINDS, type Category, type ClaimKind, type Tier } from "../engine/vocabulary";
import { Random } from "./prng";
import { engineChoice, ruleFactsFor, tierFactsFor, type BenchClaim, type ClaimSituation } from "./selection";

/** Claims are generated up to this date; packs without an end date run to it. */
const LAST_DATE = "2025-12-31";

/** How often each kind of care occurs: many outpatient bills, fewer stays, a few costly drugs. */
const KIND_WEIGHTS: Readonly<Record<ClaimKind, number>> = {
  OUTPATIENT_GENERAL: 35,
  OUTPATIENT_CHRONIC: 25,
  INPATIENT: 30,
  HIGH_VALUE_DRUG: 10,
  SPECIAL_DRUG: 5,
};

/** Bill totals per kind in yuan, drawn log-uniformly (heavy-tailed, as medical costs are). */
const TOTAL_RANGE: Readonly<Record<ClaimKind, [number, number]>> = {
  OUTPATIENT_GENERAL: [30, 1_500],
  OUTPATIENT_CHRONIC: [200, 8_000],
  INPATIENT: [1_500, 150_000],
  HIGH_VALUE_DRUG: [3_000, 80_000],
  SPECIAL_DRUG: [3_000, 80_000],
};

/** The share of the in-policy cost basic insurance pays, as the insurance platform would report it. */
const BASIC_RATIO: Readonly<Record<ClaimKind, [number, number]>> = {
  OUTPATIENT_GENERAL: [0.3, 0.6],
  OUTPATIENT_CHRONIC: [0.5, 0.7],
  INPATIENT: [0.5, 0.8],
  HIGH_VALUE_DRUG: [0.5, 0.7],
  SPECIAL_DRUG: [0.5, 0.7],
};

const DAY_MS = 86_400_000;
const dayOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const later = (a: string, b: string): string => (a > b ? a : b);
const earlier = (a: string, b: string): string => (a < b ? a : b);

/** Integer fen as an amount string: 123456 → "1234.56". */
const fenText = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/** The dates on which a pack settles generated claims. */
function periodOf(pack: CompiledPack): { from: string; to: string } {
  const { appliesFrom, to } = pack.document.inForce;
  return { from: appliesFrom, to: to === null ? LAST_DATE : earlier(to, LAST_DATE) };
}

/**
 * Whether the pack computes a tier for a claim with the facts of each category competing for it (就高
 * 不重复 per tier, as settle decides): "computed" when one of their rules has all its values, "unset"
 * when rules apply but none has, "none" when no rule applies. Uses the engine's decision table: the
 * generator only decides what partners report; the agreement check is what compares the selectors.
 */
function tierStatus(pack: CompiledPack, tier: Tier, competing: readonly RuleFacts[], date: string): "computed" | "unset" | "none" {
  const rules = competing.map((facts) => engineChoice(pack, tier, facts)).filter((rule) => rule !== null);
  if (rules.length === 0) return "none";
  return rules.some((rule) => pack.formula(rule.name, date).ok) ? "computed" : "unset";
}

/**
 * One beneficiary. Index i decides the pack (round robin) and the main category (cycling through
 * the pack's categories and none), so any prefix of a few dozen beneficiaries covers every pack and
 * category; the random generator adds the variations: late certification, loss of the category,
 * a second category (possibly one the pack does not know), and 宜春 倾斜救助 applications.
 */
function beneficiaryFor(i: number, pack: CompiledPack, packCount: number, random: Random): Beneficiary {
  const period = periodOf(pack);
  const slots: Array<Category | null> = [null, ...pack.precedence];
  const main = slots[Math.floor(i / packCount) % slots.length];
  const randomDay = () => dateOf(random.int(dayOf(period.from), dayOf(period.to)));
  const identities: Array<{ category: Category; from: string; to: string | null }> = [];
  if (main !== null) {
    const from = random.chance(0.2) ? randomDay() : "2020-01-01";
    const to = random.chance(0.1) ? later(from, randomDay()) : null;
    identities.push({ category: main, from, to });
  }
  // A second category: precedence decides (就高不重复), or the pack ignores it.
  if (random.chance(0.15)) identities.push({ category: random.pick(CATEGORIES), from: "2020-01-01", to: null });

  const applications: Array<{ program: string; date: string }> = [];
  for (const program of pack.programs) {
    for (let year = Number(period.from.slice(0, 4)); year <= Number(period.to.slice(0, 4)); year++) {
      const date = later(`${year}-02-15`, period.from);
      if (random.chance(0.5) && date <= period.to) applications.push({ program, date });
    }
  }
  return readBeneficiary({ id: `${pack.id}-${i}`, identities, applications });
}

/** The bill of one claim and what partners report for it, as raw JSON a partner would send. */
function claimFor(id: string, pack: CompiledPack, beneficiary: Beneficiary, situation: ClaimSituation, random: Random): object {
  const { kind } = situation;
  const [low, high] = TOTAL_RANGE[kind];
  const total = random.logUniform(low * 100, high * 100);
  const part = (probability: number, maxShare: number) => (random.chance(probability) ? Math.floor(total * maxShare * random.next()) : 0);
  const outOfCatalog = part(0.5, 0.2);
  const classBSelfPay = part(0.5, 0.08);
  const overStandard = part(0.15, 0.03);
  const excluded = outOfCatalog + classBSelfPay + overStandard;
  const inPolicy = total - excluded;

  const share = ([a, b]: [number, number]) => a + (b - a) * random.next();
  const factsFor = (tier: Tier) => tierFactsFor(pack, beneficiary, situation, tier);
  // The packs hold no basic-insurance figures: the insurance platform always reports basic.
  const basic = Math.floor(inPolicy * share(BASIC_RATIO[kind]));
  const reported: Record<string, string> = { basic: fenText(basic) };
  // Critical-illness insurance pays on large remainders; reported unless the pack computes it.
  if (tierStatus(pack, "critical", factsFor("critical"), situation.date) !== "computed") {
    const left = inPolicy - basic;
    reported.critical = fenText(left > 1_000_000 ? Math.floor((left - 1_000_000) * share([0.5, 0.7])) : 0);
  }
  // The commercial insurer reports where the pack has the rule but not its numbers (乐清). What it
  // pays never exceeds the excluded parts, which the in-policy tiers leave untouched.
  if (tierStatus(pack, "commercial", factsFor("commercial"), situation.date) === "unset") {
    reported.commercial = fenText(Math.floor(excluded * share([0.3, 0.7])));
  }
  for (const tier of ["assistance", "reassistance", "charity"] as const) {
    if (tierStatus(pack, tier, factsFor(tier), situation.date) === "unset") {
      throw new Error(`bench: ${pack.id} ${tier} needs a parameter without a value for ${JSON.stringify(factsFor(tier))}; add it to src/bench/parameters.ts`);
    }
  }
  return {
    id,
    date: situation.date,
    kind,
    referred: situation.referred,
    inProvince: situation.inProvince,
    guidanceFollowed: situation.guidanceFollowed,
    insuredType: situation.insuredType,
    fees: { total: fenText(total), outOfCatalog: fenText(outOfCatalog), classBSelfPay: fenText(classBSelfPay), overStandard: fenText(overStandard) },
    reported,
  };
}

/**
 * Generates `count` claims over the given packs, deterministically from `seed`. Claims are ordered
 * beneficiary by beneficiary, each person's bills by date, so year-to-date figures build up as they
 * would and any prefix of the list mixes every pack and category.
 */
export function generateClaims(packs: readonly CompiledPack[], count: number, seed: number): { claims: BenchClaim[]; beneficiaries: number } {
  const random = new Random(seed);
  const claims: BenchClaim[] = [];
  let beneficiaries = 0;
  for (let i = 0; claims.length < count; i++) {
    const pack = packs[i % packs.length];
    const beneficiary = beneficiaryFor(i, pack, packs.length, random);
    beneficiaries++;
    const period = periodOf(pack);
    let n = 0;
    for (let year = Number(period.from.slice(0, 4)); year <= Number(period.to.slice(0, 4)); year++) {
      const first = dayOf(later(`${year}-01-01`, period.from));
      const last = dayOf(earlier(`${year}-12-31`, period.to));
      // Three to eight bills in a full year, fewer in a partial one (a pack starting in December).
      const bills = Math.max(1, Math.round((random.int(3, 8) * (last - first + 1)) / 365));
      const days = Array.from({ length: bills }, () => random.int(first, last)).sort((a, b) => a - b);
      for (const day of days) {
        const situation: ClaimSituation = {
          date: dateOf(day),
          kind: random.weighted(KIND_WEIGHTS),
          referred: random.chance(0.9),
          inProvince: random.chance(0.92),
          guidanceFollowed: random.chance(0.9),
          insuredType: random.chance(0.2) ? "EMPLOYEE" : "RESIDENT",
        };
        const raw = claimFor(`${beneficiary.id}-${++n}`, pack, beneficiary, situation, random);
        claims.push({ pack, beneficiary, claim: readClaim(raw, beneficiary.id) });
      }
    }
  }
  claims.length = count;
  return { claims, beneficiaries };
}

/** Counts of the generated claims by pack, kind, category in force and reported tier, for the printout. */
export function describeClaims(claims: readonly BenchClaim[]): string[] {
  const byPack = new Map<string, number>();
  const byKind = new Map<string, number>();
  const categoriesByPack = new Map<string, Set<string>>();
  const packs = new Map<string, CompiledPack>();
  const reported = new Map<string, number>();
  let flagsFalse = 0;
  for (const { pack, beneficiary, claim } of claims) {
    byPack.set(pack.id, (byPack.get(pack.id) ?? 0) + 1);
    packs.set(pack.id, pack);
    byKind.set(claim.kind, (byKind.get(claim.kind) ?? 0) + 1);
    const facts = ruleFactsFor(pack, beneficiary, claim);
    const seen = categoriesByPack.get(pack.id) ?? new Set<string>();
    seen.add(facts.category);
    categoriesByPack.set(pack.id, seen);
    for (const tier of Object.keys(claim.reported)) reported.set(tier, (reported.get(tier) ?? 0) + 1);
    if (!claim.referred || !claim.inProvince || !claim.guidanceFollowed) flagsFalse++;
  }
  const list = (counts: Map<string, number>) => [...counts].map(([key, n]) => `${key} ${n}`).join(", ");
  return [
    `by pack: ${list(byPack)}`,
    `by kind: ${CLAIM_KINDS.map((kind) => `${kind} ${byKind.get(kind) ?? 0}`).join(", ")}; with a false flag: ${flagsFalse}`,
    `categories in force (incl. NONE): ${[...categoriesByPack].map(([id, set]) => `${id} ${set.size}/${packs.get(id)!.precedence.length + 1}`).join(", ")}`,
    `reported tiers: ${list(reported)}`,
  ];
}
