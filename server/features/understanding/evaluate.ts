import { intents, understandingRiskTypes, type Intent, type UnderstoodRisk } from "./labels.ts";

import type { LabelledMessage } from "./labels.ts";

export type { LabelledMessage };

export interface Prediction {
  is_hardship: boolean;
  intent: string;
  risk_types: string[];
  emergency?: boolean;
}

export interface Evaluation {
  messages: number;
  hardshipAccuracy: number;
  intentAccuracy: number;
  perRisk: { riskType: UnderstoodRisk; support: number; precision: number; recall: number; f1: number }[];
  micro: { precision: number; recall: number; f1: number };
  perIntent: { intent: Intent; support: number; precision: number; recall: number }[];
  /** Over the messages labelled for it (the 218-sentence set is not); null when none is. */
  emergency: { support: number; precision: number; recall: number; f1: number } | null;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/** Precision and recall per risk type (multi-label) and per intent, over a labelled set. */
export function evaluate(items: LabelledMessage[], classify: (text: string) => Prediction): Evaluation {
  const predictions = items.map((item) => classify(item.text));
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  const perRisk = understandingRiskTypes.map((riskType) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    items.forEach((item, i) => {
      const expected = item.risk_types.includes(riskType);
      const got = predictions[i]!.risk_types.includes(riskType);
      if (expected && got) tp++;
      else if (got) fp++;
      else if (expected) fn++;
    });
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, tp + fn);
    return { riskType, support: tp + fn, precision, recall, f1: f1(precision, recall) };
  });
  const perIntent = intents.map((intent) => {
    const tp = items.filter((item, i) => item.intent === intent && predictions[i]!.intent === intent).length;
    const predicted = predictions.filter((p) => p.intent === intent).length;
    const support = items.filter((item) => item.intent === intent).length;
    return { intent, support, precision: ratio(tp, predicted), recall: ratio(tp, support) };
  });
  const labelled = items
    .map((item, i) => ({ expected: item.emergency, got: predictions[i]!.emergency === true }))
    .filter((e) => e.expected !== undefined);
  let emergency: Evaluation["emergency"] = null;
  if (labelled.length > 0) {
    const tp = labelled.filter((e) => e.expected && e.got).length;
    const precision = ratio(tp, labelled.filter((e) => e.got).length);
    const recall = ratio(tp, labelled.filter((e) => e.expected).length);
    emergency = { support: labelled.filter((e) => e.expected).length, precision, recall, f1: f1(precision, recall) };
  }
  const microP = ratio(tpAll, tpAll + fpAll);
  const microR = ratio(tpAll, tpAll + fnAll);
  return {
    messages: items.length,
    hardshipAccuracy: ratio(items.filter((item, i) => item.is_hardship === predictions[i]!.is_hardship).length, items.length),
    intentAccuracy: ratio(items.filter((item, i) => item.intent === predictions[i]!.intent).length, items.length),
    perRisk,
    micro: { precision: microP, recall: microR, f1: f1(microP, microR) },
    perIntent,
    emergency,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** One line: the headline figures. */
export function summariseEvaluation(e: Evaluation): string {
  const emergency = e.emergency
    ? ` · emergency P ${pct(e.emergency.precision)} R ${pct(e.emergency.recall)} (${e.emergency.support} labelled)`
    : "";
  return `${e.messages} messages · is_hardship accuracy ${pct(e.hardshipAccuracy)} · intent accuracy ${pct(e.intentAccuracy)} · risk types micro P ${pct(e.micro.precision)} R ${pct(e.micro.recall)} F1 ${pct(e.micro.f1)}${emergency}`;
}

export function formatEvaluation(e: Evaluation): string {
  const lines = [
    summariseEvaluation(e),
    "",
    "| risk type | support | precision | recall | F1 |",
    "|---|---|---|---|---|",
    ...e.perRisk.map((r) => `| ${r.riskType} | ${r.support} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} |`),
    "",
    "| intent | support | precision | recall |",
    "|---|---|---|---|",
    ...e.perIntent.map((r) => `| ${r.intent} | ${r.support} | ${pct(r.precision)} | ${pct(r.recall)} |`),
  ];
  return lines.join("\n");
}
