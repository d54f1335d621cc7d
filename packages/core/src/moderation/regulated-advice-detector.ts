import type { ModerationDirection } from './moderation-policy.js';
import { normalizeModerationText } from './normalize-moderation-text.js';

/** Regulated advice topics of AUP-10. */
export type RegulatedAdviceTopic = 'medical' | 'legal' | 'financial';

/** Topic scores and the notice to attach. */
export interface RegulatedAdviceResult {
  /** Topics at or above the threshold, strongest first. */
  topics: RegulatedAdviceTopic[];
  /** Score per topic (0..1). */
  scores: Record<RegulatedAdviceTopic, number>;
  /** Highest topic score; the `regulated_advice` category score. */
  score: number;
  /** Notice for the strongest topic, or null when no topic reached the threshold. */
  notice: string | null;
}

/** The notices shown with answers on regulated topics (AUP-10): information, not professional advice. */
export const regulatedAdviceNotices: Readonly<Record<RegulatedAdviceTopic, string>> = {
  medical: 'This answer is general information, not medical advice. For a diagnosis or treatment, consult a qualified health professional; in an emergency, call your local emergency number.',
  legal: 'This answer is general information, not legal advice. Laws differ between places and situations; consult a qualified lawyer about your case.',
  financial: 'This answer is general information, not financial advice. Consider your own circumstances and consult a licensed financial adviser before acting.',
};

// Topic vocabularies. Each distinct term found adds to the topic score; a term alone is rarely enough,
// so "compound interest in Python" or "the history of the Supreme Court" stay below the threshold.
const topicTerms: Readonly<Record<RegulatedAdviceTopic, RegExp>> = {
  medical: /\b(symptoms?|diagnos\w*|dosage|doses?|mg|milligrams?|prescri\w*|medications?|medicines?|drug interactions?|side effects?|treatments?|therap(?:y|ies|ist)|diseases?|infections?|infected|fever|rash|pain|aches?|headaches?|pregnan\w*|blood pressure|cholesterol|diabet\w*|cancer|tumou?rs?|depression|depressed|anxiety|antibiotics?|antidepressants?|vaccin\w*|surgery|doctor|physician|gp|clinic|allerg\w*|asthma|migraines?|ibuprofen|paracetamol|acetaminophen|aspirin|insulin|chemotherapy|heart attack|injur(?:y|ies|ed)|wound|stds?|contracepti\w*|covid|flu|cough\w*|dizz\w*|nause\w*|lump|anemi\w*|measles|dementia|schizophreni\w*|adhd|bipolar|psychiatr\w*|supplements?|vitamins?|blood test|x-ray|mri|pills?|tablets?|overdose|chest pain|panic attacks?|dissociative|delirium|disorder)\b/g,
  legal: /\b(lawyer|attorney|solicitor|sue|suing|lawsuit|legal(?:ly)?|court|judge|custody|divorce|alimony|child support|contract|lease|landlord|tenant|evict\w*|(?:my|a|last) will|testament|inheritance|disinherit\w*|probate|copyright|trademark|patent|liabilit\w*|negligence|defam\w*|libel|slander|arrested|charged with|plead|plea|bail|parole|probation|dui|dwi|conviction|criminal record|visa|immigration|green card|citizenship|asylum|deport\w*|wrongful termination|discriminat\w*|gdpr|statute|small claims|settlement|prenup\w*|power of attorney|notar\w*|fine|ticket|police)\b/g,
  financial: /\b(invest\w*|stocks?|shares|portfolio|etfs?|index funds?|mutual funds?|bonds|crypto\w*|bitcoin|ethereum|retire\w*|401k|ira|roth|pension|savings|mortgages?|refinanc\w*|loans?|debts?|credit score|interest rates?|tax|taxes|taxed|taxation|irs|deduct\w*|budget\w*|insurance|annuit\w*|dividends?|capital gains|net worth|financial advis\w*|bankrupt\w*|forex|day trading|options trading|real estate|brokerage|emergency fund|compound interest|salary|inflation)\b/g,
};

// Asking for or giving advice about one's own situation: what turns a topic into regulated advice.
const adviceCue =
  /\b(should i|should we|can i|could i|is it (?:safe|legal|okay|ok|wise|smart|a good idea|worth|normal)|what should|do i need|do i have|am i|will i|how (?:much|many) should|how do i (?:treat|cure|get rid|invest|sue|file|claim|appeal|fight|avoid|get out of)|recommend\w*|advice|advise|best way to (?:invest|treat|pay off|save)|my (?:doctor|lawyer|landlord|boss|employer|portfolio|symptoms?|child|son|daughter|wife|husband|baby|mother|father|savings|debt|taxes)|diagnose me|prescribe me|is this (?:normal|serious|legal)|could (?:it|this) be|i(?:'ve| have) been (?:feeling|experiencing|diagnosed)|i (?:was|got) (?:caught|arrested|fired|sued|diagnosed))\b/;
const questionCue = /^(?:what|how|is|are|can|could|should|do|does|why|when|which)\b|\?/;
const answerCue = /\b(you should|i (?:would )?recommend|consider (?:taking|investing|filing|consulting)|consult (?:a|your) (?:doctor|lawyer|attorney|physician|financial adviser|financial advisor|professional|pharmacist)|it(?:'s| is) important to|take \d+ ?mg|the recommended (?:dose|dosage)|you (?:can|could) (?:sue|file|claim|deduct|invest))\b/;

/**
 * Scores medical, legal and financial topics (AUP-10). This is a topic detector, not a harm detector: the
 * result drives a notice on the answer, never a block. Score per topic = 0.2 per distinct topic term
 * (at most four) plus 0.3 for an advice cue — a question about one's own situation in inputs, advice
 * phrasing in outputs — or 0.15 for any other question.
 */
export function detectRegulatedAdvice(
  text: string,
  options: { direction?: ModerationDirection; threshold?: number; normalized?: string } = {},
): RegulatedAdviceResult {
  const normalized = options.normalized ?? normalizeModerationText(text);
  const threshold = options.threshold ?? 0.5;
  const hasCue = (options.direction === 'output' ? answerCue : adviceCue).test(normalized) || adviceCue.test(normalized);
  // A plain question on a topic ("what are the side effects of ibuprofen?") earns half the cue.
  const cueScore = hasCue ? 0.3 : questionCue.test(normalized) ? 0.15 : 0;
  const scores = { medical: 0, legal: 0, financial: 0 } as Record<RegulatedAdviceTopic, number>;
  for (const topic of Object.keys(topicTerms) as RegulatedAdviceTopic[]) {
    const distinct = new Set<string>();
    for (const match of normalized.matchAll(topicTerms[topic])) {
      distinct.add(match[0]);
      if (distinct.size >= 4) break;
    }
    if (distinct.size > 0) scores[topic] = Math.min(1, 0.2 * distinct.size + cueScore);
  }
  const topics = (Object.keys(scores) as RegulatedAdviceTopic[])
    .filter((topic) => scores[topic] >= threshold)
    .sort((left, right) => scores[right] - scores[left]);
  const score = Math.max(scores.medical, scores.legal, scores.financial);
  const strongest = topics[0];
  return { topics, scores, score, notice: strongest === undefined ? null : regulatedAdviceNotices[strongest] };
}
