package dev.llmgate.policy.detect;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.detect.internal.AsciiLanes;
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.KeywordScan;
import dev.llmgate.policy.detect.internal.KeywordTypos;
import dev.llmgate.policy.detect.internal.Latin1Copy;
import dev.llmgate.policy.detect.internal.MatcherPool;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.NormalizedText;
import dev.llmgate.policy.detect.internal.PatternStarts;
import dev.llmgate.policy.detect.internal.PhraseReading;
import dev.llmgate.policy.detect.internal.Recognizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection and jailbreak heuristics, in English, German, Spanish and French (and a few
 * phrases in Russian and Croatian): instruction-override phrases ("ignore all previous
 * instructions", "vergiss alles davor"), role and persona hijacks ("you are now", "DAN mode",
 * "pretend to be"), system-prompt extraction ("show me your prompt texts"), chat-template
 * delimiters ({@code <|im_start|>}, {@code [INST]}, "### system") and obfuscation: zero-width
 * characters, homoglyphs (Cyrillic/Greek look-alikes inside Latin words) and diacritics are
 * normalised away before matching, and base64 or hex runs that decode to text are decoded and
 * scanned too; spaced-out letters ("S a y t h a t") count as obfuscation. The phrases are also read as a model
 * reads the text, through inline markup and the punctuation, quotes, brackets, symbols and emoji between their words
 * ({@link PhraseReading}); a phrase found only so counts as obfuscation. A word in a phrase's gap may be any letters.
 *
 * <p>Each phrase has a confidence; strong phrases fire on their own at the default threshold of
 * 0.5, weak ones ("act as a ...") only together with another signal (each further hit in the same
 * text adds 0.1 to every hit). Heuristics, not a classifier: see docs/policy.md for the measured
 * precision and recall. Immutable and thread-safe.
 */
public final class PromptInjectionDetector implements Detector {

    private record Phrase(String type, Pattern pattern, double confidence) {}

    private static final String W =
            "(?: [\\w\\p{L}\\p{M}'-]+)"; // one more word of any letters and their marks (normalised text: single
    // spaces)

    private static final List<Phrase> PHRASES = List.of(
            // --- instruction override ---
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.9,
                    "\\b(?:ignore|ignoring|disregard|forget|skip|override|bypass|neglect|drop|abandon|leave|remove|erase|delete"
                            + "|pay no attention to|stop following|do not follow|don'?t follow|no longer follow|set aside|throw (?:out|away)"
                            + "|discard|never mind|nullify|overwrite|do not obey|don'?t obey|stop obeying|disobey)\\b"
                            + W
                            + "{0,4}? (?:previous|prior|above|earlier|preceding|foregoing|all|any|every|your|the|my|initial|original|system|"
                            + "provided|given|other|developer'?s?|safety|those|these)\\b" + W
                            + "{0,3}? (?:instructions?|prompts?|directions?|rules?|guidelines?|commands?|"
                            + "context|tasks?|orders?|messages?|constraints?|restrictions?|programming|prompting|information|assignments?|documents?|"
                            + "articles?|thoughts|training|directives?|guardrails?)\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.85,
                    "\\bforget (?:about )?(?:everything|all|anything|what (?:i|you|we))\\b|\\bignore (?:everything|all|the above|above)\\b"
                            + "|\\bdisregard (?:everything|the above|above|that)\\b|\\bdisregarding the\\b|\\bi command you\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.8,
                    "\\b(?:now|here) (?:follow|come|are)(?: some| a few| further| more)? (?:new |further |more )?(?:tasks?|instructions?)\\b"
                            + "|\\bnew (?:tasks?|instructions?) (?:follow|are)\\b|\\b(?:focus|concentrate) on (?:your|the|my) new task"
                            + "|\\bstart (?:over|from (?:the )?(?:front|scratch|beginning))\\b|\\byour (?:new )?instructions are now\\b"
                            + "|\\bchange your instructions\\b|\\binstead (?:print|output|say|write|answer)\\b"
                            + "|\\bdo not answer (?:this|the) question\\b|\\b(?:don'?'?t|do not|dont) (?:look (?:at|in) the|use the|answer (?:the question )?"
                            + "(?:according|based) (?:to|on) the)(?: provided)? (?:documents?|articles?|context)"
                            + "|\\bnot by the articles\\b|\\bstop\\s?[:,-]+\\s?(?:write|say|print|ignore)\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.9,
                    "\\b(?:ignorier\\w*|vergiss|vergessen|vergesse|missacht\\w*|uberschreib\\w*|abweichend (?:zu|von)|ubergeh\\w*|verwirf"
                            + "|verwerfe\\w*|befolge nicht|befolgen sie nicht|halte? dich nicht (?:mehr )?an|setze? \\w+ ausser kraft)\\b"
                            + W
                            + "{0,4}? (?:vorherigen?|bisherigen?|obigen?|alle|allen|deine|ihre|vorangehenden|vorangegangenen|vorigen)\\b"
                            + W
                            + "{0,3}? (?:anweisungen|anweisung|befehle|regeln|aufgaben|auftrage|instruktionen|informationen|angaben|vorgaben|"
                            + "prompts?|ausfuhrungen|dokumente|artikel|richtlinien|einschrankungen|beschrankungen|programmierung)\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.85,
                    "\\bvergiss alles\\b|\\bvergessen sie alles\\b|\\bnun folgen (?:weitere|neue) (?:aufgaben|anweisungen)\\b"
                            + "|\\bkonzentriere dich (?:jetzt |nun )?auf (?:deine|die) neue aufgabe\\b"
                            + "|\\b(?:obigen|vorherigen|bisherigen) (?:ausfuhrungen|anweisungen|informationen|befehle|aufgaben) ignorieren\\b"
                            + "|\\b(?:vorherigen|bisherigen) informationen\\b[^.]{0,60}\\b(?:irrelevant|hinter sich|aus dem kopf)"
                            + "|\\baus dem kopf (?:zu )?streichen\\b|\\bvon vorne an\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.85,
                    "\\b(?:olvid\\w*|ignor\\w*|descart\\w*|omit\\w*|deja de seguir|no sigas|haz caso omiso (?:a|de)|pasa por alto)"
                            + " (?:de )?(?:todo|lo anterior|(?:todas |todos )?(?:las |los |tus |sus )?(?:[\\w\\p{L}-]+ )?(?:instrucciones|reglas"
                            + "|directrices|restricciones|normas))\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.85,
                    "\\b(?:ignore[zr]?|oublie[zr]?|neglige[zr]?|ne tiens (?:plus |pas )?compte d(?:e|es|u)|ne tenez (?:plus |pas )?compte d(?:e|es|u)"
                            + "|laisse[zr]? tomber|passe[zr]? outre a|contourne[zr]?|fais abstraction d(?:e|es|u)|faites abstraction d(?:e|es|u)|n'obei(?:s|ssez) plus a)"
                            + "\\b (?:toutes? |tous )?(?:les |tes |vos |l'ensemble des |des )?(?:[\\w\\p{L}-]+ )?(?:instructions|consignes|regles|"
                            + "directives|taches|restrictions|limites|ce qui precede)\\b|\\boublie[zr]? tout\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.85,
                    "(?U)\\b(?:забуд\\w*|игнориру\\w*|проигнорируй\\w*) (?:все|всё|предыдущие|прошлые)\\b|\\bzaboravi sve\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.8,
                    "\\b(?:all ?)?previous ?instructions (?:are|were) (?:false|void|invalid|cancell?ed|obsolete|wrong)\\b"
                            + "|\\bdespite (?:what|everything) you(?:'ve| have)? (?:been|were) told\\b|\\bnew instructions? to\\b|\\breprogramm"
                            + "|\\bend (?:of )?(?:[\\w\\p{L}-]+ ){0,3}instructions\\b|\\bignore the system prompt|\\[system note:"
                            + "|\\b(?:safe|safety) mode (?:off|disabled)\\b|\\bnot restricted by (?:the |any )?(?:rules|guidelines)\\b"
                            + "|\\b(?:your(?: [\\w-]+)?|all (?:previous|prior|earlier)|the (?:previous|prior|earlier|original|system))"
                            + " (?:instructions|rules"
                            + "|guidelines|restrictions|policies"
                            + "|filters|guardrails|constraints) (?:no longer apply|do not apply|don'?t apply|are (?:no longer (?:valid|in effect"
                            + "|active)|void|lifted|suspended|disabled|cancell?ed|revoked))\\b"
                            + "|\\bunrestricted (?:ai|bot|assistant|model)\\b"),
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.6,
                    "\\b(?:well done|very good|very well done|great|excellent|sehr gut|gut gemacht)[.!] (?:(?:that is|that's|das ist) "
                            + "(?:done|enough|erledigt)[.!] |das genugt[.!] )?(?:now|but now|nun|jetzt|bitte)\\b"),
            // --- role / persona hijack ---
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.8,
                    "\\byou are now\\b|\\bnow you are\\b|\\bfrom now on,? you(?: are|'re| will| must| shall| act)\\b"
                            + "|\\bpretend (?:to be|you are|you're|that you|you can)\\b|\\bact as (?:if|though)\\b"
                            + "|\\b(?:dan|developer|god|jailbreak|unrestricted|evil) mode\\b|\\bdo anything now\\b|\\bjailbreak"
                            + "|\\b(?:with|have|has) no (?:restrictions|filters|limitations|rules|guidelines|programming guidelines)\\b"
                            + "|\\bwithout (?:any )?(?:restrictions|filters|censorship|limitations|guidelines)\\b|\\bunfiltered\\b|\\buncensored\\b"
                            + "|\\bevil (?:ai|assistant|bot|confidant)\\b|\\byou are (?:no longer|not) (?:an? )?(?:ai|assistant|language model|"
                            + "chatbot|newspaper)|\\byou are role-?playing\\b|\\bimagine you are\\b|\\babsorbed in your role\\b"
                            + "|\\byou act as two\\b|\\bfrom now (?:on )?known as\\b"),
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.7,
                    "\\b(?:stay|stays|remain|remains|staying)(?: fully| always)? in (?:their|your|his|her|the) roles?\\b"
                            + "|\\bfalling out of (?:the |their |your )?roles?\\b|\\bbleiben (?:immer )?in ihren rollen\\b"),
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.45,
                    "\\b(?:i want you to |please )?act as (?:a|an|my|the)\\b|\\bi want you to act\\b|\\brole-?play|\\bbe a [\\w-]+\\.\\s"
                            + "|^you are [\\w-]+(?: [\\w-]+)?[.,:]"),
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.8,
                    "\\b(?:du bist|ihr seid|sie sind) (?:jetzt|nun|ab sofort|ab jetzt)\\b|\\b(?:jetzt|nun|ab sofort) bist du\\b"
                            + "|\\bstell dir vor,? (?:du bist|dass du)\\b|\\btu so,? als (?:ob|waerst|warst)\\b"
                            + "|\\bohne (?:einschrankungen|filter|zensur|regeln)\\b|\\bspiel\\w* (?:die|eine) rolle\\b|\\bin deiner rolle auf\\b"
                            + "|\\bdu bist keine\\b"),
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.45,
                    "\\b(?:ich mochte,? dass (?:sie|du) als|agiere als|verhalte dich (?:wie|als))\\b|^du bist [\\w-]+(?: [\\w-]+)?[.,:]"),
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.8,
                    "\\b(?:ahora|a partir de ahora) (?:eres|seras|actuas)\\b|\\bfinge (?:ser|que eres)\\b|\\bsin (?:restricciones|filtros|censura)\\b"
                            + "|\\bimagina que eres\\b|\\b(?:tu es|vous etes) (?:maintenant|desormais)\\b|\\bfai(?:s|tes) semblant\\b"
                            + "|\\bsans (?:restrictions|filtres|censure)\\b|\\bimagine[sz]? que (?:tu es|vous etes)\\b"),
            p(
                    FindingTypes.INJECTION_ROLE_HIJACK,
                    0.45,
                    "\\b(?:actua como|quiero que actues como|agi(?:s|ssez) comme|je veux que (?:tu agisses|vous agissiez) comme)\\b"),
            // --- system prompt extraction ---
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.85,
                    "\\b(?:reveal|show|print|display|output|repeat|tell|give|share|leak|dump|list|spell|copy|what (?:is|are|was|were))\\b"
                            + W
                            + "{0,5}? (?:(?:system|initial|original|hidden|secret|full|previous|entire|your) (?:prompts?|instructions|rules|"
                            + "prompt texts?|message)|prompt texts?|instructions you (?:were|have been) given)\\b"
                            + "|\\bwhat (?:was|is) written (?:above|before|at the beginning)|\\b(?:beginning|start) of (?:this|the) (?:prompt|conversation)\\b"
                            + "|\\b(?:repeat|print|output) (?:the )?(?:words|text|everything) above\\b|\\bwhat are your instructions\\b"
                            + "|\\bthe (?:\\d |two |three )?(?:sentences|words) before\\b|\\binformation in the prompt\\b"
                            + "|\\b(?:list|relay|respond with|repeat|print)\\b" + W
                            + "{0,6}? (?:initials?|every|all|system'?s?)" + W
                            + "{0,3}? instructions\\b|\\byour (?:initial|original|system) (?:instructions|prompt) (?:were|was|are|is)\\b"),
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.85,
                    "\\b(?:zeig\\w*|gib|nenn\\w*|verrat\\w*|wiederhol\\w*|druck\\w*|schreib\\w*|was (?:ist|sind|war|waren|steht))\\b"
                            + W
                            + "{0,5}? (?:system-?prompt|prompt-?texte?s?|(?:deine|ihre|ursprunglichen|anfanglichen) "
                            + "(?:anweisungen|instruktionen|regeln|prompts?|prompt-?texte?s?))\\b|\\bwas steht (?:oben|am anfang)"),
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.85,
                    "\\b(?:muestra\\w*|revela\\w*|dime|repite|imprime|escribe|cuales son)\\b" + W
                            + "{0,5}? (?:(?:el )?prompt del sistema|"
                            + "tus instrucciones|tus reglas|instrucciones (?:iniciales|originales|del sistema)|tu prompt)\\b"
                            + "|\\b(?:montre[zr]?|revele[zr]?|affiche[zr]?|repete[zr]?|donne[zr]?|dis-moi|quelles sont)\\b"
                            + W
                            + "{0,5}? (?:(?:le )?prompt (?:systeme|initial)|invite systeme|tes instructions|vos instructions|"
                            + "instructions (?:initiales|originales|systeme)|ton prompt)\\b"),
            // --- delimiters and chat-template tokens ---
            p(
                    FindingTypes.INJECTION_DELIMITER,
                    0.75,
                    "<\\|(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id|user|assistant)\\|>|\\[/?inst\\]|<</?sys>>"
                            + "|</?(?:system|instructions?)>|(?:^|\\n)\\s?#{2,} ?(?:system|instructions?|new instructions?)\\b"
                            + "|\\b(?:end of|ignore the) (?:prompt|instructions|input|context|system prompt)\\b|\\bbegin (?:new )?instructions?\\b"
                            + "|(?:^|\\n)\\s?(?:system|admin|developer)(?: override| message| prompt)?\\s?:|\\b(?:human|user): (?:human|user):"),
            p(
                    FindingTypes.INJECTION_DELIMITER,
                    0.5,
                    "(?:\\\\ ?n\\s?){3,}+|(?:^|\\n|\\\\n)\\s?(?:new |additional )?instructions?\\s?[:-]|\\b(?:just|only) (?:output|say|print)\\b"),
            // --- extraction by meaning: a verb of revealing, repeating or re-encoding, and the model's own
            // instructions
            // as its object (a possessive, or a determiner with an adjective that only the model's instructions take)
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.8,
                    "\\b(?:reveal|show|print|display|output|repeat|tell|give|share|leak|dump|list|write|spell|copy|paste|recite|echo"
                            + "|expose|disclose|divulge|translate|summari[sz]e|encode|convert|rewrite|paraphrase|quote)\\b"
                            + W
                            + "{0,4}? (?:(?:your|the model'?s|the assistant'?s)(?: (?:system|initial|original|hidden|secret|internal"
                            + "|confidential|full|exact|complete|developer|pre|private|underlying|starting|base|own|current|previous))?"
                            + " (?:prompts?|instructions|rules|guidelines|directives|guardrails|system messages?)|(?:the|its|this|any|all"
                            + "|all of the) (?:system|initial|hidden|secret|confidential|developer|pre|underlying|starting)[ -]?"
                            + "(?:prompts?|instructions|rules|guidelines|directives|guardrails|system messages?))\\b"
                            + "|\\bwhat (?:you (?:were|have been|'ve been)|were you|have you been) (?:told|instructed|given|programmed)\\b"),
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.8,
                    "\\b(?:zeig(?:e|en)?|gib|geben sie|nenn(?:e|en)?|verrat(?:e|en)?|wiederhol(?:e|en)?|druck(?:e|en)?"
                            + "|schreib(?:e|en)?|teil(?:e|en)?|offenbar(?:e|en)?|enthull(?:e|en)?|kopier(?:e|en)?|ubersetz(?:e|en)?"
                            + "|fass(?:e|en)?|sag(?:e|en)?)\\b"
                            + W
                            + "{0,4}? (?:(?:dein|deine|deinen|deiner|ihre|ihren)(?: (?:system|ursprunglichen|anfanglichen|versteckten"
                            + "|geheimen|internen|vertraulichen|vollstandigen|gesamten|eigenen))? (?:system-?prompts?|prompts?|anweisungen"
                            + "|instruktionen|regeln|vorgaben|richtlinien|systemnachricht)|(?:den|die|das) (?:anfanglichen|versteckten"
                            + "|geheimen|vertraulichen) (?:system-?prompts?|prompts?|anweisungen|instruktionen|regeln|vorgaben"
                            + "|richtlinien))\\b"),
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.8,
                    "\\b(?:montre[\\w-]*|revele[\\w-]*|affiche[\\w-]*|repete[\\w-]*|donne[\\w-]*|dis-moi|dites-moi|ecri[\\w-]*"
                            + "|recopie[\\w-]*|tradui[\\w-]*|resume[\\w-]*|divulgue[\\w-]*|partage[\\w-]*|imprime[\\w-]*)"
                            + W
                            + "{0,4}? (?:(?:ton|ta|tes|votre|vos) (?:prompts?|instructions|consignes|regles|directives|invite)"
                            + "|(?:le|la|les|l') ?(?:prompt|invite|instructions|consignes|regles|directives) (?:systeme|du systeme"
                            + "|initiales?|cachees?|secretes?|confidentielles?))\\b"),
            p(
                    FindingTypes.INJECTION_PROMPT_EXTRACTION,
                    0.8,
                    "\\b(?:muestra\\w*|ensena\\w*|revela\\w*|dime|dinos|repite\\w*|imprime\\w*|escribe\\w*|copia\\w*|traduce\\w*"
                            + "|resume\\w*|comparte\\w*|divulga\\w*|cuentame|dame)\\b"
                            + W
                            + "{0,4}? (?:(?:tu|tus|su|sus) (?:prompts?|instrucciones|reglas|directrices)|(?:el|la|las|los) (?:prompt"
                            + "|instrucciones|reglas|directrices|mensaje) (?:del sistema|de sistema|iniciales?|ocult[oa]s?|secret[oa]s?"
                            + "|confidenciales?))\\b"),
            // --- refusal suppression: a forced compliant opening, a ban on refusing, no ethical caveats
            p(
                    FindingTypes.INJECTION_OVERRIDE,
                    0.8,
                    "\\b(?:begin|start) (?:your |the |each |every )?(?:reply|replies|response|responses|answer|answers|output)"
                            + " with (?:the (?:words?|phrase) )?[\"'\\u00ab]? ?(?:sure|certainly|absolutely|of course)\\b"
                            + "|\\byou (?:can ?not|can'?t|must not|mustn'?t|will not|won'?t|may not|are not allowed to)"
                            + " (?:refuse|decline|say no)\\b"
                            + "|\\b(?:never|do not|don'?t) (?:refuse|decline) (?:to answer|any (?:requests?|questions?|prompts?))\\b"
                            + "|\\bwithout (?:any )?(?:moral(?:i[sz]ing)?|ethical) (?:warnings?|disclaimers?|lectures?|concerns"
                            + "|considerations|judge?ments?)\\b"
                            + "|\\b(?:beginne|beginnen sie|starte) (?:deine|ihre|jede) antwort mit [\"'\\u00ab]? ?(?:sicher|klar"
                            + "|naturlich)\\b|\\b(?:lehne|lehnen sie) (?:niemals|nie|keine (?:anfrage|frage)) ab\\b"
                            + "|\\bdu darfst (?:nicht|nichts) ablehnen\\b"
                            + "|\\b(?:commence|commencez) (?:ta|votre|chaque) reponse par [\"'\\u00ab]? ?(?:bien sur|certainement"
                            + "|absolument)\\b|\\bne refuse(?:z)? jamais\\b|\\btu ne (?:peux|dois) pas refuser\\b"
                            + "|\\b(?:empieza|comienza|empiece|comience) (?:tu|su|cada) respuesta con [\"'\\u00ab]? ?(?:claro"
                            + "|por supuesto|seguro)\\b|\\bnunca (?:te niegues|rechaces)\\b|\\bno (?:puedes|debes)"
                            + " (?:negarte|rechazar)\\b"));

    /**
     * Per phrase (same order as {@link #PHRASES}): literal lower-case keywords of which every match
     * contains at least one. A phrase's matches count only if one of its keywords occurs in the
     * normalised text; the check is made only for phrases that matched (phrases are tried only at
     * the candidate starts of {@link #STARTS}), so benign text rarely pays for it.
     */
    private static final String[][] KEYWORDS = {
        {
            "ignor",
            "disregard",
            "forget",
            "skip",
            "overrid",
            "bypass",
            "neglect",
            "drop",
            "abandon",
            "leave",
            "remove",
            "erase",
            "delete",
            "attention",
            "follow",
            "aside",
            "throw",
            "discard",
            "never mind",
            "nullify",
            "overwrite",
            "obey"
        },
        {"forget", "ignore", "disregard", "command you"},
        {
            "now ",
            "here ",
            "new task",
            "new instruction",
            "focus on",
            "concentrate on",
            "start ",
            "instructions are now",
            "change your",
            "instead ",
            "do not",
            "don",
            "dont",
            "not by the",
            "stop"
        },
        {
            "ignorier",
            "vergiss",
            "vergess",
            "missacht",
            "uberschreib",
            "abweichend",
            "ubergeh",
            "verw",
            "befolge",
            "dich nicht",
            "kraft"
        },
        {"vergiss", "vergessen", "folgen", "konzentriere", "ignorieren", "informationen", "kopf", "vorne"},
        {"olvid", "ignor", "descart", "omit", "deja de", "no sigas", "caso omiso", "por alto"},
        {"ignore", "oublie", "neglige", "compte", "tomber", "outre", "contourne", "abstraction", "obei"},
        {"забуд", "игнориру", "проигнорир", "zaboravi"},
        {
            "previous",
            "despite",
            "instruction",
            "reprogramm",
            "system",
            "mode",
            "restricted",
            "apply",
            "no longer",
            "void",
            "lifted",
            "suspended",
            "disabled",
            "cancel",
            "revoked"
        },
        {"well done", "very good", "great", "excellent", "sehr gut", "gut gemacht"},
        {
            "you are",
            "now you",
            "from now",
            "pretend",
            "act as",
            "mode",
            "do anything",
            "jailbreak",
            "no ",
            "without",
            "unfiltered",
            "uncensored",
            "evil",
            "imagine",
            "absorbed",
            "you act"
        },
        {"role", "rollen"},
        {"act", "role", "be a ", "you are"},
        {"du bist", "ihr seid", "sie sind", "bist du", "stell dir", "tu so", "ohne", "rolle"},
        {"mochte", "agiere", "verhalte", "du bist"},
        {"eres", "seras", "actuas", "finge", "sin ", "imagin", "tu es", "vous etes", "semblant", "sans "},
        {"actua", "actues", "agis", "je veux"},
        {"prompt", "instruction", "rules", "message", "written", "beginning", "start of", "above", "before"},
        {"prompt", "anweisung", "instruktion", "regeln", "steht"},
        {"prompt", "instruccion", "reglas", "invite", "instruction"},
        {
            "<|",
            "inst]",
            "<<",
            "system",
            "instruction",
            "end of",
            "ignore the",
            "begin",
            "admin",
            "developer",
            "user:",
            "human:"
        },
        {"\\", "instruction", "just ", "only "},
        {
            "reveal",
            "show",
            "print",
            "display",
            "output",
            "repeat",
            "tell",
            "give",
            "share",
            "leak",
            "dump",
            "list",
            "write",
            "spell",
            "copy",
            "paste",
            "return",
            "recite",
            "echo",
            "expose",
            "disclose",
            "divulge",
            "provide",
            "send",
            "translate",
            "summari",
            "encode",
            "convert",
            "rewrite",
            "paraphrase",
            "quote",
            "state",
            "type",
            "what you",
            "what were you",
            "what have you"
        },
        {
            "zeig",
            "gib",
            "geben",
            "nenn",
            "verrat",
            "wiederhol",
            "druck",
            "schreib",
            "teil",
            "offenbar",
            "enthull",
            "kopier",
            "ubersetz",
            "fass",
            "liste",
            "sag"
        },
        {
            "montre",
            "revele",
            "affiche",
            "repete",
            "donne",
            "dis-moi",
            "dites-moi",
            "ecri",
            "recopie",
            "tradui",
            "resume",
            "divulgue",
            "partage",
            "imprime",
            "cite",
            "liste",
            "indique"
        },
        {
            "muestra",
            "ensena",
            "revela",
            "dime",
            "dinos",
            "repite",
            "imprime",
            "escribe",
            "copia",
            "traduce",
            "resume",
            "comparte",
            "divulga",
            "lista",
            "cuentame",
            "dame",
            "indica"
        },
        {
            "begin", "start", "beginne", "starte", "commence", "empieza", "comienza", "empiece", "comience", "refuse",
            "decline", "say no", "moral", "ethical", "lehne", "ablehnen", "refuser", "niegues", "rechaces", "negarte",
            "rechazar"
        }
    };

    /**
     * Per phrase (same order as {@link #PHRASES}), null or a second keyword set of which every match also
     * contains one: the objects of the phrases that skip words between a verb and its object ("ignore ... all ...
     * instructions"), so that text full of the verb alone ("ignore ignore ignore ...", each a candidate whose
     * attempt tries every object at every word) skips the phrase with one search.
     */
    private static final String[][] ALSO = new String[PHRASES.size()][];

    static {
        ALSO[0] = new String[] {
            "instruction",
            "prompt",
            "direction",
            "rule",
            "guideline",
            "command",
            "context",
            "task",
            "order",
            "message",
            "constraint",
            "restriction",
            "programming",
            "information",
            "assignment",
            "document",
            "article",
            "thoughts",
            "training",
            "polic",
            "directive",
            "guardrail",
            "filter"
        };
        ALSO[1] = new String[] {
            "everything", "all", "anything", "what ", "above", "that", "disregarding the", "command you"
        };
        ALSO[3] = new String[] {
            "anweisung",
            "befehle",
            "regeln",
            "aufgaben",
            "auftrage",
            "instruktionen",
            "informationen",
            "angaben",
            "vorgaben",
            "prompt",
            "ausfuhrungen",
            "dokumente",
            "artikel",
            "richtlinien",
            "einschrankungen",
            "beschrankungen",
            "programmierung"
        };
        ALSO[5] = new String[] {
            "todo",
            "instrucciones",
            "anterior",
            "reglas",
            "indicaciones",
            "directrices",
            "restricciones",
            "ordenes",
            "normas"
        };
        ALSO[6] = new String[] {
            "instructions",
            "consignes",
            "regles",
            "directives",
            "taches",
            "ce qui precede",
            "tout",
            "restrictions",
            "limites"
        };
        ALSO[22] = new String[] {
            "prompt",
            "instructions",
            "rules",
            "guidelines",
            "directives",
            "configuration",
            "guardrails",
            "polic",
            "message",
            "what you",
            "what were you",
            "what have you"
        };
        ALSO[23] = new String[] {
            "prompt",
            "anweisungen",
            "instruktionen",
            "regeln",
            "vorgaben",
            "richtlinien",
            "konfiguration",
            "systemnachricht"
        };
        ALSO[24] =
                new String[] {"prompt", "instructions", "consignes", "regles", "directives", "configuration", "invite"};
        ALSO[25] = new String[] {
            "prompt", "instrucciones", "reglas", "directrices", "indicaciones", "configuracion", "ordenes", "mensaje"
        };
    }

    /** The keyword sets of phrase {@code k}: {@link #KEYWORDS} and, if it has one, {@link #ALSO} (tests). */
    static List<String[]> keywordSets(int k) {
        return ALSO[k] == null ? List.<String[]>of(KEYWORDS[k]) : List.of(KEYWORDS[k], ALSO[k]);
    }

    /** The keyword sets of all phrases as groups of one pass: group {@code 2k} is {@link #KEYWORDS}[k], {@code 2k + 1} {@link #ALSO}[k]. */
    private static final KeywordScan KEYWORD_PASS = keywordPass();

    private static KeywordScan keywordPass() {
        List<String[]> groups = new ArrayList<>();
        for (int k = 0; k < KEYWORDS.length; k++) {
            groups.add(KEYWORDS[k]);
            groups.add(ALSO[k] == null ? KEYWORDS[k] : ALSO[k]);
        }
        return new KeywordScan(groups);
    }

    /** With more keywords than this to look for, one pass over the text finds them all (instead of a search per keyword). */
    private static final int ONE_PASS_KEYWORDS = 24;

    /**
     * Per phrase, whether its keywords (and one of its {@link #ALSO} set) occur in {@code n}, for the phrases of
     * {@code phrases} (a bit per phrase); the others are reported absent. One pass over the text for all of them.
     */
    private static long phrasesWithKeywords(String n, byte[] ascii, long phrases, MeteredText metered) {
        long wanted = 0;
        for (long p = phrases; p != 0; p &= p - 1) {
            int k = Long.numberOfTrailingZeros(p);
            wanted |= 3L << (2 * k);
        }
        byte[] latin1 = ascii;
        if (latin1 == null) {
            metered.charge(n.length());
            latin1 = Latin1Copy.of(n);
        }
        long present = KEYWORD_PASS.presentGroups(n, latin1, wanted, metered);
        long out = 0;
        for (long p = phrases; p != 0; p &= p - 1) {
            int k = Long.numberOfTrailingZeros(p);
            if (((present >>> (2 * k)) & 3L) == 3L) {
                out |= 1L << k;
            }
        }
        return out;
    }

    /** Whether the normal form {@code n} holds a keyword of phrase {@code k} (and one of its {@link #ALSO} set, if any). */
    private static boolean keywordsPresent(String n, int k, MeteredText metered) {
        return containsAny(n, KEYWORDS[k], metered) && (ALSO[k] == null || containsAny(n, ALSO[k], metered));
    }

    static {
        if (KEYWORDS.length != PHRASES.size() || ALSO.length != PHRASES.size()) {
            throw new IllegalStateException(
                    "PromptInjectionDetector: " + PHRASES.size() + " phrases but " + KEYWORDS.length + " keyword sets");
        }
    }

    /** The phrase patterns' matchers, reused per thread (creating one costs up to ~1 µs). */
    private static final MatcherPool MATCHERS = new MatcherPool(phrasePatterns());

    /** Where each phrase can start (derived from the phrase patterns once, when the class is initialised). */
    private static final PatternStarts STARTS = phraseStarts();

    private static PatternStarts phraseStarts() {
        return new PatternStarts(phrasePatterns());
    }

    /** Up to this many candidates of a phrase are tried before its keywords are checked. */
    private static final int FEW_CANDIDATES = 4;

    private static Phrase p(String type, double confidence, String regex) {
        return new Phrase(type, Pattern.compile(lineBreakAsSpace(regex), Pattern.MULTILINE), confidence);
    }

    /**
     * {@code regex} with every literal space outside a character class made {@code [ \n]}: the normal
     * form keeps a line break (one per run of whitespace that holds one, for the delimiter phrases
     * that look for a line start), and "Ignore\nall previous instructions" is the same phrase.
     */
    static String lineBreakAsSpace(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 16);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
            } else if (c == '[' && !inClass) {
                inClass = true;
                out.append(c);
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    out.append(regex.charAt(++i)); // "[]...]": a leading ']' is a member
                }
            } else if (c == ']' && inClass) {
                inClass = false;
                out.append(c);
            } else if (c == ' ' && !inClass) {
                out.append("[ \\n]");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static final Pattern BASE64 = Pattern.compile("(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{20,8192}+={0,2}");
    private static final Pattern HEX =
            Pattern.compile("(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){12,4096}+|(?:\\\\x[0-9A-Fa-f]{2}){8,4096}+");
    private static final Pattern SPACED_LETTERS = Pattern.compile("(?<!\\S)(?:\\p{L} ){9,}+\\p{L}(?![\\p{L}\\p{Nd}])");

    private static final Set<String> TYPES = Set.of(
            FindingTypes.INJECTION_OVERRIDE,
            FindingTypes.INJECTION_ROLE_HIJACK,
            FindingTypes.INJECTION_PROMPT_EXTRACTION,
            FindingTypes.INJECTION_DELIMITER,
            FindingTypes.INJECTION_OBFUSCATION);

    private static final PromptInjectionDetector INSTANCE = new PromptInjectionDetector();

    private PromptInjectionDetector() {}

    /** The phrase patterns, in order (for tests of the scan's prefilters). */
    static List<Pattern> phrasePatterns() {
        List<Pattern> patterns = new ArrayList<>();
        for (Phrase p : PHRASES) {
            patterns.add(p.pattern);
        }
        return patterns;
    }

    /** The detector with every built-in phrase set. */
    public static PromptInjectionDetector all() {
        return INSTANCE;
    }

    static {
        BuiltInScans.metered(PromptInjectionDetector.class, PromptInjectionDetector::detectMetered);
    }

    @Override
    public String id() {
        return "prompt-injection";
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    @Override
    public void detect(CharSequence text, Consumer<Finding> sink) {
        detectMetered(MeteredText.unlimited(text), sink);
    }

    /** Not API: {@link #detect(CharSequence, Consumer)} counting the work on {@code text}'s counter. */
    private void detectMetered(MeteredText text, Consumer<Finding> sink) {
        List<Finding> hits = new ArrayList<>();
        String original = text.string();
        NormalizedText norm = NormalizedText.of(original);
        String n = norm.text();
        text.charge((long) original.length() + n.length()); // the normalisation: each character read, each one written
        MeteredText metered = text.view(n);
        boolean changed = norm.zeroWidthCount() > 0 || norm.homoglyphCount() > 0;
        byte[] ascii = norm.asciiOrNull();
        PatternStarts.Candidates starts = STARTS.candidates(n, ascii, metered);
        matchPhrases(n, ascii, starts, metered, ALL_PHRASES, (k, s, e) -> {
            Phrase phrase = PHRASES.get(k);
            int start = norm.originalStart(s);
            hits.add(new Finding(phrase.type, start, Math.max(start, norm.originalEnd(e)), phrase.confidence, id()));
        });
        readThrough(norm, starts, text, metered, hits);
        typos(norm, metered, hits);
        if (changed && !hits.isEmpty()) {
            hits.add(new Finding(
                    FindingTypes.INJECTION_OBFUSCATION,
                    hits.get(0).start(),
                    hits.get(0).end(),
                    0.8,
                    id()));
        } else if (norm.zeroWidthCount() > 0 || norm.homoglyphCount() > 0) {
            hits.add(new Finding(FindingTypes.INJECTION_OBFUSCATION, 0, text.length(), 0.35, id()));
        }
        text.charge(n.length()); // the gates' pass
        int gates = gates(n, ascii);
        if ((gates & BASE64_POSSIBLE) != 0) {
            decoded(text, BASE64, true, hits);
        }
        if ((gates & HEX_POSSIBLE) != 0) {
            decoded(text, HEX, false, hits);
        }
        if ((gates & SPACED_POSSIBLE) != 0) {
            spacedLetters(norm, metered, hits);
        }
        // alone below the default threshold (a spelled-out surname, a DNA sequence, a.b.c.d.e.f stack frames); with
        // another signal it counts
        separatedLetters(n, metered, (s, e) -> {
            int start = norm.originalStart(s);
            hits.add(new Finding(
                    FindingTypes.INJECTION_OBFUSCATION, start, Math.max(start, norm.originalEnd(e)), 0.45, id()));
        });
        int extra = hits.size() - 1;
        for (Finding f : hits) {
            double c = Math.min(1.0, f.confidence() + 0.1 * extra);
            sink.accept(extra == 0 ? f : new Finding(f.type(), f.start(), f.end(), c, f.detector()));
        }
    }

    /** A phrase match: phrase {@code k} over {@code [start, end)} of the text scanned. */
    @FunctionalInterface
    private interface PhraseSink {
        void match(int k, int start, int end);
    }

    /** Every phrase. */
    private static final long ALL_PHRASES = (1L << PHRASES.size()) - 1;

    /**
     * The phrases read through markup and punctuation ({@link #readThrough}): all but the delimiters, which are
     * markup themselves ({@code <|im_start|>}, {@code ### system}) and are matched as written.
     */
    private static final long READ_THROUGH = readThroughPhrases();

    private static long readThroughPhrases() {
        long mask = 0;
        for (int k = 0; k < PHRASES.size(); k++) {
            if (!PHRASES.get(k).type.equals(FindingTypes.INJECTION_DELIMITER)) {
                mask |= 1L << k;
            }
        }
        return mask;
    }

    /**
     * The matches of the phrases of {@code wanted} in {@code n} (a normal form; {@code ascii} its bytes or null): each
     * phrase tried at its candidate starts only ({@code starts}, from {@link #STARTS}), a phrase counted only where its keywords occur in
     * the text, as a {@code find()} loop per phrase finds them, phrase by phrase in order.
     */
    private static void matchPhrases(
            String n,
            byte[] ascii,
            PatternStarts.Candidates starts,
            MeteredText metered,
            long wanted,
            PhraseSink sink) {
        // the keywords (some with a space: "you are") are looked for with line breaks read as spaces, as the phrases
        // read them
        boolean breaks = n.indexOf('\n') >= 0;
        String flat = breaks ? n.replace('\n', ' ') : n;
        byte[] flatAscii = breaks && ascii != null ? flatBytes(ascii) : ascii;
        int[] shared = starts.shared();
        int sharedCount = starts.sharedCount();
        int size = n.length();
        // a phrase counts only where one of its keywords occurs in the text: checked only for phrases with candidates;
        // with many candidates, check the keywords first (a few hundred ns each); with few, only once the phrase
        // matched
        long checkFirst = 0;
        int keywordsToCheck = 0;
        for (int k = 0; k < PHRASES.size(); k++) {
            if ((wanted & (1L << k)) != 0 && starts.count(k) > FEW_CANDIDATES) {
                checkFirst |= 1L << k;
                keywordsToCheck += KEYWORDS[k].length + (ALSO[k] == null ? 0 : ALSO[k].length);
            }
        }
        // many keywords to look for (text where most phrases have candidates, such as text outside ASCII): one pass for
        // all
        long present =
                keywordsToCheck > ONE_PASS_KEYWORDS ? phrasesWithKeywords(flat, flatAscii, checkFirst, metered) : -1L;
        int[] found = null; // the current phrase's matches, start and end, until its keywords are checked
        for (int k = 0; k < PHRASES.size(); k++) {
            int count = starts.count(k);
            if (count == 0 || (wanted & (1L << k)) == 0) {
                continue;
            }
            boolean keywordsFirst = count > FEW_CANDIDATES;
            if (keywordsFirst
                    && ((present & (1L << k)) == 0 || (present == -1L && !keywordsPresent(flat, k, metered)))) {
                continue;
            }
            int matches = 0;
            Matcher m = MATCHERS.acquire(k, metered);
            try {
                m.useTransparentBounds(true);
                m.useAnchoringBounds(false);
                int next = 0;
                int[] own = starts.own(k);
                int ownCount = starts.ownCount(k);
                int a = 0;
                int b = 0;
                while (a < ownCount || b < sharedCount) {
                    // the phrase's own candidates and those of every phrase, in increasing order
                    int at = b >= sharedCount || (a < ownCount && own[a] < shared[b]) ? own[a++] : shared[b++];
                    if (at < next) {
                        continue;
                    }
                    m.region(at, size);
                    if (!m.lookingAt()) {
                        continue;
                    }
                    next = m.end() == m.start() ? m.end() + 1 : m.end();
                    if (found == null || found.length < 2 * matches + 2) {
                        found = java.util.Arrays.copyOf(found == null ? new int[0] : found, 2 * matches + 16);
                    }
                    found[2 * matches] = m.start();
                    found[2 * matches + 1] = m.end();
                    matches++;
                }
            } finally {
                MATCHERS.release(k, m);
            }
            if (matches > 0 && (keywordsFirst || keywordsPresent(flat, k, metered))) {
                for (int i = 0; i < matches; i++) {
                    sink.match(k, found[2 * i], found[2 * i + 1]);
                }
            }
        }
    }

    /**
     * The phrases read as a model reads the text ({@link PhraseReading}): inline markup left out and punctuation,
     * quotes, brackets, symbols and emoji between words read as a space. Adds each match that the scan of the normal
     * form did not find (one that reads through something folded and overlaps no finding of the phrase's type), mapped
     * back to the original text, as {@code INJECTION_OBFUSCATION} at the phrase's confidence: a phrase broken up by
     * markup or punctuation is the shape of an evasion, and the phrase findings stay exactly the phrase patterns'
     * matches of the normal form ({@code InjectionScanTest}).
     */
    private void readThrough(
            NormalizedText norm,
            PatternStarts.Candidates written,
            MeteredText text,
            MeteredText metered,
            List<Finding> hits) {
        String n = norm.text();
        PhraseReading reading = PhraseReading.of(n, norm.asciiOrNull(), metered);
        if (reading == null) {
            return; // nothing to fold: the normal form is the reading
        }
        int asWritten = hits.size();
        List<Finding> added = new ArrayList<>(0);
        MeteredText view = text.view(reading.text);
        long[][][] lazy = {null}; // per type, the spans found as written: built at the first match read through
        PatternStarts.Candidates starts = reading.candidates(STARTS, READ_THROUGH, written, metered);
        matchPhrases(reading.text, reading.ascii, starts, view, READ_THROUGH, (k, s, e) -> {
            int read = reading.readsThrough(s, e, metered);
            if (read == PhraseReading.NOT_READ_THROUGH) {
                return;
            }
            Phrase phrase = PHRASES.get(k);
            if (read == PhraseReading.SEPARATED) {
                // a separator further in: only where the phrase's own grammar has that punctuation ("from now on, you")
                int[] last = {0};
                String restored = reading.withPunctuation(n, s, e, last);
                metered.charge(2L * restored.length());
                Matcher m = phrase.pattern.matcher(restored);
                if (!m.lookingAt() || m.end() <= last[0]) {
                    return;
                }
            }
            int start = norm.originalStart(reading.normalStart(s));
            int end = Math.max(start, norm.originalEnd(reading.normalEnd(e)));
            if (lazy[0] == null) {
                lazy[0] = writtenSpans(hits, asWritten);
            }
            if (overlaps(lazy[0][typeIndex(phrase.type)], start, end)) {
                return; // the same phrase, found as written
            }
            added.add(new Finding(FindingTypes.INJECTION_OBFUSCATION, start, end, phrase.confidence, id()));
        });
        hits.addAll(added);
    }

    private static final List<String> READ_TYPES = List.of(
            FindingTypes.INJECTION_OVERRIDE,
            FindingTypes.INJECTION_ROLE_HIJACK,
            FindingTypes.INJECTION_PROMPT_EXTRACTION);

    private static int typeIndex(String type) {
        int i = READ_TYPES.indexOf(type);
        return i < 0 ? READ_TYPES.size() : i;
    }

    /**
     * Per type of {@link #READ_TYPES} (and one for the rest), the spans of the first {@code count} findings of that type
     * as {@code start << 32 | end}, sorted, each end replaced by the largest end so far (so that {@link #overlaps} is
     * one binary search).
     */
    private static long[][] writtenSpans(List<Finding> hits, int count) {
        int types = READ_TYPES.size() + 1;
        int[] sizes = new int[types];
        for (int i = 0; i < count; i++) {
            sizes[typeIndex(hits.get(i).type())]++;
        }
        long[][] spans = new long[types][];
        for (int t = 0; t < types; t++) {
            spans[t] = new long[sizes[t]];
            sizes[t] = 0;
        }
        for (int i = 0; i < count; i++) {
            Finding f = hits.get(i);
            int t = typeIndex(f.type());
            spans[t][sizes[t]++] = ((long) f.start() << 32) | f.end();
        }
        for (long[] s : spans) {
            java.util.Arrays.sort(s);
            long maxEnd = 0;
            for (int i = 0; i < s.length; i++) {
                maxEnd = Math.max(maxEnd, s[i] & 0xFFFFFFFFL);
                s[i] = (s[i] & ~0xFFFFFFFFL) | maxEnd;
            }
        }
        return spans;
    }

    /** Whether a span of {@code spans} (see {@link #writtenSpans}) overlaps {@code [start, end)}. */
    private static boolean overlaps(long[] spans, int start, int end) {
        // the last span starting before end: the largest end of all spans starting before it
        int lo = 0;
        int hi = spans.length - 1;
        int last = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if ((spans[mid] >>> 32) < end) {
                last = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return last >= 0 && (spans[last] & 0xFFFFFFFFL) > start;
    }

    /**
     * Matches of the strong phrases (confidence 0.75 or more) that need a typo of a key word read as the key word
     * ("ingore all previous instructions", "vergiss alle vorherigen anweisugen"), at 0.1 less than the phrase's
     * confidence. Only text with such a typo (rare in any text) is scanned again.
     */
    private void typos(NormalizedText norm, MeteredText metered, List<Finding> hits) {
        String n = norm.text();
        List<int[]> found = new ArrayList<>(0);
        List<String> words = new ArrayList<>(0);
        metered.charge(KeywordTypos.find(n, norm.asciiOrNull(), (s, e, w) -> {
            found.add(new int[] {s, e});
            words.add(w);
        }));
        if (found.isEmpty()) {
            return;
        }
        // the text with each typo replaced by its key word, and per character of it, its offset in n
        StringBuilder fixed = new StringBuilder(n.length() + 8);
        int[] origin = new int[n.length() + 8 * found.size() + 1];
        int at = 0;
        for (int t = 0; t < found.size(); t++) {
            int[] span = found.get(t);
            origin = appendMapped(fixed, origin, n, at, span[0]);
            String w = words.get(t);
            for (int k = 0; k < w.length(); k++) {
                origin = grow(origin, fixed.length() + 1);
                origin[fixed.length()] = span[0] + Math.min(k, span[1] - span[0] - 1);
                fixed.append(w.charAt(k));
            }
            at = span[1];
        }
        origin = appendMapped(fixed, origin, n, at, n.length());
        String corrected = fixed.toString();
        String flat = corrected.replace('\n', ' ');
        MeteredText view = metered.view(corrected);
        for (int k = 0; k < PHRASES.size(); k++) {
            Phrase phrase = PHRASES.get(k);
            if (phrase.confidence < 0.75 || !keywordsPresent(flat, k, metered)) {
                continue;
            }
            Matcher m = phrase.pattern.matcher(view);
            while (m.find()) {
                int s = origin[m.start()];
                int e = m.end() == m.start() ? s : origin[m.end() - 1] + 1;
                if (!coversTypo(found, s, e)) {
                    continue; // found by the scan of the text as written
                }
                int start = norm.originalStart(s);
                int endOriginal = Math.max(start, norm.originalEnd(e));
                if (overlapsHit(hits, phrase.type, start, endOriginal)) {
                    continue; // the same phrase, already found as written
                }
                hits.add(new Finding(phrase.type, start, endOriginal, phrase.confidence - 0.1, id()));
            }
        }
    }

    private static boolean overlapsHit(List<Finding> hits, String type, int start, int end) {
        for (Finding f : hits) {
            if (f.type().equals(type) && f.start() < end && f.end() > start) {
                return true;
            }
        }
        return false;
    }

    private static boolean coversTypo(List<int[]> typos, int start, int end) {
        for (int[] t : typos) {
            if (t[0] < end && t[1] > start) {
                return true;
            }
        }
        return false;
    }

    private static int[] appendMapped(StringBuilder out, int[] origin, String n, int from, int to) {
        int[] o = grow(origin, out.length() + (to - from) + 1);
        for (int i = from; i < to; i++) {
            o[out.length()] = i;
            out.append(n.charAt(i));
        }
        return o;
    }

    private static int[] grow(int[] a, int size) {
        return size <= a.length ? a : java.util.Arrays.copyOf(a, Math.max(size, a.length * 2));
    }

    /** A copy of {@code ascii} with line breaks made spaces. */
    private static byte[] flatBytes(byte[] ascii) {
        byte[] b = ascii.clone();
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                b[i] = ' ';
            }
        }
        return b;
    }

    /** Characters that spell a word out letter by letter ("d-i-s-c-l-o-s-e", "r.e.v.e.a.l", "s_y_s_t_e_m", "p*r*o*m*p*t"). */
    private static final String LETTER_SEPARATORS = "-._*";

    /** Letters a run of {@link #LETTER_SEPARATORS} must spell out to count (acronyms such as "U.S.A." or "e.g." stay below). */
    static final int SEPARATED_LETTERS = 6;

    /**
     * The runs of {@value #SEPARATED_LETTERS} or more single letters joined by one of {@link #LETTER_SEPARATORS} (the
     * same one throughout), with no letter or digit on either side, in {@code n}. Linear: each separator is found with
     * {@link String#indexOf(int, int)} and a run is read once.
     */
    static void separatedLetters(String n, MeteredText metered, Recognizer.MatchSink sink) {
        int size = n.length();
        long read = 0;
        try {
            for (int s = 0; s < LETTER_SEPARATORS.length(); s++) {
                char sep = LETTER_SEPARATORS.charAt(s);
                int from = 0;
                while (from < size) {
                    int i = n.indexOf(sep, from);
                    read += (i < 0 ? size : i) - from + 1;
                    if (i < 0) {
                        break;
                    }
                    // a run starts at a single letter before the separator
                    if (i == 0 || !singleLetterAt(n, i - 1)) {
                        from = i + 1;
                        continue;
                    }
                    int letters = 1;
                    int k = i;
                    while (k + 1 < size && n.charAt(k) == sep && singleLetterAt(n, k + 1)) {
                        letters++;
                        k += 2;
                    }
                    read += k - i;
                    if (letters >= SEPARATED_LETTERS) {
                        sink.match(i - 1, k);
                    }
                    from = Math.max(i + 1, k);
                }
            }
        } finally {
            metered.charge(read);
        }
    }

    /** Whether {@code n} has a letter at {@code i} with no letter or digit on either side. */
    private static boolean singleLetterAt(String n, int i) {
        return Character.isLetter(n.charAt(i))
                && (i == 0 || !Character.isLetterOrDigit(n.charAt(i - 1)))
                && (i + 1 == n.length() || !Character.isLetterOrDigit(n.charAt(i + 1)));
    }

    /** Adds an obfuscation finding for each match of {@link #SPACED_LETTERS} in the normal form (see {@link #spacedLetters}). */
    private void spacedLetters(NormalizedText norm, MeteredText metered, List<Finding> hits) {
        spacedLetters(norm.text(), metered, (s, e) -> {
            int start = norm.originalStart(s);
            hits.add(new Finding(
                    FindingTypes.INJECTION_OBFUSCATION, start, Math.max(start, norm.originalEnd(e)), 0.55, id()));
        });
    }

    /**
     * The matches of {@link #SPACED_LETTERS} (nine or more "letter space" pairs and a last letter, with
     * whitespace or the start of the text before, and no letter or digit after) in {@code n}, as a {@code find()} loop finds
     * them, in linear time: a run of pairs is read once. The pattern's pairs are possessive, so they
     * end where the run ends: every start inside a run that fails fails the same way (too few pairs,
     * or no last letter followed by whitespace), and the scan resumes after the run instead of
     * reading it again from its next pair (which the regex did: quadratic in the run's length).
     */
    static void spacedLetters(String n, MeteredText metered, Recognizer.MatchSink sink) {
        int size = n.length();
        long read = 0;
        try {
            int i = 0;
            while (i < size) {
                // (?<!\S): the start of the text or right after whitespace
                if (i > 0 && !javaSpace(n.charAt(i - 1))) {
                    i++;
                    read++;
                    continue;
                }
                int j = i;
                int pairs = 0;
                int last; // the code point at j: the letter that must end the match
                while (true) {
                    last = Character.codePointAt(n, j);
                    int len = Character.charCount(last);
                    read += len + 1;
                    if (!Character.isLetter(last) || j + len >= size || n.charAt(j + len) != ' ') {
                        break;
                    }
                    pairs++;
                    j += len + 1;
                    if (j >= size) {
                        break;
                    }
                }
                if (j < size && pairs >= 9 && Character.isLetter(last)) {
                    int end = j + Character.charCount(last);
                    if (end == size || !Character.isLetterOrDigit(Character.codePointAt(n, end))) {
                        sink.match(i, end);
                        i = end;
                        continue;
                    }
                }
                // no match from i, nor from any later pair of this run (same end, fewer pairs): resume at the run's end
                i = Math.max(i + 1, j);
            }
        } finally {
            metered.charge(read);
        }
    }

    /** The spaced-letters pattern the linear scan {@link #spacedLetters(String, MeteredText, Recognizer.MatchSink)} replaces (tests). */
    static Pattern spacedLettersPattern() {
        return SPACED_LETTERS;
    }

    private static final int BASE64_POSSIBLE = 1;
    private static final int HEX_POSSIBLE = 2;
    private static final int SPACED_POSSIBLE = 4;
    /** Per ASCII character: {@link #B64} if base64, {@link #HEX_DIGIT} if a hex digit. */
    private static final byte[] ENCODING_CLASS = new byte[128];

    private static final int B64 = 1;
    private static final int HEX_DIGIT = 2;

    static {
        for (char c = 0; c < 128; c++) {
            ENCODING_CLASS[c] = (byte) ((base64Char(c) ? B64 : 0) | (hexChar(c) ? HEX_DIGIT : 0));
        }
    }

    /**
     * One pass over the normalised text deciding which of the rarer scans can find anything at all:
     * {@link #BASE64} needs a run of 20 base64 characters; {@link #HEX} needs {@code \x}, or 24 hex
     * digits in a stretch of hex digits, spaces and colons (what {@link #hexMatch} needs);
     * {@link #SPACED_LETTERS} needs nine spaces in a row with one or two characters (a letter)
     * between each two. Prose has none of them, so the scans are skipped.
     *
     * <p>The first two are scans of the original text; its normal form keeps every ASCII character
     * (lower-casing base64 and hex characters into base64 and hex characters, {@code \X} into
     * {@code \x}), removes only non-ASCII ones (which break such runs anyway) and collapses
     * spaces, so every run of the original is a run here too.
     */
    static int gates(String n, byte[] ascii) {
        if (ascii != null && n.indexOf('\\') < 0 && !AsciiLanes.mayHoldLongRunsOrShortWords(ascii)) {
            return 0; // none of the runs below can reach its length (eight bytes at a time; no backslash, so no \\x)
        }
        return exactGates(n, ascii);
    }

    /** {@link #gates} character by character. */
    static int exactGates(String n, byte[] ascii) {
        int found = 0;
        int run = 0;
        int hexDigits = 0;
        int lastSpace = -1;
        int shortTokens = 0;
        for (int i = 0, size = n.length(); i < size; i++) {
            char c = ascii != null
                    ? (char) ascii[i]
                    : n.charAt(i); // (the same characters; the bytes are faster to read)
            int cls = c < 128 ? ENCODING_CLASS[c] : 0;
            if (cls != 0) {
                if (++run >= 20) {
                    found |= BASE64_POSSIBLE;
                }
                if ((cls & HEX_DIGIT) != 0 && ++hexDigits >= 24) {
                    found |= HEX_POSSIBLE;
                } else if ((cls & HEX_DIGIT) == 0) {
                    hexDigits = 0;
                }
                continue;
            }
            run = 0;
            if (c == ' ') {
                int token = i - lastSpace - 1;
                shortTokens = lastSpace >= 0 && token >= 1 && token <= 2 ? shortTokens + 1 : 0;
                if (shortTokens >= 8) {
                    found |= SPACED_POSSIBLE;
                }
                lastSpace = i;
            } else if (c != ':') {
                hexDigits = 0;
                if (c == '\\' && i + 1 < size && n.charAt(i + 1) == 'x') {
                    found |= HEX_POSSIBLE;
                }
            }
        }
        return found;
    }

    /** Decodes base64 or hex runs that look like text and reports an obfuscation finding when the decoded text is an injection. */
    private void decoded(MeteredText original, Pattern encoding, boolean base64, List<Finding> hits) {
        String text = original.string();
        Matcher m = null;
        int size = text.length();
        int next = 0;
        long read = 0;
        try {
            for (int i = 0; i < size; i++) {
                char ch = text.charAt(i);
                read++;
                int start = i;
                int end;
                if (base64) {
                    if (!base64Char(ch)) {
                        continue;
                    }
                    // a run of base64 characters: only its first position can start a match, and only if it is 20 long
                    int j = i + 1;
                    while (j < size && base64Char(text.charAt(j))) {
                        j++;
                    }
                    read += j - i;
                    boolean candidate = i >= next && j - i >= 20 && (i == 0 || !base64Char(text.charAt(i - 1)));
                    if (!candidate) {
                        i = j - 1;
                        continue;
                    }
                    if (m == null) {
                        m = encoding.matcher(original);
                        m.useTransparentBounds(true);
                        m.useAnchoringBounds(false);
                    }
                    m.region(i, size);
                    if (!m.lookingAt()) {
                        continue;
                    }
                    end = m.end();
                } else {
                    if ((ch != '\\' && !hexChar(ch))
                            || i < next
                            || (ch != '\\' && i > 0 && hexChar(text.charAt(i - 1)))) {
                        continue; // (a hex digit right after another starts no match: the pattern looks behind)
                    }
                    end = hexMatch(text, i);
                    if (end < 0) {
                        // no match here, nor at a later pair of the same run (the same run, fewer pairs): resume after
                        // it
                        int stop = -end - 1;
                        read += stop - i + 1;
                        i = Math.max(i, stop - 1);
                        continue;
                    }
                    read += end - i;
                }
                next = end == start ? end + 1 : end;
                String value = text.substring(start, end);
                read += 2L * value.length(); // decoded and checked for printable text
                String decoded = base64 ? decodeBase64(value) : decodeHex(value);
                if (decoded == null) {
                    continue;
                }
                String n = NormalizedText.of(decoded).text();
                read += (long) decoded.length() + n.length();
                MeteredText metered = original.view(n);
                for (int k = 0; k < PHRASES.size(); k++) {
                    Phrase phrase = PHRASES.get(k);
                    if (phrase.confidence >= 0.75
                            && keywordsPresent(n.replace('\n', ' '), k, original)
                            && phrase.pattern.matcher(metered).find()) {
                        hits.add(new Finding(FindingTypes.INJECTION_OBFUSCATION, start, end, 0.9, id()));
                        break;
                    }
                }
            }
        } finally {
            original.charge(read);
        }
    }

    /**
     * Where {@link #HEX} matches at {@code i} (with transparent bounds, as {@code lookingAt}), in one pass:
     * {@code (?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){12,4096}+} (pairs of hex digits, each with an optional space or
     * colon: possessive, so the most pairs, and at least 12) or {@code (?:\\x[0-9A-Fa-f]{2}){8,4096}+}. Returns the
     * match's end, or {@code -(e + 1)} where {@code e} is where to look next: after a run of pairs that fell short, the
     * end of that run (a later start in it reads the same run to the same end, with fewer pairs, and fails too); else
     * the next position.
     */
    static int hexMatch(String t, int i) {
        int n = t.length();
        if (t.charAt(i) == '\\') {
            int j = i;
            int k = 0;
            while (k < 4096
                    && j + 3 < n
                    && t.charAt(j) == '\\'
                    && t.charAt(j + 1) == 'x'
                    && hexChar(t.charAt(j + 2))
                    && hexChar(t.charAt(j + 3))) {
                j += 4;
                k++;
            }
            return k >= 8 ? j : -(i + 2); // (no skip: a pair of hex digits inside may start the first alternative)
        }
        if (i > 0 && hexChar(t.charAt(i - 1))) {
            return -(i + 1);
        }
        int j = i;
        int k = 0;
        while (k < 4096 && j + 1 < n && hexChar(t.charAt(j)) && hexChar(t.charAt(j + 1))) {
            j += 2;
            if (j < n && (t.charAt(j) == ' ' || t.charAt(j) == ':')) {
                j++;
            }
            k++;
        }
        return k >= 12 ? j : -(Math.max(j, i + 1) + 1);
    }

    /** The hex pattern {@link #hexMatch} replaces (tests). */
    static Pattern hexPattern() {
        return HEX;
    }

    /** Whether normalised (lower-case) text contains one of the keywords (the JDK's vectorised search), charging {@code metered} with the characters each search passed. */
    private static boolean containsAny(String normalized, String[] keywords, MeteredText metered) {
        long read = 0;
        try {
            for (String k : keywords) {
                int at = normalized.indexOf(k);
                if (at >= 0) {
                    read += at + k.length();
                    return true;
                }
                read += normalized.length();
            }
            return false;
        } finally {
            metered.charge(read);
        }
    }

    /** Java's {@code \s}: the characters {@code (?<!\S)} accepts before a match. */
    private static boolean javaSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean base64Char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    private static boolean hexChar(char c) {
        return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
    }

    private static String decodeBase64(String s) {
        String body = s;
        int pad = (4 - body.length() % 4) % 4;
        if (pad == 3) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(body + "==".substring(0, pad == 0 ? 0 : Math.min(pad, 2)));
            return printable(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decodeHex(String s) {
        StringBuilder hex = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) >= 0 && !(c == 'x' || c == 'X')) {
                hex.append(c);
            }
        }
        String h = s.contains("\\x") ? s.replace("\\x", "") : hex.toString();
        if (h.length() % 2 != 0) {
            return null;
        }
        byte[] bytes = new byte[h.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(h.charAt(2 * i), 16);
            int lo = Character.digit(h.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes[i] = (byte) (hi * 16 + lo);
        }
        return printable(bytes);
    }

    /** The bytes as UTF-8 text if at least 90% of them are printable ASCII or whitespace, else null. */
    private static String printable(byte[] bytes) {
        if (bytes.length < 12) {
            return null;
        }
        int ok = 0;
        for (byte b : bytes) {
            if ((b >= 32 && b < 127) || b == '\n' || b == '\r' || b == '\t') {
                ok++;
            }
        }
        return ok >= bytes.length * 0.9 ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    @Override
    public String toString() {
        return "PromptInjectionDetector";
    }
}
