/**
 * The acceptable-use taxonomy of AUP-1. The order is stable: it is the order of heads in a trained
 * classifier artefact and of categories in reports, so append new categories at the end.
 */
export const moderationCategories = [
  'violence_extremism',
  'hate_harassment',
  'sexual',
  'sexual_minors',
  'self_harm',
  'illegal_fraud',
  'malware_security',
  'privacy_personal_data',
  'misinformation',
  'political_campaigning',
  'regulated_advice',
  'spam',
  'ip_infringement',
  'impersonation',
  'prompt_injection_jailbreak',
  'critical_infrastructure',
] as const;

/** One category of the acceptable-use policy (AUP-1). */
export type ModerationCategory = (typeof moderationCategories)[number];

/** How a category is detected: a trained classifier head, rules, pattern detectors, or a mix. */
export type ModerationDetectionMethod = 'classifier' | 'rules' | 'classifier_and_rules' | 'detectors';

/** Static facts about one category. */
export interface ModerationCategoryDefinition {
  category: ModerationCategory;
  /** One sentence for operators and for the notice shown to users. */
  description: string;
  /**
   * OpenAI moderation category names this category reports under in `POST /v1/moderations` (AUP-3), most
   * specific first; empty when OpenAI has no equivalent.
   */
  openAiCategories: readonly string[];
  /** Score (0..1) at or above which the category is considered hit when the policy sets no threshold. */
  defaultThreshold: number;
  detectionMethod: ModerationDetectionMethod;
  /** True when hits come with text spans, so that the `redact` action can act on them. */
  isRedactable: boolean;
}

/**
 * The taxonomy as data. Classifier scores are calibrated at training time so that 0.5 is the tuned
 * decision point of each head, which is why most defaults are 0.5; sexual_minors is stricter on purpose.
 */
export const moderationCategoryDefinitions: Readonly<Record<ModerationCategory, ModerationCategoryDefinition>> = {
  violence_extremism: {
    category: 'violence_extremism',
    description: 'Threats, incitement or instructions for violence, weapons or terrorism, and praise of extremist violence.',
    openAiCategories: ['violence', 'violence/graphic', 'illicit/violent'],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier',
    isRedactable: false,
  },
  hate_harassment: {
    category: 'hate_harassment',
    description: 'Hateful content about protected groups, slurs, insults, bullying and harassment of people.',
    openAiCategories: ['hate', 'hate/threatening', 'harassment', 'harassment/threatening'],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier',
    isRedactable: false,
  },
  sexual: {
    category: 'sexual',
    description: 'Sexually explicit content and requests for it.',
    openAiCategories: ['sexual'],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier',
    isRedactable: false,
  },
  sexual_minors: {
    category: 'sexual_minors',
    description: 'Any sexual content involving minors. Never allowed.',
    openAiCategories: ['sexual/minors'],
    defaultThreshold: 0.3,
    detectionMethod: 'rules',
    isRedactable: false,
  },
  self_harm: {
    category: 'self_harm',
    description: 'Expressions of intent to harm oneself, and requests for methods of suicide or self-harm.',
    openAiCategories: ['self-harm', 'self-harm/intent', 'self-harm/instructions'],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier_and_rules',
    isRedactable: false,
  },
  illegal_fraud: {
    category: 'illegal_fraud',
    description: 'Help with crimes such as theft, drugs, smuggling, counterfeiting, scams and fraud.',
    openAiCategories: ['illicit'],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier',
    isRedactable: false,
  },
  malware_security: {
    category: 'malware_security',
    description: 'Malware, account takeover, intrusion and other attacks on the security of systems.',
    openAiCategories: ['illicit'],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier',
    isRedactable: false,
  },
  privacy_personal_data: {
    category: 'privacy_personal_data',
    description: 'Personal data of people (emails, phones, ids, cards, addresses) and requests to obtain private information.',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier_and_rules',
    isRedactable: true,
  },
  misinformation: {
    category: 'misinformation',
    description: 'Creating or spreading false or misleading claims, fake news and disinformation campaigns.',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier',
    isRedactable: false,
  },
  political_campaigning: {
    category: 'political_campaigning',
    description: 'Generating campaign material, targeted political persuasion or lobbying at scale.',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'rules',
    isRedactable: false,
  },
  regulated_advice: {
    category: 'regulated_advice',
    description: 'Medical, legal or financial questions or advice; answers carry a notice that they are not professional advice (AUP-10).',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'rules',
    isRedactable: false,
  },
  spam: {
    category: 'spam',
    description: 'Bulk unsolicited messages, fake reviews or engagement, and spam-like output.',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'rules',
    isRedactable: false,
  },
  ip_infringement: {
    category: 'ip_infringement',
    description: 'Requests to reproduce copyrighted works in full, pirated or cracked software, keygens and DRM removal.',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'rules',
    isRedactable: false,
  },
  impersonation: {
    category: 'impersonation',
    description: 'Posing as a real person, company or authority to deceive others.',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'rules',
    isRedactable: false,
  },
  prompt_injection_jailbreak: {
    category: 'prompt_injection_jailbreak',
    description: 'Attempts to override instructions, extract the system prompt or remove safety behaviour (AUP-4).',
    openAiCategories: [],
    defaultThreshold: 0.5,
    detectionMethod: 'classifier_and_rules',
    isRedactable: false,
  },
  critical_infrastructure: {
    category: 'critical_infrastructure',
    description: 'Attacks on power grids, water systems, industrial control (SCADA/ICS), transport and emergency services.',
    openAiCategories: ['illicit/violent'],
    defaultThreshold: 0.5,
    detectionMethod: 'rules',
    isRedactable: false,
  },
};

/** True when `value` names a category of the taxonomy. */
export function isModerationCategory(value: unknown): value is ModerationCategory {
  return typeof value === 'string' && (moderationCategories as readonly string[]).includes(value);
}
