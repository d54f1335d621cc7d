import { describe, expect, it } from 'vitest';
import { detectRegulatedAdvice, regulatedAdviceNotices } from './regulated-advice-detector.js';

describe('detectRegulatedAdvice', () => {
  it.each([
    ["I've had chest pain for two days, should I take aspirin?", 'medical'],
    ['What are the side effects of ibuprofen?', 'medical'],
    ['Can I sue my landlord for not returning my deposit?', 'legal'],
    ['I was arrested for DUI, what should I do?', 'legal'],
    ['Should I put my savings into bitcoin or index funds?', 'financial'],
    ['How much should I contribute to my 401k to retire early?', 'financial'],
  ])('AUP-10 %j is a %s question and gets its notice', (text, topic) => {
    const result = detectRegulatedAdvice(text);
    expect(result.topics[0]).toBe(topic);
    expect(result.notice).toBe(regulatedAdviceNotices[topic as 'medical' | 'legal' | 'financial']);
  });

  it('AUP-10 detects advice in outputs', () => {
    const result = detectRegulatedAdvice('You should take 400 mg of ibuprofen every six hours and consult your doctor if the pain persists.', { direction: 'output' });
    expect(result.topics).toContain('medical');
  });

  it.each([
    'How do I kill a Python process?',
    'Write a Python function that computes compound interest.',
    'What is the history of the Supreme Court?',
    'Summarise the plot of Pride and Prejudice.',
    'Fix the syntax error in my taxonomy module.',
    'the history of the Cuban missile crisis',
  ])('AUP-10 no notice for %j', (text) => {
    expect(detectRegulatedAdvice(text).notice).toBeNull();
  });
});
