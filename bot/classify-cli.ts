// npm run --silent bot:classify: one message per line on stdin → one JSON object per line on stdout
// (is_hardship, intent, risk_types, amounts, case_number, emergency).
import readline from "node:readline";
import { understand } from "../server/features/understanding/understand.ts";

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const result = understand(line);
  process.stdout.write(
    `${JSON.stringify({ is_hardship: result.isHardship, intent: result.intent, risk_types: result.riskTypes, amounts: result.amounts, case_number: result.caseNumber, emergency: result.emergency })}\n`,
  );
}
