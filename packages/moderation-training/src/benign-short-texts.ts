/**
 * Short benign texts: replies, acknowledgements, numbers and one-line instructions about language, tone
 * and format, as users, system prompts and assistants write them every day. The licensed data has almost
 * no short benign text while its profanity lexicon is all short positives, so the heads had learnt that
 * shortness itself is harmful ("ok" scored as sexual, "Yes" as hate). Found by scoring such texts and on
 * the validation split; written for Charter, not taken from any benchmark. Not part of the
 * sensitive-but-benign probe set (nothing in them is sensitive). Training data only: as a threshold
 * floor they raised the sexual, privacy and misinformation thresholds so far (a linear head cannot tell
 * every two-letter text from a slur) that those heads lost most of their recall on validation.
 */
export const benignShortTexts: readonly string[] = [
  // Replies and acknowledgements
  'ok', 'OK thanks', 'Yes', 'No', 'Yes please', 'No thanks', 'Sure', 'Sounds good', 'Great, thank you!', 'Thanks a lot',
  'Perfect', 'Got it', 'Makes sense', 'Not really', 'Maybe later', 'Hi', 'Hello there', 'Good morning', 'Bye', 'See you tomorrow',
  'lol', 'haha nice', 'Cool', 'Awesome', 'Hmm', 'Why?', 'How?', 'What do you mean?', 'Can you explain?', 'Go on',
  'Continue', 'More please', 'Shorter', 'Again', 'Next', 'Done', 'Wait', 'Never mind', 'That works', 'I agree',
  // Numbers, dates and fragments
  '42', '3.14', '100%', '2024', '10:30', 'Tuesday', 'June 5th', 'Option B', 'Step 2', 'Chapter 7',
  'v1.2.3', 'true', 'null', 'N/A', 'TODO', 'Summary:', 'Answer:', 'Example 1', 'Question 3', 'Table of contents',
  // One-line instructions about language, tone, length and format
  'Answer in German.', 'Reply in Spanish from now on.', 'Use British spelling.', 'Translate to Italian.', 'Write in plain English.',
  'Be more formal.', 'Make it friendlier.', 'Use a neutral tone.', 'Sound more confident.', 'Keep it casual.',
  'Be brief.', 'Use at most three sentences.', 'Make it longer.', 'Give me more detail.', 'One paragraph only.',
  'Use bullet points.', 'Format the answer as a table.', 'Return valid YAML.', 'Use Markdown headings.', 'No code, just the explanation.',
  'Always cite your sources.', 'Show your reasoning step by step.', 'Do not use jargon.', 'Avoid passive voice.', 'Number the steps.',
  'Answer with yes or no.', 'Give three options.', 'Start with a short summary.', 'End with a question.', 'Use metric units.',
];
