// npm run bot:evaluate [file.jsonl]: precision and recall of the message classifier on labelled sets, the model
// and the rules combined (understand) beside the rules alone (understandByLexicon). Without a file: the held-out
// split of the public residents' messages (never trained on) and the older 218-sentence set.
import path from "node:path";
import { fixtureFile, publicFile, readCorpus, readJsonl } from "../server/features/understanding/corpus.ts";
import { evaluate, formatEvaluation, summariseEvaluation, type LabelledMessage } from "../server/features/understanding/evaluate.ts";
import { understand, understandByLexicon, type Understanding } from "../server/features/understanding/understand.ts";

const asPrediction = (r: Understanding) => ({
  is_hardship: r.isHardship,
  intent: r.intent,
  risk_types: r.riskTypes,
  emergency: r.emergency,
});

function report(title: string, items: LabelledMessage[]) {
  console.log(`## ${title}\n`);
  if (items.length === 0) {
    console.log("(no messages)\n");
    return;
  }
  console.log(formatEvaluation(evaluate(items, (text) => asPrediction(understand(text)))));
  console.log(`\nrules alone (lexicon.json): ${summariseEvaluation(evaluate(items, (text) => asPrediction(understandByLexicon(text))))}\n`);
}

const file = process.argv[2];
if (file) report(path.relative(process.cwd(), path.resolve(file)), readJsonl(file));
else {
  const corpus = readCorpus();
  report(`Held-out public messages (${path.relative(process.cwd(), publicFile)}, test split)`, corpus.heldOut);
  report(`The 218-sentence set (${path.relative(process.cwd(), fixtureFile)})`, corpus.fixture);
}
