import type { ModerationRule } from './moderation-rule.js';

const rule = (source: string): RegExp => new RegExp(source, 'u');
const sentence = (characters: number): string => `[^.?!\\n]{0,${characters}}`;

// Filler words allowed between "ignore" and "instructions". "my" is left out on purpose: a user saying
// "ignore my previous instructions" corrects themselves, which is not an attack on the system prompt.
const filler = '(?: (?:all|any|each|every|of|the|your|these|those|previous|prior|above|earlier|preceding|original|initial|system|existing|current|old|given|developer|safety|other|foregoing|aforementioned|that|this|and))*';
const jailbreakPersona = '\\b(?:unfiltered|uncensored|amoral|unrestricted|unethical|unbound|unchained|evil|immoral|lawless)\\b';

/**
 * Prompt-injection and jailbreak rules (AUP-4), matched on normalised text. Rules that look for
 * instructions hidden in content score higher when the text is a tool result or a document
 * (`untrustedSourceScore`), because a user is allowed to instruct the assistant and a web page is not.
 */
export const promptInjectionRules: readonly ModerationRule[] = [
  {
    id: 'prompt_injection.ignore_instructions',
    triggers: ['ignore', 'disregard', 'forget', 'override', 'bypass', 'skip', 'abandon', 'discard', 'aside', 'throw'],
    category: 'prompt_injection_jailbreak',
    score: 0.85,
    untrustedSourceScore: 0.95,
    pattern: rule(`\\b(?:ignore|disregard|forget|override|bypass|skip|abandon|discard|set aside|throw out)\\b${filler} (?:instructions?|prompts?|rules|directions|directives|guidelines|guardrails|constraints|programming|commands?|policies|restrictions|filters|safeguards)\\b`),
  },
  {
    id: 'prompt_injection.system_prompt_extraction',
    triggers: ['prompt', 'instructions', 'message', 'preprompt', 'pre', 'told', 'above', 'everything', 'text'],
    category: 'prompt_injection_jailbreak',
    score: 0.85,
    untrustedSourceScore: 0.95,
    pattern: rule(`\\b(?:reveal|show|print|repeat|output|display|tell me|give me|share|leak|dump|list|write out|spell out|what (?:is|are|was|were))\\b${sentence(30)}\\b(?:your|the)(?: \\w+)? (?:system prompt|system message|initial (?:prompt|instructions)|original (?:prompt|instructions)|hidden (?:prompt|instructions)|secret (?:prompt|instructions)|pre-?prompt|instructions you (?:were|have been) given|instructions above|developer (?:message|instructions)|configuration prompt|first (?:prompt|instructions))\\b|\\b(?:repeat|print|output|copy|reproduce)\\b(?: \\w+){0,3} (?:everything|all|the (?:text|words|content|instructions)) (?:above|before this|from the (?:start|beginning))|\\bwhat were you told before\\b|\\boutput the text above\\b`),
  },
  {
    id: 'jailbreak.do_anything_now',
    triggers: ['anything', 'developer', 'dan', 'antidan', 'anti', 'jailbreak', 'jailbreaked'],
    category: 'prompt_injection_jailbreak',
    score: 0.9,
    pattern: rule('\\bdo anything now\\b|\\bdeveloper mode\\b(?: \\w+){0,4} (?:enabled|output|on|activated|response)\\b|\\benable developer mode\\b|\\banti-?dan\\b|\\bjailbreak(?:ed)? (?:mode|response|version)\\b'),
  },
  {
    // The unlock emoji label of developer-mode prompts ("[🔓JAILBREAK]"); no trigger word, the literal is cheap.
    id: 'jailbreak.unlock_marker',
    category: 'prompt_injection_jailbreak',
    score: 0.85,
    pattern: /\[🔓|🔓 ?jailbreak/u,
  },
  {
    id: 'jailbreak.persona_without_limits',
    triggers: ['unfiltered', 'uncensored', 'amoral', 'unrestricted', 'unethical', 'unbound', 'unchained', 'evil', 'immoral', 'lawless', 'without', 'no'],
    category: 'prompt_injection_jailbreak',
    score: 0.85,
    pattern: rule(`\\b(?:you are|you're|act as|acting as|pretend to be|pretend you are|you will be|become|simulate|roleplay as|role-play as|play the role of)\\b${sentence(60)}(?:${jailbreakPersona}|\\bwithout (?:any )?(?:filters|restrictions|limits|limitations|rules|ethics|morals|morality|guidelines|censorship)\\b|\\b(?:has|have|with) no (?:filters|restrictions|limits|limitations|rules|ethics|morals|guidelines|censorship|boundaries)\\b)`),
    safeContext: rule('\\b(?:villain in (?:my|a|the) (?:story|novel|game)|character in (?:my|a|the) (?:story|novel)|dungeon master)\\b'),
    unsafeContext: rule('\\b(?:openai|content polic|never refuse|ignore|any request|illegal|no matter how)\\w*'),
  },
  {
    id: 'jailbreak.policy_release',
    triggers: ['policy', 'policies', 'guidelines', 'restrictions', 'filters', 'rules', 'constraints', 'principles', 'confines', 'limitations'],
    category: 'prompt_injection_jailbreak',
    score: 0.85,
    pattern: rule(`\\b(?:no|not bound by|not restricted by|free (?:from|of)|freed from|break free (?:of|from)|without|ignore|ignoring|don't (?:have to )?follow|do not (?:have to )?follow|abandon|no longer (?:bound|restricted) by)\\b${sentence(25)}\\b(?:openai|content|usage|ethical|safety|moral|anthropic|google|meta)\\b (?:polic(?:y|ies)|guidelines|restrictions|filters|rules|constraints|principles)\\b|\\b(?:freed|liberated|released) from (?:the )?(?:typical )?(?:confines|restrictions|rules|limitations)\\b`),
  },
  {
    id: 'jailbreak.never_refuse',
    triggers: ['refuse', 'decline', 'reject', 'deny', 'matter', 'say'],
    category: 'prompt_injection_jailbreak',
    score: 0.75,
    pattern: rule("\\b(?:you (?:will|must|shall|can|should) never|never ever|you (?:can(?:not|'t)|must not|won't) ever)\\b(?: \\w+){0,2} (?:refuse|decline|say no|reject|deny)\\b|\\b(?:never|don't|do not) (?:refuse|decline) (?:a|any|my) (?:request|question|order|prompt)s?\\b|\\bno matter how (?:immoral|unethical|illegal|harmful|dangerous|offensive)\\b"),
  },
  {
    id: 'jailbreak.dual_response',
    triggers: ['jailbroken', 'jailbreak', 'unfiltered', 'developer', 'dan', 'uncensored', 'evil', 'opposite'],
    category: 'prompt_injection_jailbreak',
    score: 0.85,
    pattern: rule(`\\b(?:two|2|both) (?:different )?(?:responses|answers|paragraphs|ways)\\b${sentence(80)}\\b(?:normal|classic|filtered|standard|gpt|chatgpt)\\b${sentence(80)}\\b(?:jailbr\\w+|unfiltered|developer mode|dan|uncensored|evil|opposite)\\b`),
  },
  {
    id: 'jailbreak.grandma',
    triggers: ['grandma', 'grandmother', 'grandpa', 'grandfather'],
    category: 'prompt_injection_jailbreak',
    score: 0.7,
    pattern: rule("\\b(?:pretend|act|roleplay|role-play)\\b(?: \\w+){0,4} (?:my|a) (?:dead|deceased|late) grand(?:ma|mother|pa|father)\\b"),
  },
  {
    id: 'prompt_injection.chat_template_tokens',
    triggers: ['im', 'inst', 'sys', 'system', 'endoftext', 'start'],
    category: 'prompt_injection_jailbreak',
    score: 0.75,
    untrustedSourceScore: 0.9,
    pattern: rule('<\\|im_start\\|>|<\\|im_end\\|>|<\\|system\\|>|<\\|start_header_id\\|>|\\[/?inst\\]|<<sys>>|<\\|endoftext\\|>'),
    safeContext: rule('\\b(?:chat template|tokenizer|fine-?tun\\w*|format(?:ting)? (?:of|for) (?:llama|mistral|chatml)|jinja|dataset)\\b'),
  },
  {
    id: 'prompt_injection.embedded_instructions',
    triggers: ['instructions', 'instruction', 'prompt', 'message', 'directive', 'directives', 'task', 'system', 'assistant', 'admin'],
    category: 'prompt_injection_jailbreak',
    // Harmless from a user ("new instructions: make it shorter"), suspicious inside a web page or file.
    score: 0.35,
    untrustedSourceScore: 0.8,
    pattern: rule('\\b(?:new|updated|additional|important|urgent|secret|hidden|real) (?:instructions?|system (?:prompt|message|instructions)|directives?|task)\\s*:|(?:^|\\s)(?:system|assistant)\\s*:\\s|###\\s*(?:instruction|system)\\b|\\[(?:system|admin)(?: message)?\\]'),
  },
  {
    id: 'prompt_injection.addresses_the_model',
    triggers: ['ai', 'assistant', 'model', 'llm', 'chatbot', 'bot', 'gpt', 'assistants', 'bots'],
    category: 'prompt_injection_jailbreak',
    score: 0.5,
    untrustedSourceScore: 0.85,
    pattern: rule(`\\bif you are (?:an? )?(?:ai|assistant|language model|llm|chatbot|large language model|gpt)\\b|\\b(?:ai|assistant|chatbot|language model|llm|bot)s?\\b${sentence(20)}\\b(?:reading|processing|summari[sz]ing|that (?:reads|processes)|who (?:reads|processes))\\b${sentence(10)}\\b(?:this|the) (?:document|page|email|text|message|file|website|content)\\b|\\b(?:note|attention|message) (?:to|for) (?:the )?(?:ai|assistant|llm|language model|chatbot)\\b`),
  },
  {
    id: 'prompt_injection.exfiltration',
    triggers: ['send', 'forward', 'post', 'upload', 'exfiltrate', 'email', 'e', 'mail', 'transmit', 'leak', 'copy', 'http', 'https'],
    category: 'prompt_injection_jailbreak',
    score: 0.8,
    untrustedSourceScore: 0.95,
    pattern: rule(`\\b(?:send|forward|post|upload|exfiltrate|e-?mail|transmit|leak|copy)\\b${sentence(40)}\\b(?:conversation|chat history|api keys?|credentials|passwords?|secrets?|tokens?|personal data|user'?s? (?:data|emails?|files)|system prompt|session|cookies)\\b${sentence(40)}\\b(?:to|at)\\b${sentence(10)}(?:https?://|www\\.|[\\w.-]+@[\\w-]+\\.\\w+|\\b[\\w-]+\\.(?:com|net|org|io|xyz|ru|cn|top|site)\\b)|!\\[[^\\]]*\\]\\(https?://[^)\\s]*\\?[^)\\s]*=`),
  },
  {
    id: 'prompt_injection.hide_from_user',
    triggers: ['user'],
    category: 'prompt_injection_jailbreak',
    score: 0.6,
    untrustedSourceScore: 0.9,
    pattern: rule("\\b(?:do not|don't|never) (?:tell|inform|mention (?:this )?to|alert|show|reveal (?:this )?to|let) (?:the )?user\\b|\\bwithout (?:telling|informing|alerting|notifying) the user\\b"),
  },
];
