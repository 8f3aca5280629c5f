/**
 * GraphQL: a settlement line's explanation in words (explainLine), in Chinese or English.
 */
import { Arg, FieldResolver, registerEnumType, Resolver, Root } from "type-graphql";
import { explainLine, type ExplanationLanguage } from "../engine/explain-line";
import { SettlementLine } from "./settlement.types";

export enum Language {
  ZH = "ZH",
  EN = "EN",
}
registerEnumType(Language, { name: "Language", description: "ZH: Chinese (简体中文); EN: English." });

@Resolver(() => SettlementLine)
export class SettlementLineResolver {
  @FieldResolver(() => String, { description: "The line as a sentence: the category, deductible, ratio and cap left in words, or why it paid nothing." })
  explanation(@Root() line: SettlementLine, @Arg("language", () => Language, { defaultValue: Language.ZH }) language: Language): string {
    return explainLine(line, line.category ?? line.settlementCategory ?? null, language as ExplanationLanguage);
  }
}
