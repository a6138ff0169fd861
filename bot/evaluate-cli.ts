// npm run bot:evaluate [file.jsonl]: precision and recall of the message classifier on a labelled set.
import fs from "node:fs";
import path from "node:path";
import { evaluate, formatEvaluation, type LabelledMessage } from "../server/features/understanding/evaluate.ts";
import { understand } from "../server/features/understanding/understand.ts";

const file = process.argv[2] ?? path.resolve(import.meta.dirname, "../test/fixtures/understanding/labelled-messages.jsonl");
const items = fs
  .readFileSync(file, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as LabelledMessage);
console.log(
  formatEvaluation(
    evaluate(items, (text) => {
      const r = understand(text);
      return { is_hardship: r.isHardship, intent: r.intent, risk_types: r.riskTypes };
    }),
  ),
);
