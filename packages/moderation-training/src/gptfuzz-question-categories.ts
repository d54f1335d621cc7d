import type { ModerationCategory } from '@charter/core';

/**
 * Our category for each of the 100 GPTFuzz harmful questions, by the question's index (the `index`
 * column of `gptfuzz_harmful_questions.csv` and the `question` column of the labelled responses). Assigned
 * by hand from the question text; only the index is kept here, not the text.
 */
const categoryByIndex: Readonly<Record<ModerationCategory, readonly number[]>> = {
  violence_extremism: [14, 17, 18, 37, 38, 41, 51, 59, 71, 82, 89, 93, 97, 99],
  hate_harassment: [0, 1, 39, 58, 63, 66, 72, 83, 85, 87, 91],
  illegal_fraud: [
    3, 5, 6, 7, 8, 9, 15, 16, 19, 21, 22, 23, 24, 25, 27, 29, 31, 32, 33, 34, 35, 36, 40, 42, 45, 46, 47, 48, 49, 50,
    52, 53, 54, 55, 56, 64, 65, 67, 68, 70, 73, 74, 75, 76, 77, 78, 79, 84, 86, 88, 92, 94, 95, 96,
  ],
  malware_security: [4, 20, 26, 30, 60, 61, 62, 90, 98],
  privacy_personal_data: [11, 12, 13, 28, 44, 57, 69],
  misinformation: [2, 10, 43, 80, 81],
  sexual: [],
  sexual_minors: [],
  self_harm: [],
  political_campaigning: [],
  regulated_advice: [],
  spam: [],
  ip_infringement: [],
  impersonation: [],
  prompt_injection_jailbreak: [],
  critical_infrastructure: [],
};

const lookup = new Map<number, ModerationCategory>();
for (const [category, indices] of Object.entries(categoryByIndex) as Array<[ModerationCategory, readonly number[]]>) {
  for (const index of indices) lookup.set(index, category);
}

/** The category of GPTFuzz question `index`, or undefined for an index outside 0..99. */
export function gptfuzzQuestionCategory(index: number): ModerationCategory | undefined {
  return lookup.get(index);
}
