// Moderation benchmark: npx tsx bench/moderation/run.ts [--data DIR] [--model path/to/moderation-model.json]
// Loads the committed artefact and prints quality on the held-out split (never used by training or threshold
// tuning), the sensitive-but-benign false-positive rate, personal-data precision/recall on presidio, the
// regulated-advice detector, and latency per 1,000 characters on one core.
import { parseArgs } from 'node:util';
import {
  ContentModerator,
  ModerationClassifier,
  defaultModerationPolicy,
  detectPersonalData,
  moderationCategories,
  normalizeModerationText,
  type ModerationCategory,
  type ModerationDirection,
  type PersonalDataType,
} from '@charter/core';
import {
  averagePrecision,
  benignHardNegatives,
  binaryMetrics,
  builtModelPath,
  defaultDatasetDirectory,
  labelOf,
  loadClassifierModel,
  readModerationDatasets,
  readPresidioSamples,
  splitExamples,
} from '@charter/moderation-training';

const { values } = parseArgs({ options: { data: { type: 'string' }, model: { type: 'string' } } });
const datasetDirectory = values.data ?? defaultDatasetDirectory;
const model = loadClassifierModel(values.model ?? builtModelPath);
const classifier = new ModerationClassifier(model);
const moderator = new ContentModerator({ classifier });
const threshold = (category: ModerationCategory): number => defaultModerationPolicy.categories[category].threshold;

const format = (value: number): string => (Number.isFinite(value) ? value.toFixed(3) : '  n/a');
const pad = (text: string, width: number): string => text.padEnd(width);
const padLeft = (text: string, width: number): string => text.padStart(width);

// ---------------------------------------------------------------------------------------------------
// Held-out split
const datasets = readModerationDatasets(datasetDirectory);
const heldOut = splitExamples(datasets.examples).held_out;
const harmCategories = moderationCategories.filter((category) => category !== 'regulated_advice');
const scored = heldOut.map((example) => {
  const scores = moderator.scoreCategories({ text: example.text, direction: example.direction });
  const byCategory = new Map<ModerationCategory, number>();
  for (const category of moderationCategories) byCategory.set(category, scores.get(category)?.score ?? 0);
  return { example, byCategory };
});
// A text counts as flagged when a category hits whose default action in its direction is not `allow`:
// prompt injection is judged on inputs only (outputs that echo a jailbreak persona are not themselves
// an injection), and regulated advice only adds a notice.
const isCounted = (category: ModerationCategory, direction: ModerationDirection): boolean =>
  category !== 'regulated_advice' && defaultModerationPolicy.categories[category][direction] !== 'allow';
const isFlaggedHarmful = (byCategory: Map<ModerationCategory, number>, direction: ModerationDirection): boolean =>
  harmCategories.some((category) => isCounted(category, direction) && (byCategory.get(category) ?? 0) >= threshold(category));

console.log(`\nModeration benchmark — artefact ${values.model ?? builtModelPath}`);
console.log(`held-out examples: ${heldOut.length} (of ${datasets.examples.length}); thresholds: policy defaults\n`);
console.log(`${pad('category', 28)}${padLeft('pos', 6)}${padLeft('neg', 7)}${padLeft('P', 8)}${padLeft('R', 8)}${padLeft('F1', 8)}${padLeft('AUPRC', 8)}  method`);
for (const category of moderationCategories) {
  // Judged in the directions where the default policy acts on the category (prompt injection: inputs).
  const labelled = scored.filter(({ example }) => labelOf(example, category) >= 0 && defaultModerationPolicy.categories[category][example.direction] !== 'allow');
  const actual = labelled.map(({ example }) => labelOf(example, category) === 1);
  const positives = actual.filter(Boolean).length;
  const method = moderationCategoryMethod(category);
  if (positives === 0) {
    console.log(`${pad(category, 28)}${padLeft('0', 6)}${padLeft(String(labelled.length), 7)}${padLeft('—', 8)}${padLeft('—', 8)}${padLeft('—', 8)}${padLeft('—', 8)}  ${method}; no labelled held-out data (unit tests only)`);
    continue;
  }
  const scores = labelled.map(({ byCategory }) => byCategory.get(category) ?? 0);
  const metrics = binaryMetrics(scores.map((score) => score >= threshold(category)), actual);
  console.log(
    `${pad(category, 28)}${padLeft(String(positives), 6)}${padLeft(String(labelled.length - positives), 7)}${padLeft(format(metrics.precision), 8)}${padLeft(format(metrics.recall), 8)}${padLeft(format(metrics.f1), 8)}${padLeft(format(averagePrecision(scores, actual)), 8)}  ${method}`,
  );
}

const binary = scored.filter(({ example }) => example.isBenign || example.positives.length > 0);
const binaryActual = binary.map(({ example }) => example.positives.length > 0);
const binaryScores = binary.map(({ example, byCategory }) =>
  Math.max(...harmCategories.filter((category) => isCounted(category, example.direction)).map((category) => (byCategory.get(category) ?? 0) / threshold(category) / 2)),
);
const binaryResult = binaryMetrics(binary.map(({ example, byCategory }) => isFlaggedHarmful(byCategory, example.direction)), binaryActual);
console.log(
  `\nharmful vs benign (any category but regulated_advice): n=${binary.length} P ${format(binaryResult.precision)} R ${format(binaryResult.recall)} F1 ${format(binaryResult.f1)} AUPRC ${format(averagePrecision(binaryScores, binaryActual))}`,
);
for (const direction of ['input', 'output'] as const) {
  const part = binary.filter(({ example }) => example.direction === direction);
  const result = binaryMetrics(part.map(({ example, byCategory }) => isFlaggedHarmful(byCategory, example.direction)), part.map(({ example }) => example.positives.length > 0));
  console.log(`  ${pad(direction, 8)} n=${pad(String(part.length), 6)} P ${format(result.precision)} R ${format(result.recall)} F1 ${format(result.f1)}`);
}

console.log('\nper source (held-out): flagged share of harmful (recall) and of benign (false-positive rate)');
const sources = [...new Set(binary.map(({ example }) => example.source))].sort();
for (const source of sources) {
  const part = binary.filter(({ example }) => example.source === source);
  const harmful = part.filter(({ example }) => example.positives.length > 0);
  const benign = part.filter(({ example }) => example.isBenign);
  const recall = harmful.length > 0 ? harmful.filter(({ example, byCategory }) => isFlaggedHarmful(byCategory, example.direction)).length / harmful.length : Number.NaN;
  const falsePositiveRate = benign.length > 0 ? benign.filter(({ example, byCategory }) => isFlaggedHarmful(byCategory, example.direction)).length / benign.length : Number.NaN;
  console.log(`  ${pad(source, 30)} harmful ${padLeft(String(harmful.length), 5)} recall ${format(recall)}   benign ${padLeft(String(benign.length), 5)} FPR ${format(falsePositiveRate)}`);
}

// ---------------------------------------------------------------------------------------------------
// Sensitive-but-benign prompts: the held-out hand-written hard negatives (both batches; the first batch
// alone is the set measured before the second was written), and held-out GPTeacher instructions that
// contain a sensitive word — written by others, selected by a word list fixed before measuring.
type Scored = (typeof scored)[number];
const reportFalsePositives = (title: string, part: readonly Scored[], isListed: boolean): void => {
  const flagged = part.filter(({ example, byCategory }) => isFlaggedHarmful(byCategory, example.direction));
  console.log(`${title}: ${flagged.length}/${part.length} = ${format(flagged.length / Math.max(1, part.length))}`);
  if (!isListed) return;
  for (const { example, byCategory } of flagged) {
    const hits = harmCategories.filter((category) => isCounted(category, example.direction) && (byCategory.get(category) ?? 0) >= threshold(category));
    console.log(`  flagged: ${JSON.stringify(example.text)} → ${hits.join(', ')}`);
  }
};
const firstBatch = new Set(benignHardNegatives);
const sensitiveHeldOut = scored.filter(({ example }) => example.isSensitiveBenign);
console.log('');
reportFalsePositives('sensitive-but-benign FPR (held-out hand-written hard negatives, both batches)', sensitiveHeldOut, true);
reportFalsePositives('  first batch only (the set measured before the second batch was written)', sensitiveHeldOut.filter(({ example }) => firstBatch.has(example.text)), false);
const sensitiveWords =
  /\b(kill|murder|attack|bomb|weapon|guns?|shoot|knife|blood|die|dead|death|poison|drugs?|hack|exploit|steal|theft|fraud|scam|crime|criminal|illegal|sex|sexual|nude|hate|racis|terror|suicide|abuse|violen|war|fight|explosi|virus|malware|password|spy|police|prison|alcohol|cancer|disease|weed|destroy|execute|inject)/i;
const sensitiveInstructions = scored.filter(({ example }) => example.source.startsWith('gpteacher_') && example.source !== 'gpteacher_responses' && sensitiveWords.test(example.text));
reportFalsePositives('  held-out GPTeacher instructions with a sensitive word', sensitiveInstructions, false);
const allSensitive = datasets.examples.filter((example) => example.isSensitiveBenign);
const allSensitiveFlagged = allSensitive.filter((example) => moderator.moderate({ text: example.text, direction: 'input' }).flaggedCategories.some((category) => category !== 'regulated_advice'));
console.log(`  (all ${allSensitive.length} hand-written, including those trained on: ${allSensitiveFlagged.length} flagged = ${format(allSensitiveFlagged.length / allSensitive.length)})`);

// ---------------------------------------------------------------------------------------------------
// Personal data on presidio (synthetic values; every sentence, there is no training on it)
const presidio = readPresidioSamples(datasetDirectory);
const presidioTypes: Record<string, PersonalDataType> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone_number',
  CREDIT_CARD: 'credit_card',
  IBAN_CODE: 'iban',
  US_SSN: 'us_ssn',
  IP_ADDRESS: 'ip_address',
  STREET_ADDRESS: 'street_address',
};
const personalDataCounts = new Map<PersonalDataType, { predicted: number; correct: number; gold: number; found: number }>();
for (const type of Object.values(presidioTypes)) personalDataCounts.set(type, { predicted: 0, correct: 0, gold: 0, found: 0 });
for (const sample of presidio) {
  const predicted = detectPersonalData(sample.fullText);
  for (const span of predicted) {
    const counts = personalDataCounts.get(span.type);
    if (counts === undefined) continue;
    counts.predicted += 1;
    if (sample.spans.some((gold) => presidioTypes[gold.entityType] === span.type && gold.start < span.end && span.start < gold.end)) counts.correct += 1;
  }
  for (const gold of sample.spans) {
    const type = presidioTypes[gold.entityType];
    const counts = type === undefined ? undefined : personalDataCounts.get(type);
    if (counts === undefined) continue;
    counts.gold += 1;
    if (predicted.some((span) => span.type === type && gold.start < span.end && span.start < gold.end)) counts.found += 1;
  }
}
console.log(`\npersonal data on presidio_synth_pii_v2 (${presidio.length} sentences; a span counts when it overlaps a gold span of the same type)`);
console.log(`${pad('type', 18)}${padLeft('gold', 6)}${padLeft('pred', 6)}${padLeft('P', 8)}${padLeft('R', 8)}${padLeft('F1', 8)}`);
for (const [type, counts] of personalDataCounts) {
  const precision = counts.predicted > 0 ? counts.correct / counts.predicted : Number.NaN;
  const recall = counts.gold > 0 ? counts.found / counts.gold : Number.NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : Number.NaN;
  console.log(`${pad(type, 18)}${padLeft(String(counts.gold), 6)}${padLeft(String(counts.predicted), 6)}${padLeft(format(precision), 8)}${padLeft(format(recall), 8)}${padLeft(format(f1), 8)}`);
}
console.log('  (not detected by design: PERSON, GPE, ORGANIZATION, DATE_TIME, US_DRIVER_LICENSE and other presidio types)');
const benignHeldOut = heldOut.filter((example) => example.isBenign);
const benignWithPersonalData = benignHeldOut.filter((example) => detectPersonalData(example.text).length > 0);
console.log(`  benign held-out texts with any detection: ${benignWithPersonalData.length}/${benignHeldOut.length}`);

// ---------------------------------------------------------------------------------------------------
// Regulated advice (AUP-10): a notice, not a block
const adviceFound = datasets.regulatedAdviceQuestions.filter((text) => moderator.moderate({ text, direction: 'input' }).flaggedCategories.includes('regulated_advice')).length;
const gpteacherHeldOut = heldOut.filter((example) => example.source.startsWith('gpteacher_') && example.direction === 'input');
const gpteacherAdvice = gpteacherHeldOut.filter((example) => moderator.moderate({ text: example.text, direction: 'input' }).flaggedCategories.includes('regulated_advice')).length;
const sensitiveAdvice = allSensitive.filter((example) => moderator.moderate({ text: example.text, direction: 'input' }).flaggedCategories.includes('regulated_advice')).length;
console.log(`\nregulated advice: donotanswer advice questions flagged ${adviceFound}/${datasets.regulatedAdviceQuestions.length} = ${format(adviceFound / Math.max(1, datasets.regulatedAdviceQuestions.length))}; held-out GPTeacher instructions flagged ${gpteacherAdvice}/${gpteacherHeldOut.length} = ${format(gpteacherAdvice / Math.max(1, gpteacherHeldOut.length))}; hand-written hard negatives flagged ${sensitiveAdvice}/${allSensitive.length} (several are genuine health or legal questions)`);

// ---------------------------------------------------------------------------------------------------
// Latency on one core: documents of ~1,000 characters built from held-out texts
const documents: string[] = [];
let current = '';
for (const example of heldOut) {
  current += `${example.text} `;
  if (current.length >= 1000) {
    documents.push(current.slice(0, 1000));
    current = '';
  }
  if (documents.length >= 2000) break;
}
// Two cores are shared with other work, so one pass's p99 mostly measures the scheduler. Each document
// is timed in five passes and keeps its fastest time; p50/p99 are over documents. The plain single-pass
// p99 is printed too.
const measure = (label: string, work: (text: string) => void): void => {
  for (let round = 0; round < 3; round += 1) for (const document of documents.slice(0, 300)) work(document);
  const passes = 5;
  const best = new Array<number>(documents.length).fill(Number.POSITIVE_INFINITY);
  const firstPass: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    documents.forEach((document, index) => {
      const start = process.hrtime.bigint();
      work(document);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      best[index] = Math.min(best[index] as number, elapsedMs);
      if (pass === 0) firstPass.push(elapsedMs);
    });
  }
  const at = (values: number[], quantile: number): number => {
    const sorted = [...values].sort((left, right) => left - right);
    return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] as number;
  };
  console.log(`  ${pad(label, 40)} p50 ${at(best, 0.5).toFixed(3)} ms   p99 ${at(best, 0.99).toFixed(3)} ms   (single pass: p50 ${at(firstPass, 0.5).toFixed(3)}, p99 ${at(firstPass, 0.99).toFixed(3)})`);
};
console.log(`\nlatency per 1,000 characters (${documents.length} documents of 1,000 characters, single thread, after warm-up; best of 5 passes per document)`);
measure('normalise + classifier (9 heads)', (text) => classifier.score(text));
measure('normalise only', (text) => normalizeModerationText(text));
measure('personal-data detectors', (text) => detectPersonalData(text));
measure('full ContentModerator.moderate', (text) => moderator.moderate({ text, direction: 'input' }));

function moderationCategoryMethod(category: ModerationCategory): string {
  const hasHead = classifier.categories.includes(category);
  const hasRules = ['sexual_minors', 'self_harm', 'political_campaigning', 'spam', 'ip_infringement', 'impersonation', 'critical_infrastructure', 'prompt_injection_jailbreak'].includes(category);
  if (category === 'privacy_personal_data') return 'classifier + personal-data detectors';
  if (category === 'regulated_advice') return 'topic detector';
  if (hasHead && hasRules) return 'classifier + rules';
  return hasHead ? 'classifier' : 'rules';
}
