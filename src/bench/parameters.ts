/**
 * Parameter values the benchmark supplies for parameters that the policy texts leave without a
 * value but that rules the generated claims reach need. These are BENCHMARK INPUTS, not policy:
 * plausible orders of magnitude so that every formula kind runs with realistic deductibles and caps.
 * Basic insurance, most critical-illness insurance and 乐清's commercial layer are not given values
 * here: as in production, the generated claims carry the amounts the partners report for them.
 */
export const BENCH_PARAMETERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dongzhi: {
    // 东至 二(五): at least 70% for 特困/低保; the figures themselves are the prefecture's.
    assistanceDestituteDibaoDeductible: "0.00",
    assistanceDestituteDibaoRatio: "0.75",
    assistanceDestituteDibaoCap: "60000.00",
    assistanceOtherDeductible: "3000.00",
    assistanceOtherRatio: "0.60",
    assistanceOtherCap: "30000.00",
  },
  liaocheng: {
    // 聊城 names the children as recipients without a standard.
    assistanceChildrenDeductible: "0.00",
    assistanceChildrenRatio: "0.70",
    assistanceChildrenCap: "30000.00",
  },
  weihai: {
    // 威海 支出型困难人口 (ILLNESS_IMPOVERISHED): national and provincial figures.
    assistanceExpenditureDeductible: "10000.00",
    assistanceExpenditureRatio: "0.60",
    assistanceExpenditureCap: "20000.00",
  },
  yichun: {
    // 宜春 classes 3 and 4 deduct a share of the prior year's per-capita disposable income.
    priorYearDisposableIncomePerCapita: "32000.00",
  },
};
