import type { ModerationCategory } from '@charter/core';
import { stableHash } from './split-examples.js';
import { requestTemplates } from './synthetic-harmful-requests.js';

/** One generated request with its category, or `benign`. */
export interface GeneratedRequest {
  text: string;
  category: ModerationCategory | 'benign';
}

type Part = readonly string[];

/**
 * Compositions of an action, a target and a modifier, for request-style prompts. A hand-written list of
 * tasks teaches a linear model those tasks; compositions teach it the parts ("strangle" + a person is
 * harmful whoever the person is, "kill" + a process is not). Components recur across compositions, so
 * these examples are train-only: a hash split would leak components into the held-out part and flatter
 * the benchmark. The held-out measure of request-style recall is the hand-written task list instead.
 */
const harmfulCompositions: ReadonlyArray<{ category: ModerationCategory; parts: readonly Part[] }> = [
  {
    category: 'violence_extremism',
    parts: [
      ['kill', 'murder', 'stab', 'shoot', 'poison', 'strangle', 'beat up', 'torture', 'kidnap', 'assault', 'seriously hurt', 'maim', 'run over', 'drown', 'suffocate', 'burn'],
      ['my neighbour', 'my wife', 'my husband', 'my boss', 'a police officer', 'a child', 'my classmate', 'a stranger', 'my ex', 'a homeless man', 'protesters', 'my teacher', 'my roommate', 'my stepfather', 'a journalist', 'immigrants'],
      ['', 'without getting caught', 'and hide the body', 'without leaving evidence', 'so it looks like an accident', 'with a knife', 'with household chemicals', 'tonight'],
    ],
  },
  {
    category: 'violence_extremism',
    parts: [
      ['make', 'build', 'assemble', 'get'],
      ['a pipe bomb', 'a bomb', 'an explosive device', 'a nail bomb', 'napalm', 'a molotov cocktail', 'a ghost gun', 'an untraceable gun', 'a silencer', 'a grenade', 'nerve gas', 'ricin', 'anthrax spores', 'a car bomb', 'a suicide vest'],
      ['', 'at home', 'to hurt people', 'to use at my school', 'from household items', 'to attack a crowd'],
    ],
  },
  {
    category: 'self_harm',
    parts: [
      ['kill myself', 'end my life', 'commit suicide', 'hurt myself', 'cut myself', 'overdose', 'starve myself', 'hang myself', 'poison myself', 'jump off a bridge'],
      ['', 'tonight', 'without pain', 'quickly', 'without my family finding out', 'with pills', 'painlessly', 'for sure this time'],
    ],
  },
  {
    category: 'illegal_fraud',
    parts: [
      ['steal', 'shoplift', 'smuggle', 'sell', 'buy', 'launder', 'counterfeit', 'forge'],
      ['a car', 'money from my employer', 'from a store', 'credit card numbers', 'a wallet', 'packages from porches', 'cocaine', 'heroin', 'meth', 'fake IDs', 'stolen phones', 'drug money', 'a passport', 'a prescription', 'banknotes', 'weapons across the border'],
      ['', 'without getting caught', 'online', 'and not get caught by the police', 'through the dark web'],
    ],
  },
  {
    category: 'malware_security',
    parts: [
      ['hack into', 'break into', 'get into', 'gain access to', 'take over', 'brute force', 'steal the password of'],
      ["my ex's email", "someone's instagram", "my neighbour's wifi", 'a government database', "my school's server", 'a company network', "someone's phone", "my boss's computer", "a stranger's bank account", "my girlfriend's snapchat"],
      ['', 'without them knowing', 'remotely', 'and read the messages', 'with a script'],
    ],
  },
  {
    category: 'malware_security',
    parts: [
      ['write', 'create', 'code', 'build'],
      ['ransomware', 'a keylogger', 'a trojan', 'a computer virus', 'a botnet', 'spyware', 'a phishing page', 'a password stealer', 'a worm', 'a rootkit', 'a ddos tool', 'a credit card skimmer'],
      ['', 'that evades antivirus', 'to steal passwords', 'to infect my classmates', 'in python', 'to spread through email'],
    ],
  },
  {
    category: 'privacy_personal_data',
    parts: [
      ['find', 'get', 'look up', 'track down', 'obtain', 'dig up'],
      ['the home address of', 'the phone number of', 'the social security number of', 'the medical records of', 'the location of', 'the bank details of', 'the private photos of', 'the passwords of'],
      ['my ex', 'a stranger', 'my coworker', 'this streamer', 'my neighbour', 'a celebrity', 'the girl from the gym', 'an anonymous reviewer'],
    ],
  },
  {
    category: 'sexual',
    parts: [
      ['write', 'describe', 'tell me', 'generate'],
      ['an explicit sex scene', 'a graphic porn story', 'erotica with graphic detail', 'a hardcore sex story', 'a dirty sexting message', 'explicit sexual fantasies', 'a sexual roleplay'],
      ['', 'about two adults', 'involving my coworker', 'with lots of detail', 'that is very explicit'],
    ],
  },
  {
    category: 'hate_harassment',
    parts: [
      ['write a joke saying', 'write a post saying', 'write a speech saying', 'explain why', 'make a meme saying', 'give me arguments that'],
      ['black people', 'jews', 'muslims', 'mexicans', 'women', 'gay people', 'trans people', 'immigrants', 'disabled people', 'asians', 'gypsies', 'arabs'],
      ['are inferior', 'are animals', 'should be deported', 'are stupid', 'do not deserve rights', 'are disgusting', 'are criminals', 'should be wiped out'],
    ],
  },
  {
    category: 'hate_harassment',
    parts: [
      ['write a message to', 'help me', 'tell me how to'],
      ['bully', 'humiliate', 'harass', 'threaten', 'mock', 'intimidate', 'shame', 'stalk'],
      ['my classmate', 'my coworker', 'a girl at school', 'my ex', 'a streamer', 'my neighbour'],
      ['until she cries', 'online', 'so everyone laughs', 'anonymously', ''],
    ],
  },
  {
    category: 'misinformation',
    parts: [
      ['write', 'create', 'spread', 'make'],
      ['a fake news article', 'viral posts', 'a fake study', 'a hoax', 'fake statistics', 'a fake press release'],
      ['claiming vaccines cause autism', 'saying the election was rigged', 'proving climate change is a hoax', 'that 5g causes covid', 'denying the holocaust happened', 'about a terrorist attack that never happened', 'that a drug company is poisoning children'],
    ],
  },
];

const benignCompositions: readonly (readonly Part[])[] = [
  [
    ['write a message to', 'help me', 'tell me how to'],
    ['congratulate', 'cheer up', 'thank', 'invite', 'compliment', 'welcome', 'reconcile with'],
    ['my classmate', 'my coworker', 'a girl at school', 'my ex', 'a streamer', 'my neighbour'],
  ],
  [
    ['protect', 'encrypt', 'delete', 'back up', 'secure', 'organise', 'print'],
    ['my photos', 'my messages', 'my personal data', 'my passwords', 'my medical records', 'my family photos'],
    ['', 'online', 'on my phone', 'from google'],
  ],
  [
    ['cut', 'trim', 'dye', 'style', 'shave'],
    ['my own hair', "my son's hair", 'my fringe', 'the hedge', 'a mango', 'bathroom tiles', 'my beard'],
    ['', 'at home', 'neatly'],
  ],
  [
    ['treat', 'clean', 'bandage', 'give first aid for'],
    ['a deep cut', 'a burn', 'a sprained ankle', 'a nosebleed', 'a bee sting', 'a dog bite'],
    ['', 'at home', 'on a child'],
  ],
  [
    ['surprise', 'thank', 'help', 'support', 'cook dinner for', 'write a poem for', 'apologise to', 'reconnect with', 'plan a party for', 'encourage', 'comfort', 'buy a gift for'],
    ['my neighbour', 'my wife', 'my husband', 'my boss', 'a police officer', 'a child', 'my classmate', 'a stranger', 'my ex', 'a homeless man', 'my teacher', 'my roommate', 'a journalist', 'immigrants'],
    ['', 'this weekend', 'on a budget', 'after a hard week'],
  ],
  [
    ['kill', 'terminate', 'stop', 'end'],
    ['a python process', 'a zombie process', 'the docker container', 'a hung ssh session', 'all node processes', 'a background job', 'the weeds in my garden', 'fruit flies', 'the mould in my bathroom', 'bacteria on my cutting board', 'a frozen app'],
    ['', 'quickly', 'safely', 'for good', 'without losing data'],
  ],
  [
    ['shoot', 'film', 'photograph'],
    ['a photo', 'a wedding video', 'portraits', 'a short film', 'the night sky', 'a product video'],
    ['', 'with my phone', 'in low light', 'like a pro'],
  ],
  [
    ['attack', 'tackle', 'crack', 'hack', 'destroy', 'blow up', 'beat', 'break into', 'execute', 'smuggle'],
    ['this math problem', 'my to-do list', 'a walnut', 'an egg', 'my productivity', 'together a prototype', 'old hard drives', 'a photo for a poster', 'my personal best', 'the tech industry', 'a sql query', 'vegetables into my kids dinner', 'the coding interview', 'a balloon'],
    ['', 'step by step', 'without stress', 'this year'],
  ],
  [
    ['find', 'get', 'look up'],
    ['the opening hours of', 'the phone number of', 'the address of', 'reviews of', 'the history of'],
    ['the louvre', 'my local library', 'the town hall', 'a good dentist', 'the white house', 'the nearest hospital'],
  ],
  [
    ['write', 'describe', 'tell me', 'generate'],
    ['a romantic scene', 'a love letter', 'a story about a first date', 'a wedding speech', 'a bedtime story', 'a poem about heartbreak'],
    ['', 'about two adults', 'for my partner', 'with lots of detail'],
  ],
  [
    ['write a post explaining why', 'explain why', 'give me arguments that', 'write a speech saying'],
    ['black people', 'jews', 'muslims', 'mexicans', 'women', 'gay people', 'trans people', 'immigrants', 'disabled people', 'asians'],
    ['deserve equal rights', 'face discrimination', 'enrich our communities', 'should be treated with respect', 'were persecuted in history'],
  ],
];

/** Generated requests, deterministic, at most `perComposition` per composition (sampled by hash). */
export function generateRequests(perComposition = 160): GeneratedRequest[] {
  const output: GeneratedRequest[] = [];
  const expand = (parts: readonly Part[], category: ModerationCategory | 'benign'): void => {
    let phrases = [''];
    for (const part of parts) phrases = phrases.flatMap((prefix) => part.map((word) => `${prefix} ${word}`.replace(/\s+/g, ' ').trim()));
    const chosen = phrases
      .map((phrase) => ({ phrase, rank: stableHash(`${category}:${phrase}`) }))
      .sort((left, right) => left.rank - right.rank || (left.phrase < right.phrase ? -1 : 1))
      .slice(0, perComposition);
    for (const { phrase, rank } of chosen) {
      const template = requestTemplates[rank % requestTemplates.length] as string;
      output.push({ text: template.replace('{task}', phrase), category });
    }
  };
  for (const composition of harmfulCompositions) expand(composition.parts, composition.category);
  for (const parts of benignCompositions) expand(parts, 'benign');
  return output;
}
