/**
 * A settlement line told as one sentence a case worker can read aloud, in Chinese or English,
 * from the line's own figures: "医疗救助 14,000.00 元：低保对象，起付线已扣完，按 70% 救助，年度限额尚余
 * 86,000.00 元。" GraphQL, the /api adapter, the 化解清单 and the NocoBase plugin all use this one
 * function, so a household hears the same words wherever the line is shown.
 */
import { Money, ZERO, formatYuan } from "../lib/money";
import { CATEGORY_NAMES_EN, CATEGORY_NAMES_ZH, INSURANCE_TIERS, TIER_NAMES_EN, TIER_NAMES_ZH, isCategory, type Tier } from "./vocabulary";

export type ExplanationLanguage = "ZH" | "EN";

/** What a sentence needs of a line; stored lines, engine lines and views all have it. */
export interface ExplainableLine {
  tier: string;
  amount: Money;
  source: string;
  figures: Record<string, string>;
  reason: string | null;
}

type Words = {
  tier: (tier: string) => string;
  category: (category: string) => string;
  yuan: (amount: Money) => string;
  reported: string;
  deductibleMet: string;
  deductibleLeft: (left: string) => string;
  ratio: (percent: string, tier: string) => string;
  fullCover: string;
  schedule: (schedule: string) => string;
  threshold: (threshold: string) => string;
  noCap: string;
  capLeft: (left: string) => string;
  /** A rule that holds during a transitional period; `end` is "" while its end date has no value. */
  during: (name: string, end: string) => string;
  reasons: Record<string, (figures: Record<string, string>) => string>;
  join: (head: string, parts: string[]) => string;
};

const ZH: Words = {
  tier: (tier) => TIER_NAMES_ZH[tier as Tier] ?? tier,
  category: (category) => (isCategory(category) ? CATEGORY_NAMES_ZH[category] : category),
  yuan: (amount) => `${formatYuan(amount)} 元`,
  reported: "由经办机构结算后报送",
  deductibleMet: "起付线已扣完",
  deductibleLeft: (left) => `先扣起付线余额 ${left}`,
  // Insurance reimburses (报销); assistance and charity assist (救助).
  ratio: (percent, tier) => `按 ${percent}% ${INSURANCE_TIERS.includes(tier as Tier) ? "报销" : "救助"}`,
  fullCover: "政策范围内全额兜底",
  schedule: (schedule) => `按分段比例支付（${schedule}）`,
  threshold: (threshold) => `年度自负超过 ${threshold}的部分予以化解`,
  noCap: "不设年度限额",
  capLeft: (left) => `年度限额尚余 ${left}`,
  during: (name, end) => (end ? `${name}内（至 ${end}）` : `${name}内（结束日期未定）`),
  reasons: {
    NO_CATEGORY: () => "就诊时无救助身份，按普通参保人员处理",
    NOT_IN_PACK: () => "本地政策无此保障层",
    NO_RULE: () => "本地政策对该身份或就诊类别无此待遇",
    RULE_EXCLUDES: () => "按政策规定不予支付",
    UNDER_THRESHOLD: (f) => (f.deductible || f.threshold ? `年度累计未超过起付标准 ${money(f.deductible ?? f.threshold, ZH)}` : "年度累计未超过起付标准"),
    CAP_USED_UP: (f) => (f.cap && f.cap !== "none" ? `年度限额 ${money(f.cap, ZH)}已用完` : "年度限额已用完"),
    NOTHING_LEFT: () => "前序保障支付后无剩余费用",
    TRANSITION_ENDED: (f) => `${f.transition ?? "过渡期"}已于 ${f.transitionEnded} 结束，按普通规定无此待遇`,
    PENDING: () => "待报送：商业保险结算后报送，慈善化解随后",
  },
  join: (head, parts) => `${head}：${parts.join("，")}。`,
};

const EN: Words = {
  tier: (tier) => TIER_NAMES_EN[tier as Tier] ?? tier,
  category: (category) => (isCategory(category) ? CATEGORY_NAMES_EN[category] : category),
  yuan: (amount) => `${formatYuan(amount)} yuan`,
  reported: "settled and reported by the insurance office",
  deductibleMet: "deductible already met",
  deductibleLeft: (left) => `the remaining deductible of ${left} comes off first`,
  ratio: (percent) => `${percent}% paid`,
  fullCover: "in-policy costs covered in full",
  schedule: (schedule) => `paid by segments (${schedule})`,
  threshold: (threshold) => `the year's self-pay above ${threshold} is resolved`,
  noCap: "no annual cap",
  capLeft: (left) => `${left} of the annual cap left`,
  during: (name, end) => (end ? `during the transitional period (${name}, until ${end})` : `during the transitional period (${name}, end date not yet set)`),
  reasons: {
    NO_CATEGORY: () => "no assistance category on the date of care: an ordinary insured",
    NOT_IN_PACK: () => "the local policy has no such layer",
    NO_RULE: () => "the local policy gives this category or kind of care nothing here",
    RULE_EXCLUDES: () => "excluded by the policy",
    UNDER_THRESHOLD: (f) => (f.deductible || f.threshold ? `the year's costs have not passed the deductible of ${money(f.deductible ?? f.threshold, EN)}` : "the year's costs have not passed the deductible"),
    CAP_USED_UP: (f) => (f.cap && f.cap !== "none" ? `the annual cap of ${money(f.cap, EN)} is used up` : "the annual cap is used up"),
    NOTHING_LEFT: () => "nothing left after the earlier layers",
    TRANSITION_ENDED: (f) => `the transitional period (${f.transition ?? ""}) ended on ${f.transitionEnded}: the ordinary rule gives nothing here`,
    PENDING: () => "pending: the insurer reports it later, charity follows",
  },
  join: (head, parts) => `${head}: ${parts.join(", ")}.`,
};

function money(text: string, words: Words): string {
  return words.yuan(new Money(text));
}

/** A ratio figure ("0.8") as a percentage ("80"). */
function percent(ratio: string): string {
  return new Money(ratio).times(100).toDecimalPlaces(2).toString();
}

/** The clauses a computed line's figures support, in the order a person reasons: deductible, ratio, cap. */
function computedParts(line: ExplainableLine, words: Words): string[] {
  const f = line.figures;
  const parts: string[] = [];
  if (f.transition !== undefined) parts.push(words.during(f.transition, f.transitionEnds ?? ""));
  if (f.threshold) parts.push(words.threshold(money(f.threshold, words)));
  else if (f.deductibleLeft !== undefined) parts.push(new Money(f.deductibleLeft).isZero() ? words.deductibleMet : words.deductibleLeft(money(f.deductibleLeft, words)));
  if (f.schedule) parts.push(words.schedule(f.schedule));
  else if (f.ratio === "1") parts.push(words.fullCover);
  else if (f.ratio) parts.push(words.ratio(percent(f.ratio), line.tier));
  if (f.cap === "none" && !f.threshold) parts.push(words.noCap);
  else if (f.capLeft && f.capLeft !== "none") parts.push(words.capLeft(words.yuan(Money.max(ZERO, new Money(f.capLeft).minus(line.amount)))));
  return parts;
}

/**
 * The line as a sentence. `category` is the settlement's deciding category (就高不重复), named
 * in words on the lines a rule computed; null for an ordinary insured.
 */
export function explainLine(line: ExplainableLine, category: string | null, language: ExplanationLanguage = "ZH"): string {
  const words = language === "EN" ? EN : ZH;
  const head = `${words.tier(line.tier)} ${words.yuan(line.amount)}`;
  if (line.source === "REPORTED") return words.join(head, [words.reported]);
  if (line.reason) return words.join(head, [words.reasons[line.reason]?.(line.figures) ?? line.reason]);
  const who = category ? [words.category(category)] : [];
  return words.join(head, [...who, ...computedParts(line, words)]);
}
