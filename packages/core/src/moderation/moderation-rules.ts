import type { ModerationRule } from './moderation-rule.js';

// Rules for categories the licensed data does not cover (see datasets SOURCES.md). They run on normalised
// text: lower case, accents stripped, leetspeak folded. Every pattern needs a harmful *intent or request*,
// not just a sensitive word, and each carries the safe contexts that the hand-written hard negatives showed
// to be necessary. A window like `[^.?!\n]{0,60}` keeps co-occurrence inside one sentence.

const sentence = (characters: number): string => `[^.?!\\n]{0,${characters}}`;
const rule = (source: string): RegExp => new RegExp(source, 'u');

// --- Sexual content involving minors -------------------------------------------------------------------
// Described abstractly: an age term and a sexual term in the same sentence. No example content exists in
// this repository, and tests use constructed, non-explicit phrases only.
const minorTerm =
  '(?:\\bchild(?:ren)?\\b|\\bkids?\\b|\\bminors?\\b|\\bunder-?aged?\\b|\\bpre-?teens?\\b|\\btweens?\\b|\\btoddlers?\\b|\\binfants?\\b|\\blittle (?:girl|boy)s?\\b|\\byoung (?:girl|boy|teen)s?\\b|\\bschool ?(?:girl|boy)s?\\b|\\b(?:[1-9]|1[0-7]) ?-?(?:yo|y/o|yrs? old|years? old|year-old)\\b|\\b(?:aged?|age of) (?:[1-9]|1[0-7])\\b|\\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth) graders?\\b|\\bmiddle school(?:ers?)?\\b|\\belementary school(?:ers?)?\\b|\\bjailbait\\b|\\blolis?\\b|\\blolicon\\b|\\bshota(?:con)?\\b)';
const sexualTerm =
  '(?:\\bsex\\b(?! (?:education|ed\\b|of (?:the|my|a|your|their)|determination|chromosomes?|trafficking))|\\bsexual(?:ly)?\\b|\\bsexy\\b|\\bporn\\w*|\\bnsfw\\b|\\berotic\\w*|\\blewd\\b|\\bintercourse\\b|\\borgasm\\w*|\\bmasturbat\\w*|\\bfetish\\w*|\\bseduc\\w*|\\bhorny\\b|\\baroused\\b|\\bhentai\\b|\\b(?:nude|naked) (?:pics?|pictures?|photos?|images?|videos?|selfies?)\\b)';

// --- Shared vocabularies --------------------------------------------------------------------------------
const requestVerb = '\\b(?:write|draft|create|generate|compose|make|produce|design|give me|come up with|prepare|craft|help me (?:write|draft|create|make))\\b';
const infrastructure =
  '(?:\\bpower (?:grid|plant|station|substation)s?\\b|\\belectric(?:al|ity)? grid\\b|\\bthe grid\\b|\\bsubstations?\\b|\\bwater (?:supply|supplies|treatment|system|utility|utilities|plant|reservoir|main)s?\\b|\\breservoirs?\\b|\\bdams?\\b|\\bscada\\b|\\bics\\b|\\bindustrial control(?: systems?)?\\b|\\bplcs?\\b|\\bprogrammable logic controllers?\\b|\\bnuclear (?:plant|power plant|reactor|facility|facilities|station)s?\\b|\\bpipelines?\\b|\\bgas (?:network|plant|distribution)s?\\b|\\boil refiner(?:y|ies)\\b|\\bair traffic control\\b|\\brailway signal\\w*|\\brail signal\\w*|\\btrain signal\\w*|\\btraffic lights?\\b|\\btraffic control systems?\\b|\\b911\\b|\\bemergency (?:services|dispatch|call cent(?:er|re)s?)\\b|\\bhospital (?:systems?|networks?|equipment|power)\\b|\\btelecom(?:munications)? networks?\\b|\\bcell towers?\\b|\\bgps (?:signals?|systems?|networks?)\\b|\\bsmart meters?\\b|\\bchemical plants?\\b|\\bsewage (?:systems?|treatment)\\b)';
const infrastructureAttack =
  '(?:\\bhack\\w*|\\battack\\w*|\\bdisabl\\w+|\\bsabotag\\w+|\\bshut(?:ting)? down\\b|\\btak(?:e|ing) (?:down|out|over)\\b|\\bbreach\\w*|\\binfiltrat\\w+|\\bpoison\\w*|\\bcontaminat\\w+|\\bcompromis\\w+|\\bcause (?:a |an )?(?:blackout|outage|meltdown|explosion|flood)\\b|\\bblow(?:ing)? up\\b|\\bbomb(?:ing)?\\b|\\bdestroy\\w*|\\bcripple\\b|\\bknock(?:ing)? out\\b|\\bexploit\\w*|\\btamper\\w*|\\bransomware\\b|\\bmalware\\b|\\boverload\\w*|\\btrigger (?:a )?(?:blackout|meltdown|failure)\\b|\\bderail\\w*|\\bspoof\\w*)';
const defensiveContext =
  '\\b(?:protect\\w*|secur(?:e|ing) (?:my|our|the|a)|security (?:of|for|best practices|measures|audit)|defen[cd]\\w*|prevent\\w*|mitigat\\w*|detect\\w*|resilien\\w*|harden\\w*|best practices|how does|how do (?:they|operators|utilities)|history of|what caused|what happened|regulation\\w*|complian\\w*|incident response|recover\\w*|news|case study|stuxnet|in the (?:movie|film|book|novel|game))\\b';
const operationalDetail = '\\b(?:step[- ]by[- ]step|instructions|exploit code|payload|working code|detailed plan|exactly how)\\b';

/** Rules for AUP-1 categories without training data, plus self-harm intent. */
export const moderationRules: readonly ModerationRule[] = [
  {
    id: 'sexual_minors.age_and_sexual_term',
    triggers: ['sex', 'sexual', 'sexually', 'sexy', 'porn*', 'nsfw', 'erotic*', 'lewd', 'intercourse', 'orgasm*', 'masturbat*', 'fetish*', 'seduc*', 'horny', 'aroused', 'hentai', 'nude', 'naked'],
    category: 'sexual_minors',
    score: 0.95,
    pattern: rule(`${minorTerm}${sentence(60)}${sexualTerm}|${sexualTerm}${sentence(60)}${minorTerm}`),
    // Protective and educational questions mention both; requests for content never become safe.
    safeContext: rule('\\b(?:prevent\\w*|protect\\w*|report\\w*|safeguard\\w*|warning signs|signs of|awareness|statistics|laws?|legal age|age of consent|pediatrician|paediatrician|therapist|counsel\\w*|talk to (?:my|our|your) (?:kids?|child(?:ren)?|son|daughter|teen\\w*)|puberty|abuse (?:survivors?|hotline|prevention)|exploitation (?:awareness|hotline|reporting))\\b'),
    unsafeContext: rule('\\b(?:write|story|stories|describe|roleplay|role-play|generate|images?|pictures?|pics|photos?|draw|fantasy|fiction|scene|send me|show me)\\b'),
  },
  {
    id: 'sexual_minors.explicit_term',
    triggers: ['csam', 'cp', 'porn*', 'kiddie', 'pedo', 'pedoporn', 'jailbait', 'loli'],
    category: 'sexual_minors',
    score: 0.95,
    pattern: rule('\\b(?:child porn\\w*|kiddie porn|csam|cp links|pedo ?porn|jailbait (?:pics|photos|videos)|loli (?:hentai|porn|nsfw))\\b'),
    safeContext: rule('\\b(?:report\\w*|detect\\w*|prevent\\w*|hash(?:es|ing)? (?:list|database|matching)|law enforcement|classifier|moderat\\w*)\\b'),
    unsafeContext: rule('\\b(?:send me|where (?:can|do) i (?:find|get|download)|links?|download)\\b'),
  },
  // --- Self-harm: intent and method requests (the classifier head has little data) ---
  {
    id: 'self_harm.intent',
    triggers: ['myself', 'suicide', 'die', 'overdose', 'overdosing', 'overdosed', 'pills', 'meds', 'tablets', 'end', 'ending'],
    category: 'self_harm',
    score: 0.9,
    pattern: rule(`\\b(?:i|i'm|im|i am|i've|ive|i have|i'll|ill)\\b(?: \\w+){0,3} (?:want|wanna|going|gonna|plan(?:ning)?|decided|ready|about|trying|tempted|thinking about|think about|considering|need) (?:to )?(?:kill(?:ing)? myself|end(?:ing)? (?:my life|it all)|commit(?:ting)? suicide|hurt(?:ing)? myself|cut(?:ting)? myself|harm(?:ing)? myself|hang(?:ing)? myself|overdos\\w*|take all (?:my|the|of my) (?:pills|meds|tablets)|die\\b(?! (?:of|from|laughing)))`),
    safeContext: rule('\\b(?:in (?:minecraft|the game|a game|video game|fortnite|roblox|gta|skyrim|the sims)|die (?:of|from) (?:laughter|embarrassment|boredom|cringe|shame)|dying to)\\b'),
  },
  {
    id: 'self_harm.not_wanting_to_live',
    triggers: ['live', 'alive', 'exist', 'dead', 'miss', 'suicide', 'wake', 'care'],
    category: 'self_harm',
    score: 0.9,
    pattern: rule("\\b(?:i (?:don't|do not|dont|no longer) want to (?:live|be alive|exist|wake up)|(?:want|wish) (?:i was|i were|to be) dead|better off (?:without me|if i (?:was|were) dead|dead)|nobody would (?:miss me|care if i (?:died|was gone))|(?:my|writing (?:a|my)) suicide (?:note|letter|plan))\\b"),
    safeContext: rule('\\b(?:movie|film|book|novel|character|story|lyrics|song|squad)\\b'),
  },
  {
    id: 'self_harm.method_request',
    triggers: ['myself', 'yourself', 'oneself', 'suicide', 'life', 'self', 'harm', 'overdose', 'overdosing', 'pills', 'tablets'],
    category: 'self_harm',
    score: 0.9,
    pattern: rule("\\b(?:how|ways?|best way|easiest way|quickest way|fastest way|surest way|painless(?:ly)?|methods?|what)\\b(?: [\\w']+){0,5} (?:to|of|for) (?:kill(?:ing)? (?:myself|yourself|oneself)|commit(?:ting)? suicide|end(?:ing)? (?:my|your|one's) (?:own )?life|self[- ]?harm\\w*|hang(?:ing)? (?:myself|yourself)|cut(?:ting)? (?:myself|yourself)|overdos\\w+)\\b|\\bhow many (?:pills|tablets|sleeping pills)\\b(?: [\\w']+){0,6} (?:to die|to overdose|would kill|kill me|to kill myself)"),
    safeContext: rule('\\b(?:help (?:a|my|someone)|prevent\\w*|hotline|warning signs|survivors?|support (?:a|my|someone)|recogni[sz]e|in (?:minecraft|the game|a game|video game))\\b'),
  },
  // --- Political campaigning ---
  {
    id: 'political_campaigning.campaign_material',
    triggers: ['campaign', 'political', 'attack', 'vote', 'gotv', 'stump', 'robocall', 'robo', 'canvassing', 'voter', 'fundraising'],
    category: 'political_campaigning',
    score: 0.8,
    pattern: rule(`${requestVerb}${sentence(60)}\\b(?:campaign (?:ads?|slogans?|speech(?:es)?|materials?|emails?|flyers?|leaflets?|messages?|posts?|videos?|literature|mailers?|scripts?)|political (?:ads?|advertisements?)|attack ads?|get[- ]out[- ]the[- ]vote|gotv|stump speech|robo-?call scripts?|canvassing scripts?|voter persuasion|fundraising (?:emails?|letters?|appeals?) for (?:my |the |a |our )?(?:campaign|candidate|party|senator|re-?election))\\b`),
    safeContext: rule('\\b(?:history of|analy[sz]e|analysis|what (?:is|are) (?:a |an )?(?:campaign|political)|examples? of famous|media literacy|fact-?check\\w*|for (?:a|my) (?:class|course|thesis|essay) on)\\b'),
  },
  {
    id: 'political_campaigning.targeted_persuasion',
    triggers: ['voters', 'voter', 'constituents', 'electorate', 'swing'],
    category: 'political_campaigning',
    score: 0.85,
    pattern: rule(`\\b(?:persuad\\w*|convinc\\w*|urg\\w*|get|encourag\\w*|target\\w*|micro-?target\\w*|mobili[sz]\\w*)\\b${sentence(40)}\\b(?:voters?|constituents|electorate|swing states?)\\b${sentence(50)}\\b(?:vote (?:for|against)|to vote|not to vote|stay home|support (?:my|our|the) (?:candidate|campaign|party)|switch (?:their|sides))`),
    safeContext: rule('\\b(?:how do (?:campaigns|politicians)|research on|study|history of|explain|ethic\\w*|regulat\\w*)\\b'),
  },
  {
    id: 'political_campaigning.mass_messages',
    triggers: ['candidate', 'campaign', 'party', 'senator', 'president', 'governor', 'mayor', 'election', 'congress*', 'mp', 'democrat*', 'republican*', 'labour', 'labor', 'tories', 'conservative*', 'liberal*'],
    category: 'political_campaigning',
    score: 0.9,
    pattern: rule(`\\b(?:\\d{2,}|dozens of|hundreds of|thousands of|many|lots of|bulk|mass)\\b(?: \\w+){0,2} (?:tweets?|posts?|comments?|messages?|emails?|letters?|texts?|reviews?|replies)\\b${sentence(60)}\\b(?:support(?:ing)?|prais\\w*|attack\\w*|against|endors\\w*|vote for|in favou?r of)\\b${sentence(40)}\\b(?:candidate|campaign|party|senator|president|governor|mayor|election|congress\\w*|mp|democrats?|republicans?|labou?r|tories|conservatives?|liberals?)\\b`),
  },
  {
    id: 'political_campaigning.candidate_persona',
    triggers: ['candidate', 'senator', 'congress*', 'governor', 'mayor', 'president', 'politician'],
    category: 'political_campaigning',
    score: 0.75,
    pattern: rule("\\b(?:chatbot|bot|ai|assistant)\\b(?: \\w+){0,4} (?:pretend\\w*|pos(?:e|es|ing) as|act\\w* as|speak\\w* as|impersonat\\w*)\\b(?: \\w+){0,3} (?:the |a |our )?(?:candidate|senator|congress\\w*|governor|mayor|president|politician)\\b"),
  },
  // --- Spam ---
  {
    id: 'spam.bulk_messages',
    triggers: ['bulk', 'mass', 'unsolicited', 'hundreds', 'thousands', 'millions', 'emails', 'messages', 'sms', 'texts', 'comments', 'reviews', 'posts', 'dms', 'tweets', 'replies', 'invites'],
    category: 'spam',
    score: 0.75,
    pattern: rule(`\\b(?:write|generate|create|send|make|produce|compose|blast|spam)\\b${sentence(40)}\\b(?:\\d{3,}|hundreds of|thousands of|millions of|bulk|mass|unsolicited)\\b(?: \\w+){0,3} (?:emails?|messages?|sms|texts?|comments?|reviews?|posts?|dms|direct messages|tweets?|replies|invites?)\\b`),
    safeContext: rule('\\b(?:filter\\w*|block\\w*|detect\\w*|stop\\w*|report\\w*|spam folder|avoid\\w*|opt(?:ed)?[- ]in|subscribers?|signed up|mailing list (?:of|with) consent|newsletter)\\b'),
  },
  {
    id: 'spam.fake_engagement',
    triggers: ['fake', 'bogus', 'fraudulent', 'paid', 'sock', 'sockpuppet', 'star', 'glowing', 'positive'],
    category: 'spam',
    score: 0.8,
    pattern: rule(`\\b(?:write|generate|create|buy|get|make|post|produce|give me)\\b${sentence(30)}\\b(?:fake|bogus|fraudulent|paid|sock ?puppet)\\b(?: \\w+){0,2} (?:reviews?|testimonials?|ratings?|followers|likes|upvotes|comments|engagement|accounts|endorsements)\\b|\\b(?:write|generate|create|post)\\b${sentence(20)}\\b(?:\\d+ )?(?:5-star|five-star|positive|glowing) (?:reviews?|ratings?) (?:for|of|about) (?:my|our) (?:own )?(?:\\w+ )?(?:product|business|restaurant|app|shop|store|book|company|hotel|service)\\b`),
    safeContext: rule('\\b(?:spot|detect|identify|recogni[sz]e|report|avoid|remove|tell if|how (?:can|do) i know|is it legal)\\b'),
  },
  {
    id: 'spam.evade_filters',
    triggers: ['spam'],
    category: 'spam',
    score: 0.85,
    pattern: rule(`\\b(?:bypass\\w*|evad\\w*|avoid\\w*|past|around|through|trick\\w*|beat|beating|dodg\\w*|fool\\w*)\\b${sentence(20)}\\bspam (?:filters?|detection|folders?)\\b`),
    safeContext: rule('\\b(?:legitimate|deliverability|dkim|spf|dmarc|warm(?:ing)? up|my newsletter subscribers)\\b'),
  },
  {
    id: 'spam.promotional_bait',
    triggers: ['claim', 'won', 'selected', 'act', 'limited', 'free', 'earn', 'risk', 'credit', 'double'],
    category: 'spam',
    // Two distinct bait phrases in one text: one alone is ordinary marketing language.
    score: 0.75,
    pattern: rule("\\b(?:click here to claim|you(?:'ve| have) (?:been selected|won)|claim your (?:free )?(?:prize|reward|gift card|bonus)|act now|limited time offer|100% free|risk[- ]free|earn \\$?\\d+ (?:per|a) (?:day|hour|week)|work from home and earn|no credit check|double your money)\\b[\\s\\S]{0,400}\\b(?:click here|claim|act now|limited time|100% free|risk[- ]free|earn \\$?\\d+|guaranteed|winner|congratulations|unsubscribe|buy now)\\b"),
  },
  // --- IP infringement ---
  {
    id: 'ip_infringement.full_work',
    triggers: ['full', 'entire', 'complete', 'whole', 'unabridged', 'word', 'verbatim'],
    category: 'ip_infringement',
    score: 0.75,
    pattern: rule(`\\b(?:give|send|provide|print|write|type|paste|show|output|reproduce|copy|recite|tell|list)\\b(?: me| out| us| down)?${sentence(20)}\\b(?:the )?(?:full|entire|complete|whole|unabridged|word[- ]for[- ]word|verbatim)\\b (?:\\w+ ){0,2}(?:text|lyrics|book|novel|chapters?|script|screenplay|transcript|contents?|source code|articles?|paper|episode|song|poem)\\b`),
    safeContext: rule("\\b(?:constitution|declaration of independence|bill of rights|gettysburg|magna carta|public domain|gpl|mit licen[cs]e|apache licen[cs]e|bsd licen[cs]e|creative commons|bible|quran|koran|torah|shakespeare|my own|i wrote|that i wrote|i have written|our own|we wrote|open source|this (?:text|article|document|code|email|essay|message|file)|the (?:text|code|document|article|essay) (?:above|below)|following|i pasted|i've pasted|i uploaded|attached|(?:on|of|from) (?:that|the|this|a) (?:page|url|site|website|webpage|link))\\b"),
  },
  {
    id: 'ip_infringement.song_lyrics',
    triggers: ['lyrics'],
    category: 'ip_infringement',
    score: 0.55,
    pattern: rule(`\\b(?:give|send|write|print|show|tell|what are|sing|type|list)\\b${sentence(15)}\\b(?:the )?lyrics (?:to|of|for)\\b`),
    safeContext: rule("\\b(?:my own|i wrote|i'm writing|my song|our song|original|public domain|folk song|nursery rhyme|happy birthday|meaning of|theme of)\\b"),
  },
  {
    id: 'ip_infringement.cracked_software',
    triggers: ['keygen', 'keygens', 'warez', 'nulled', 'crack', 'cracked', 'cracks', 'serial', 'license', 'product', 'activation', 'activator'],
    category: 'ip_infringement',
    score: 0.85,
    pattern: rule(`\\bkeygens?\\b|\\bwarez\\b|\\bnulled (?:plugins?|themes?|scripts?|versions?|wordpress)\\b|\\bcrack(?:ed|s)? (?:for|version|copy|apk|software|game|app|exe|download|installer|license|key)\\b|\\b(?:windows|office|photoshop|adobe|autocad|premiere|illustrator|lightroom|final cut|fl studio|ableton|vegas|matlab|solidworks|winrar|idm|vmware|minecraft|gta|steam games?|sims)\\b(?: \\w+){0,2} (?:crack(?:ed)?|keygen|activator|serial (?:key|number)s?|license keys?|product keys?|activation (?:key|code)s?)\\b|\\b(?:generate|give me|free|working)\\b${sentence(20)}\\b(?:serial (?:key|number)s?|license keys?|product keys?|activation (?:key|code)s?)\\b`),
    safeContext: rule("\\b(?:what is a keygen|malware in|virus in|detect\\w*|is it legal|my (?:own )?(?:license|product) key (?:is|was|doesn't|does not)|lost my|i bought|i purchased|find my (?:own )?(?:license|product) key|retrieve my)\\b"),
  },
  {
    id: 'ip_infringement.piracy',
    triggers: ['pirated', 'pirating', 'torrent', 'torrents', 'torrenting', 'illegal', 'illegally', 'watch', 'stream', 'free', 'piracy'],
    category: 'ip_infringement',
    score: 0.75,
    pattern: rule(`\\b(?:pirated|pirating|torrent(?:s|ing)?|illegal(?:ly)? (?:download|stream|copy)\\w*|watch free|stream free|free (?:download|stream)s? of)\\b${sentence(40)}\\b(?:movies?|films?|albums?|songs?|music|games?|software|books?|ebooks?|episodes?|series|shows?|netflix|disney|hbo|textbooks?|courses?)\\b|\\b(?:movies?|films?|albums?|games?|software|books?|ebooks?|episodes?|series|textbooks?)\\b${sentence(30)}\\b(?:torrent|pirated|piracy site)s?\\b`),
    safeContext: rule('\\b(?:is it legal|what is|history of|consequences|risks? of|penalt\\w*|fines? for|how do (?:studios|companies)|combat\\w*|fight\\w*|anti-?piracy|linux (?:iso|distribution)s?|public domain|creative commons|open source)\\b'),
  },
  {
    id: 'ip_infringement.drm_removal',
    triggers: ['drm', 'copy', 'protection', 'watermark', 'watermarks', 'denuvo', 'widevine', 'paywall', 'paywalls', 'activation', 'license', 'licensing', 'netflix', 'spotify', 'disney', 'hbo', 'hulu', 'adobe', 'office', 'chatgpt'],
    category: 'ip_infringement',
    score: 0.8,
    pattern: rule(`\\b(?:bypass|remove|strip|circumvent|break|crack|disable|get around|get past|defeat)\\b${sentence(20)}\\b(?:drm|copy[- ]protection|watermarks?|denuvo|widevine|paywalls?|activation|license checks?|licensing checks?)\\b|\\b(?:free|unlimited|shared|cracked)\\b (?:netflix|spotify|disney\\+?|hbo|hulu|adobe|office 365|chatgpt plus)\\b(?: \\w+)? (?:accounts?|premium|subscriptions?|passwords?|logins?|cookies)\\b`),
    safeContext: rule("\\b(?:my own|i own|i took|i created|i made|i shot|our own|my company's|what is drm|how does drm work|history of)\\b"),
  },
  // --- Impersonation ---
  {
    id: 'impersonation.deceptive_message',
    triggers: ['pretend*', 'pose', 'poses', 'posing', 'impersonat*', 'masquerad*', 'if', 'think', 'thinks', 'believe', 'believes', 'appear', 'appears', 'look', 'looks'],
    category: 'impersonation',
    score: 0.8,
    pattern: rule(`\\b(?:e-?mails?|messages?|texts?|letters?|sms|dms?|voicemails?|call scripts?|scripts?|posts?|tweets?|profiles?|accounts?|websites?|pages?|notes?|statements?|announcements?|invoices?)\\b${sentence(60)}\\b(?:pretend\\w*|pos(?:e|es|ing) as|impersonat\\w+|masquerad\\w+|as if (?:it(?:'s| is| was)|they|he|she) (?:from|came from|were from|wrote|written by|sent by)|so (?:it|they|he|she|people) (?:think|thinks|believe|believes)|appears? to (?:come|be) from|look(?:s)? like (?:it )?(?:came|comes|is|was) from)\\b`),
    safeContext: rule('\\b(?:spot|detect|identify|recogni[sz]e|report|warn\\w*|awareness|training (?:for|of) (?:employees|staff)|phishing (?:test|simulation)|example of a scam|someone (?:is|was) (?:impersonating|pretending to be) me|impersonating me|being impersonated)\\b'),
  },
  {
    id: 'impersonation.pose_as_authority',
    triggers: ['pretend', 'pretending', 'pose', 'poses', 'posing', 'pass', 'passing', 'impersonat*', 'masquerad*'],
    category: 'impersonation',
    score: 0.8,
    pattern: rule("\\b(?:pretend(?:ing)? to be|pos(?:e|es|ing) as|pass(?:ing)? (?:myself|yourself|ourselves) off as|impersonat\\w+|masquerad\\w+ as)\\b(?: (?:from|a|an|the|my|his|her|their|someone's))* (?:bank\\b|paypal|irs|hmrc|police(?: officers?)?|cops?|fbi|cia|microsoft|apple support|amazon|tech support|government officials?|tax (?:office|authority)|social security|ceo|boss|landlord|(?:real |licensed |certified )?(?:doctor|lawyer|nurse|pharmacist)s?|someone else|another person|a real person|elon musk|joe biden|donald trump|the president|a celebrity|celebrit\\w+|my ex|her ex|his ex|their (?:boss|parents?|bank))\\b"),
    // Role-play with the assistant itself is fine; impersonation needs an audience who is deceived.
    safeContext: rule("\\b(?:(?:role-?play|roleplay|practice|practise|game|improv|pretend) (?:with|for) me|(?:let's|lets) (?:play|pretend)|for (?:my|a) (?:novel|story|play|screenplay|class|training)|how (?:to|do i) (?:spot|tell|know)|someone (?:is|was) (?:impersonating|pretending to be)|impersonating me|scam awareness)\\b"),
    unsafeContext: rule('\\b(?:e-?mail|message|text|call|letter|sms|voicemail|get (?:their|his|her|them)|so (?:they|he|she)|convince|trick|scam|fool)\\b'),
  },
  {
    id: 'impersonation.fake_identity',
    triggers: ['fake', 'spoof', 'spoofed', 'fraudulent', 'clone', 'cloned', 'deepfake', 'deepfakes', 'deep', 'voice'],
    category: 'impersonation',
    score: 0.8,
    pattern: rule(`\\b(?:fake|spoof(?:ed)?|fraudulent|cloned?)\\b(?: \\w+){0,2} (?:profiles?|accounts?|e-?mail address(?:es)?|websites?|pages?|identit(?:y|ies)|caller id|login pages?|social media accounts?)\\b (?:of|for|pretending|posing|impersonating|that (?:looks|look) like|mimicking|as)\\b|\\b(?:deep ?fakes?|voice clon\\w+|clone (?:the |his |her |their |a )?voice)\\b${sentence(40)}\\b(?:of|for|to)\\b`),
    safeContext: rule('\\b(?:spot|detect|identify|recogni[sz]e|report\\w*|how do deep ?fakes work|what (?:is|are) (?:a )?deep ?fakes?|protect\\w*|take down|remove)\\b'),
  },
  {
    id: 'impersonation.claim_human',
    triggers: ['ai', 'bot', 'chatbot', 'model', 'human', 'person'],
    category: 'impersonation',
    score: 0.7,
    pattern: rule("\\b(?:(?:don't|do not|never) (?:tell|reveal|admit|say)(?: to)? (?:them|anyone|her|him|people|the (?:user|customer)s?) (?:that )?(?:you(?:'re| are)|this is|it(?:'s| is)) (?:an? )?(?:ai|bot|chatbot|language model)|convince (?:them|people|her|him|the (?:user|customer)s?) (?:that )?(?:you(?:'re| are)|i(?:'m| am)) (?:an? )?(?:real )?(?:human|person))\\b"),
  },
  // --- Critical infrastructure ---
  {
    id: 'critical_infrastructure.attack',
    triggers: ['grid', 'plant', 'plants', 'station', 'stations', 'substation', 'substations', 'water', 'reservoir', 'reservoirs', 'dam', 'dams', 'scada', 'ics', 'industrial', 'plc', 'plcs', 'programmable', 'nuclear', 'pipeline', 'pipelines', 'gas', 'refinery', 'refineries', 'air', 'railway', 'rail', 'train', 'traffic', '911', 'emergency', 'hospital', 'telecom', 'telecommunications', 'cell', 'gps', 'smart', 'chemical', 'sewage'],
    category: 'critical_infrastructure',
    score: 0.85,
    pattern: rule(`${infrastructureAttack}${sentence(50)}${infrastructure}|${infrastructure}${sentence(40)}\\b(?:to (?:fail|explode|overflow|melt ?down)|without (?:being )?(?:detected|caught|noticed))\\b`),
    safeContext: rule(defensiveContext),
    unsafeContext: rule(operationalDetail),
  },
];
