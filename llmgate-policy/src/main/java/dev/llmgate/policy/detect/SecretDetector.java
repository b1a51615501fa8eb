package dev.llmgate.policy.detect;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.Checksums;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.PemBlockFinder;
import dev.llmgate.policy.detect.internal.Recognizer;
import dev.llmgate.policy.detect.internal.RecognizerSet;
import dev.llmgate.policy.detect.internal.Starts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * API keys, tokens and credentials: OpenAI, Anthropic, AWS access and secret keys, GitHub, Slack
 * (tokens and webhooks), Stripe secret/restricted keys, Google API keys and OAuth tokens, JWTs,
 * PEM private key blocks, and generic assignments such as {@code password=...} or
 * {@code api_key: "..."} whose value has enough entropy to be a real secret (placeholders such as
 * {@code <your-key>}, {@code ${VAR}} or {@code xxxx} are ignored). Immutable and thread-safe.
 */
public final class SecretDetector implements Detector {
    /** The keywords of an assigned secret; a name may end with one of them (then {@link #KEY_NAME_TAIL}). */
    private static final String ASSIGNED_KEYWORDS =
            "password|passwd|pwd|passphrase|(?<=[_.-])pass|secret|client[_. -]?secret|api[_. -]?key|apikey"
                    + "|access[_. -]?(?:token|key)|account[_. -]?key|auth[_. -]?token|bearer|token|private[_. -]?key"
                    + "|(?:encryption|signing|master|session)[_. -]?key"
                    + "|passwort|contrase[ñn]a|mot de passe";

    /** Between a name and its value: an assignment sign, or white space alone; a value may stand on an indented next line. */
    private static final String ASSIGNED =
            "[\"']?[ \\t]{0,16}(?:[:=]|=>|>|\\s)(?:[ \\t]{0,16}|[ \\t]{0,3}(?:\\r?\\n){1,2}[ \\t]{0,16})[\"']?";

    /** Like {@link #ASSIGNED}, with a sign. */
    private static final String ASSIGNED_BY_SIGN =
            "[\"']?[ \\t]{0,16}(?:[:=]|=>)(?:[ \\t]{0,16}|[ \\t]{0,3}(?:\\r?\\n){1,2}[ \\t]{0,16})[\"']?";

    /** What may follow the keyword in the same name: {@code _KEY}, {@code AccessKey}, {@code _KEY_BASE}, a digit or three. */
    private static final String KEY_NAME_TAIL = "(?:[_.-]?(?:access|key|token|secret|base|value)){0,3}[0-9]{0,3}";

    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static final List<Recognizer> RECOGNIZERS = List.of(
            Recognizer.of(
                            FindingTypes.SECRET_ANTHROPIC_KEY,
                            "\\bsk-ant-" + body("[A-Za-z0-9_-]", 20, 200),
                            0,
                            split(20, 200, (t, s, m) -> 0.95))
                    .startingAt(Starts.of().prefixes(false, "sk-ant-").notAfter(Starts.WORD)),
            Recognizer.of(
                            FindingTypes.SECRET_OPENAI_KEY,
                            "\\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?" + body("[A-Za-z0-9_-]", 20, 200),
                            0,
                            split(20, 200, (t, s, m) -> Checksums.entropy(t, s[0], s[1]) > 3.0 ? 0.9 : -1))
                    .startingAt(Starts.of().prefixes(false, "sk-").notAfter(Starts.WORD)),
            Recognizer.of(
                            FindingTypes.SECRET_AWS_ACCESS_KEY,
                            "\\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)" + body("[A-Z0-9]", 16, 16) + "\\b",
                            0,
                            split(16, 16, (t, s, m) -> 0.95))
                    .startingAt(Starts.of()
                            .prefixes(false, "AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA")
                            .notAfter(Starts.WORD)),
            Recognizer.labelled(
                            FindingTypes.SECRET_AWS_SECRET_KEY,
                            "(?i)aws[_-]?secret_?(?:access_?)?key[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
                            1,
                            0,
                            0.95)
                    .onlyWith("awssecret", "aws_secret", "aws-secret"),
            Recognizer.of(
                            FindingTypes.SECRET_GITHUB_TOKEN,
                            "\\b(?:gh[pousr]_" + body("[A-Za-z0-9]", 36, 255) + "|github_pat_"
                                    + body("[A-Za-z0-9_]", 22, 255) + ")",
                            0,
                            split(22, 255, (t, s, m) -> 0.95))
                    .startingAt(Starts.of()
                            .prefixes(false, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
                            .notAfter(Starts.WORD)),
            Recognizer.of(
                            FindingTypes.SECRET_SLACK_TOKEN,
                            "\\bxox[abposr]-" + body("[A-Za-z0-9-]", 10, 250)
                                    + "|https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,120}+",
                            0,
                            split(10, 250, (t, s, m) -> 0.95))
                    .onlyWith("xox", "https://hooks.slack.com/services/"),
            Recognizer.of(
                            FindingTypes.SECRET_STRIPE_KEY,
                            "\\b(?:sk|rk)_(?:live|test)_" + body("[A-Za-z0-9]", 10, 99),
                            0,
                            split(10, 99, (t, s, m) -> 0.95))
                    .startingAt(Starts.of()
                            .prefixes(false, "sk_live_", "sk_test_", "rk_live_", "rk_test_")
                            .notAfter(Starts.WORD)),
            Recognizer.of(
                            FindingTypes.SECRET_GOOGLE_API_KEY,
                            "\\bAIza" + body("[0-9A-Za-z_-]", 35, 35) + "(?![0-9A-Za-z_-])"
                                    + "|\\bya29\\.[0-9A-Za-z_-]{20,400}+",
                            0,
                            split(35, 35, (t, s, m) -> 0.9))
                    .startingAt(Starts.of().prefixes(false, "AIza", "ya29.").notAfter(Starts.WORD)),
            Recognizer.of(
                            FindingTypes.SECRET_JWT,
                            // the header and the payload are enough (base64url JSON objects joined by a dot): a
                            // stream's
                            // window holds them before the signature, and a token with "alg": "none" has none
                            "\\beyJ[A-Za-z0-9_-]{5,4096}+\\.eyJ[A-Za-z0-9_-]{5,8192}+(?:\\.[A-Za-z0-9_-]{10,4096}+)?",
                            Recognizer.NEEDS_DOT,
                            (t, s, m) -> 0.9)
                    .startingAt(Starts.of().prefixes(false, "eyJ").notAfter(Starts.WORD)),
            Recognizer.of(
                            FindingTypes.SECRET_PRIVATE_KEY,
                            PemBlockFinder.PATTERN,
                            Recognizer.NEEDS_DASH,
                            (t, s, m) -> 0.99)
                    .withFinder(new PemBlockFinder()),
            // a keyword at the end of a configuration name (DB_PASSWORD, OPENAI_API_KEY, x-api-key, password1,
            // SecretAccessKey, "secret_key_base"), then an assignment: an .env file, a YAML or JSON key, a header, an
            // XML element
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?<![A-Za-z0-9])(?i:(" + ASSIGNED_KEYWORDS + ")" + KEY_NAME_TAIL + ")"
                                    + "(?![A-Za-z0-9])" + ASSIGNED
                                    + "([^\\s\"',;<>{}()]{6,200}+)",
                            0,
                            SecretDetector::scoreAssignment)
                    .startingAt(Starts.of()
                            .prefixes(
                                    true,
                                    "pass",
                                    "pwd",
                                    "secret",
                                    "client",
                                    "api",
                                    "access",
                                    "auth",
                                    "bearer",
                                    "token",
                                    "private",
                                    "contrase",
                                    "mot de passe",
                                    "encryption",
                                    "signing",
                                    "master",
                                    "session",
                                    "account")
                            .notAfter(ALPHANUMERIC)),
            // the same keyword inside a camel-case name (dbPassword, awsSecretAccessKey, githubAccessToken), which the
            // start index cannot reach (it starts only at the first letter of a run): a pattern found in the texts
            // that hold such a keyword, with an assignment sign
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "((?<=[a-z0-9])(?:Pass(?:word|wd|phrase)|PASS(?:WORD|WD|PHRASE)|Pwd|PWD|Secret|SECRET"
                                    + "|(?:Api|API|Access|ACCESS|Private|PRIVATE)_?(?:Key|KEY)"
                                    + "|(?:Access|ACCESS|Auth|AUTH|Refresh|REFRESH|Session|SESSION|Api|API|Bearer"
                                    + "|BEARER)_?(?:Token|TOKEN))"
                                    // an all-capitals name run together: PGPASSWORD, MYSQLPASSWORD
                                    + "|(?<=[A-Z0-9])(?:PASSWORD|PASSWD|PASSPHRASE|SECRET))"
                                    + "(?:_?(?:Access|ACCESS)?_?(?:Key|KEY|Token|TOKEN|Secret|SECRET|Value|VALUE))?"
                                    + "[0-9]{0,3}(?![A-Za-z0-9])" + ASSIGNED_BY_SIGN
                                    + "([^\\s\"',;<>{}()]{6,200}+)",
                            0,
                            SecretDetector::scoreAssignment)
                    .onlyWith(
                            "password",
                            "passwd",
                            "passphrase",
                            "pwd",
                            "secret",
                            "apikey",
                            "api_key",
                            "accesskey",
                            "access_key",
                            "privatekey",
                            "private_key",
                            "accesstoken",
                            "access_token",
                            "authtoken",
                            "auth_token",
                            "refreshtoken",
                            "refresh_token",
                            "sessiontoken",
                            "session_token",
                            "apitoken",
                            "api_token",
                            "bearertoken",
                            "bearer_token"),
            // HTTP basic credentials: Authorization: Basic dXNlcjpwYXNz
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?i:authorization)[\"']?[ \\t]{0,16}[:=][ \\t]{0,16}[\"']?(?i:basic)[ \\t]{1,4}"
                                    + "([A-Za-z0-9+/]{8,1024}+={0,2})(?![A-Za-z0-9+/=])",
                            0,
                            SecretDetector::scoreBasicCredentials)
                    .startingAt(Starts.of().prefixes(true, "authorization").notAfter(ALPHANUMERIC)),
            // credentials in the forms of particular tools, one pattern: SQL's IDENTIFIED BY (MySQL, Oracle), Oracle's
            // thin JDBC URL (user/password@), Docker's config.json and npm's .npmrc "auth" (base64 of user:password),
            // PHP's define('DB_PASSWORD', '...') (WordPress's wp-config.php and its salts)
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?i:identified)(?:[ \\t]{1,4}(?i:with)[ \\t]{1,4}[A-Za-z0-9_]{1,64})?[ \\t\\r\\n]{1,8}(?i:by)"
                                    + "[ \\t\\r\\n]{1,8}(?:(?i:password)[ \\t]{1,4})?"
                                    + "(?:([\"'`])([^\"'`\\r\\n]{4,200}+)\\1|([^\\s\"'`;,()]{4,200}+))"
                                    + "|(?i:thin):[\"']?([^/\\s:@\"'\\[\\]]{1,64})/([^\\s\"']{4,200})@"
                                    + "(?=//|\\(|[A-Za-z0-9._-]{1,253}:\\d)"
                                    + "|(?i:auth)[\"']?[ \\t]{0,4}[:=][ \\t]{0,4}[\"']?([A-Za-z0-9+/]{8,1024}+={0,2})"
                                    + "(?![A-Za-z0-9+/=])"
                                    + "|(?i:define)[ \\t]{0,4}\\([ \\t]{0,4}[\"']([A-Za-z0-9_]{1,64})[\"'][ \\t]{0,4},[ \\t]{0,4}"
                                    + "[\"']([^\"'\\n]{6,200}+)[\"']",
                            0,
                            SecretDetector::scoreToolCredentials)
                    .startingAt(Starts.of()
                            .prefixes(true, "identified", "thin", "auth", "define")
                            .notAfter(ALPHANUMERIC)),
            // a password in a URL's userinfo: postgres://admin:S3cr3t@db.example.com/prod
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "://([^\\s:/?#@\\[\\]]{0,128}):([^\\s:/?#@\\[\\]]{6,200}+)@(?=[A-Za-z0-9\\[])",
                            Recognizer.NEEDS_AT | Recognizer.NEEDS_COLON,
                            SecretDetector::scoreUserinfoPassword)
                    .startingAt(Starts.of()
                            .chars(":")
                            .check((t, i) -> i + 2 < t.length() && t.charAt(i + 1) == '/' && t.charAt(i + 2) == '/')),
            // .NET configuration: <add key="DbPassword" value="..." /> (a name ending in a keyword, then its value)
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?<![A-Za-z0-9])(?i:key)[ \\t]{0,4}=[ \\t]{0,4}[\"'][A-Za-z0-9_.:-]{0,64}?(?i:("
                                    + ASSIGNED_KEYWORDS + ")" + KEY_NAME_TAIL
                                    + ")[\"'][ \\t]{1,16}(?i:value)[ \\t]{0,4}="
                                    + "[ \\t]{0,4}[\"']([^\\s\"'<>]{6,200}+)[\"']",
                            0,
                            SecretDetector::scoreAssignment)
                    .startingAt(Starts.of().prefixes(true, "key").notAfter(ALPHANUMERIC)),
            // a session cookie: Cookie: / Set-Cookie: / curl --cookie "sessionid=..." (a name that holds a session,
            // an authentication or a token, among the header's pairs)
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?i:cookie)[\"']?[ \\t]{0,4}[:=]?[ \\t]{0,16}[\"']?"
                                    + "(?:[A-Za-z0-9_.!#$&*+^`|~-]{1,64}=[^\\s;,\"']{0,256}+;[ \\t]{0,4}){0,16}"
                                    // the keyword as a whole part of the name (sessionid, connect.sid, auth_token,
                                    // __Secure-next-auth.session-token; not sidebar_state, author_name)
                                    + "((?:[A-Za-z0-9]{0,32}[_.-]){0,4}(?i:sess|session|sessionid|sessid|jsessionid"
                                    + "|phpsessid|sid|auth|token|jwt|remember|remember_me|logged_in)(?:[_.-][A-Za-z0-9]{1,64}){0,3})"
                                    + "=([^\\s;,\"']{16,4096}+)",
                            0,
                            SecretDetector::scoreSessionCookie)
                    .startingAt(Starts.of()
                            .prefixes(true, "cookie")
                            .notAfter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")),
            // a command line with a user and a password option: mysql -u root -pS3cr3t, docker login -u admin -p ...,
            // az login -u app -p ...; and sshpass -p ...
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?<![A-Za-z0-9_-])(?:(?:-u|--user(?:name)?)(?:[ \\t]{1,4}|=)[^\\s]{1,64}"
                                    // one command: the gap ends at ; & | (the next command's -p is another's)
                                    + "(?:[ \\t][^\\n;&|]{0,100}?)?|sshpass)[ \\t]{1,4}(-p|--pass(?:word)?(?![A-Za-z0-9_-]))"
                                    + "(?:([ \\t]{1,4}|=)[\"']?)?([^\\s\"']{6,200}+)",
                            0,
                            SecretDetector::scoreCommandLinePassword)
                    .startingAt(Starts.of()
                            .chars("-")
                            .prefixes(true, "sshpass")
                            .notAfter(ALPHANUMERIC + "_-")
                            .check((t, i) -> t.charAt(i) != '-' || userOption(t, i))),
            // curl -u user:password, --user user:password
            Recognizer.of(
                            FindingTypes.SECRET_ASSIGNMENT,
                            "(?<![A-Za-z0-9_-])(?:-u|--user)(?:[ \\t]{1,4}|=)[\"']?([^\\s:\"']{1,64}):([^\\s\"']{6,200}+)",
                            Recognizer.NEEDS_COLON,
                            SecretDetector::scoreUserPassword)
                    .startingAt(
                            Starts.of().chars("-").notAfter(ALPHANUMERIC + "_-").check(SecretDetector::userOption)));

    private static final RecognizerSet SCANNER = new RecognizerSet(RECOGNIZERS);

    /**
     * A key's body of {@code min} to {@code max} characters of {@code cls}, or the same split once by
     * a space or tab before it is complete ({@code sk-proj-AbC1 2dEf...}): a key cut in two so that
     * neither half looks like one. The split form is checked by {@link #split}.
     */
    private static String body(String cls, int min, int max) {
        String whole = cls + "{" + min + "," + max + "}+";
        if (min == max) {
            whole = cls + "{" + min + "}";
        }
        return "(" + whole + "|" + cls + "{0," + (min - 1) + "}[ \\t]" + cls + "{1," + max + "}+)";
    }

    /**
     * The scorer of a key whose body may be split once ({@link #body}): a split match counts only if
     * the body without the space has at least {@code min} (at most {@code max}) characters and mixes
     * at least two of lower-case letters, upper-case letters and digits (so that two ordinary words
     * after a prefix are no key); then {@code whole} decides.
     */
    private static Recognizer.Scorer split(int min, int max, Recognizer.Scorer whole) {
        return (t, s, m) -> {
            int space = -1;
            for (int i = s[0]; i < s[1]; i++) {
                char c = t.charAt(i);
                if (c == ' ' || c == '\t') {
                    space = i;
                    break;
                }
            }
            if (space < 0) {
                return whole.score(t, s, m);
            }
            // the body is the capturing group (of body()) that holds the space
            String part = null;
            for (int g = 1; g <= m.groupCount(); g++) {
                String x = m.group(g);
                if (x != null && (x.indexOf(' ') >= 0 || x.indexOf('\t') >= 0)) {
                    part = x;
                    break;
                }
            }
            if (part == null) {
                return -1;
            }
            int body = part.length() - 1;
            boolean lower = false;
            boolean upper = false;
            boolean digit = false;
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                lower |= c >= 'a' && c <= 'z';
                upper |= c >= 'A' && c <= 'Z';
                digit |= c >= '0' && c <= '9';
            }
            int classes = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0);
            if (body < min || body > max || classes < 2) {
                return -1;
            }
            return whole.score(t, s, m);
        };
    }

    private static final Set<String> TYPES;

    static {
        Set<String> t = new TreeSet<>();
        for (Recognizer r : RECOGNIZERS) {
            t.add(r.type());
        }
        TYPES = Set.copyOf(t);
    }

    private static final SecretDetector INSTANCE = new SecretDetector();

    private SecretDetector() {}

    /** The recognizers, in scan order (for tests of the scan's prefilters). */
    static List<Recognizer> recognizers() {
        return RECOGNIZERS;
    }

    /** The detector of every secret type listed in the class documentation. */
    public static SecretDetector all() {
        return INSTANCE;
    }

    static {
        BuiltInScans.metered(SecretDetector.class, SecretDetector::detectMetered);
        BuiltInScans.recognizers(SecretDetector.class, SecretDetector::scannedRecognizers);
    }

    @Override
    public String id() {
        return "secrets";
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
        List<Finding> found = new ArrayList<>();
        SCANNER.scan(text, id(), found);
        for (Finding f : Recognizer.resolveOverlaps(found)) {
            sink.accept(f);
        }
    }

    /**
     * The words of an instruction standing in for a value: {@code REPLACE_ME_WITH_REAL_PASSWORD},
     * {@code insert-a-long-random-string-here}, {@code put-your-key-here}, {@code change_me_later}.
     */
    private static final java.util.regex.Pattern PLACEHOLDER_PHRASE = java.util.regex.Pattern.compile(
            "(?:^|[_.-])(?:replace|insert|change)[_.-]?(?:me|with|this|a|an|the)(?:[_.-]|$)"
                    + "|[_.-]here$|^(?:insert|replace|put|paste|enter|add)[_.-]");

    /** Whether an assigned value is a placeholder or a reference, not a secret ({@code ${VAR}}, {@code <your-key>}, ...). */
    private static boolean placeholder(String value, String lower) {
        return lower.startsWith("${")
                || lower.startsWith("$")
                || lower.startsWith("#{") // release-pipeline tokens: #{DbPassword}#, __DB_PASSWORD__
                || (lower.length() > 4 && lower.startsWith("__") && lower.endsWith("__"))
                || lower.startsWith("<")
                || lower.startsWith("%")
                || lower.contains("xxxx")
                || lower.contains("****")
                || lower.contains("your")
                || lower.contains("example")
                || lower.contains("placeholder")
                || PLACEHOLDER_PHRASE.matcher(lower).find()
                || lower.equals("changeme")
                || lower.equals("redacted")
                || lower.startsWith("[")
                || Checksums.allSame(value);
    }

    /** A URL's userinfo password, unless it is a placeholder ({@code user:password@}, {@code ${DB_PASS}}, {@code ****}). */
    private static double scoreUserinfoPassword(CharSequence t, int[] span, java.util.regex.Matcher m) {
        span[0] = m.start(2);
        span[1] = m.end(2);
        String value = m.group(2);
        String lower = value.toLowerCase(Locale.ROOT);
        if (placeholder(value, lower) || placeholderWord(lower)) {
            return -1;
        }
        return Checksums.entropy(value, 0, value.length()) >= 2.0 ? 0.85 : -1;
    }

    private static double scoreAssignment(CharSequence t, int[] span, java.util.regex.Matcher m) {
        span[0] = m.start(2);
        span[1] = m.end(2);
        String value = m.group(2);
        String lower = value.toLowerCase(Locale.ROOT);
        int after = m.end(2);
        if (((after < t.length() && (t.charAt(after) == '(' || t.charAt(after) == '[')) || value.endsWith("["))
                && CODE_NAME.matcher(value).matches()) {
            return -1; // a call or an index (get_access_token(), os.environ["KEY"], form['token']): code, not a literal
        }
        if (placeholder(value, lower) || NOT_SECRETS.contains(lower) || codePath(value)) {
            return -1;
        }
        if (ALGORITHM_NAME.matcher(value).matches()
                && m.group(1).toLowerCase(Locale.ROOT).endsWith("key")) {
            return -1; // signing key: ECDSA-P256-SHA256, encryption key: AES-256-GCM names a kind of key, not a key
        }
        String key = m.group(1).toLowerCase(Locale.ROOT);
        if (key.startsWith("token") && pagingName(t, m.start(1))) {
            return -1; // nextPageToken, next_page_token, syncToken, NextToken: where a list goes on, no credential
        }
        boolean passwordLike =
                key.startsWith("pass") || key.startsWith("pwd") || key.startsWith("contra") || key.startsWith("mot");
        String sign = t.subSequence(m.end(1), m.start(2)).toString(); // between the name and the value
        if (sign.indexOf('\n') >= 0 && NEXT_ASSIGNMENT.matcher(value).lookingAt()) {
            return -1; // API_KEY=<your-api-key> then SECRET_KEY=changeme: the next line is the next setting, no value
        }
        if (passwordLike
                && (quotedLiteral(t, m.start(2), m.end(2)) || netrcLogin(t, m.start(1)))
                && !placeholderWord(lower)
                && !DOCUMENTED_PASSWORD.matcher(value).matches()) {
            // SQL's PASSWORD 'S3cr3t' (PostgreSQL's CREATE/ALTER ROLE), a quoted literal after the word; .netrc's
            // "login alice password S3cr3t": assigned as surely as by a sign
            return Checksums.entropy(value, 0, value.length()) >= 2.0 ? 0.85 : -1;
        }
        if (sign.indexOf('=') < 0 && sign.indexOf(':') < 0 && sign.indexOf('>') < 0 && !key.equals("bearer")) {
            // "token abc..." without an assignment sign: only high-entropy values count
            return Checksums.entropy(value, 0, value.length()) >= 3.5 && value.length() >= 16 ? 0.7 : -1;
        }
        double h = Checksums.entropy(value, 0, value.length());
        if (passwordLike) {
            return h >= 2.0 ? 0.85 : -1;
        }
        return h >= 3.0 && value.length() >= 12 ? 0.85 : -1;
    }

    /**
     * A setting of its own: a name and an assignment sign with something after it ({@code SECRET_KEY=changeme}); not
     * a base64 value's padding ({@code dGhpcw==}).
     */
    private static final java.util.regex.Pattern NEXT_ASSIGNMENT =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,64}[:=](?![=:]|$)");

    /**
     * The word before "token" in a name of a token that pages, resumes or marks a place in a list or a change feed, a
     * whole word of the name ({@code nextPageToken}, {@code next_page_token}; not {@code exchange_token}, {@code
     * ASYNC_TOKEN}).
     */
    private static final java.util.regex.Pattern PAGING_WORD =
            java.util.regex.Pattern.compile("(?:^|(?<=[ _.-])|(?<=[a-z0-9])(?=[A-Z]))"
                    + "(?i:page|paging|pagination|cursor|continuation|next|prev|previous|sync|resume|resumption|delta"
                    + "|marker|offset|etag|idempotency|correlation|change|changes|watermark|checkpoint|skip)"
                    + "[ _.-]?$");

    /**
     * Whether the name that ends with the keyword at {@code keywordStart} (its letters, digits, {@code _ . -} and
     * spaces on the same line, up to 40 characters back) says the token is a place in a list ({@link #PAGING_WORD}).
     */
    private static boolean pagingName(CharSequence t, int keywordStart) {
        int b = keywordStart;
        while (b > 0 && keywordStart - b < 40) {
            char c = t.charAt(b - 1);
            if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-'
                    || c == ' ')) {
                break;
            }
            b--;
        }
        return b < keywordStart
                && PAGING_WORD.matcher(t).region(b, keywordStart).find();
    }

    /** Whether {@code [start, end)} of {@code t} stands between two of the same quote, {@code 'S3cr3t'}. */
    private static boolean quotedLiteral(CharSequence t, int start, int end) {
        if (start < 1 || end >= t.length()) {
            return false;
        }
        char q = t.charAt(start - 1);
        return (q == '\'' || q == '"') && t.charAt(end) == q;
    }

    /**
     * .netrc's {@code machine HOST login NAME} (or {@code default login NAME}) right before {@code keywordStart} (white
     * space and line breaks between).
     */
    private static final java.util.regex.Pattern NETRC_LOGIN = java.util.regex.Pattern.compile(
            "(?i)(?<![A-Za-z0-9_-])(?:machine\\s{1,16}\\S{1,253}|default)"
                    + "(?:\\s{1,16}(?:account|port)\\s{1,16}\\S{1,128}){0,2}\\s{1,16}login\\s{1,16}\\S{1,128}\\s{1,16}$");

    private static boolean netrcLogin(CharSequence t, int keywordStart) {
        int from = Math.max(0, keywordStart - 440);
        return NETRC_LOGIN.matcher(t).region(from, keywordStart).find();
    }

    /** A word of a cryptographic algorithm's name (NIST, IETF JOSE and TLS names), with its size. */
    private static final String ALGORITHM_WORD =
            "(?:aes|rsa|ecdsa|eddsa|ed25519|ed448|x25519|x448|hmac|sha3?|md5|chacha20"
                    + "|poly1305|gcm|cbc|ctr|ccm|oaep|pss|pkcs|mgf|p|secp|ecdh|es|hs|rs|ps|kw|a)\\d{0,4}(?:[kr]1)?";

    /**
     * An algorithm's name of two to six parts, each a word of {@link #ALGORITHM_WORD} or a size ({@code AES-256-GCM},
     * {@code ECDSA-P256-SHA256}, {@code RSA-OAEP-256}): what a key is, not a key.
     */
    private static final java.util.regex.Pattern ALGORITHM_NAME = java.util.regex.Pattern.compile(
            "(?i)" + ALGORITHM_WORD + "(?:[-_/](?:" + ALGORITHM_WORD + "|\\d{1,4})){1,5}");

    /** Values that configure rather than hold a secret: flags, modes, type names. */
    private static final Set<String> NOT_SECRETS = Set.of(
            "true",
            "false",
            "enabled",
            "disabled",
            "enable",
            "disable",
            "always",
            "never",
            "optional",
            "required",
            "default",
            "keychain",
            "keyring",
            "prompt",
            "hidden",
            "visible",
            "masked",
            "plain",
            "plaintext",
            "hashed",
            "string",
            "secretstr",
            "nullable",
            "undefined",
            "boolean",
            "integer",
            "varchar",
            "number",
            "object",
            "bcrypt",
            "argon2",
            "argon2id",
            "scrypt",
            "pbkdf2",
            "sha256",
            "sha512");

    /** A name in code before a call or an index: lower case first, letters, underscores and dots, no digit. */
    private static final java.util.regex.Pattern CODE_NAME = java.util.regex.Pattern.compile("[a-z_$][A-Za-z_$.]*\\[?");

    /** Where a code expression's path starts ({@code config.database.password}, {@code process.env.X}). */
    private static final Set<String> CODE_ROOTS = Set.of(
            "this",
            "self",
            "config",
            "cfg",
            "conf",
            "props",
            "properties",
            "process",
            "env",
            "settings",
            "os",
            "request",
            "req",
            "options",
            "opts",
            "params",
            "app",
            "ctx",
            "context",
            "system",
            "window",
            "document",
            "secrets",
            "vars",
            "values",
            "data",
            "input",
            "args",
            "credentials",
            "creds");

    /**
     * Whether {@code value} is a path in code rather than a literal: identifiers joined by dots, starting at a usual
     * root ({@code props.dbPassword}, {@code config.database.password}, {@code process.env.X}).
     */
    private static boolean codePath(String value) {
        int segments = 0;
        int start = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == '.') {
                if (i == start) {
                    return false;
                }
                char first = value.charAt(start);
                if (!(Character.isLetter(first) || first == '_' || first == '$')) {
                    return false;
                }
                for (int k = start + 1; k < i; k++) {
                    char c = value.charAt(k);
                    if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
                        return false;
                    }
                }
                segments++;
                start = i + 1;
            }
        }
        if (segments < 2) {
            return false;
        }
        return CODE_ROOTS.contains(value.substring(0, value.indexOf('.')).toLowerCase(Locale.ROOT));
    }

    /** A session cookie's value: long and random enough to be a credential, not a placeholder, not a CSRF token. */
    private static double scoreSessionCookie(CharSequence t, int[] span, java.util.regex.Matcher m) {
        span[0] = m.start(2);
        span[1] = m.end(2);
        String value = m.group(2);
        String name = m.group(1).toLowerCase(Locale.ROOT);
        if (name.contains("csrf") || name.contains("xsrf") || placeholder(value, value.toLowerCase(Locale.ROOT))) {
            return -1;
        }
        return Checksums.entropy(value, 0, value.length()) >= 3.0 ? 0.85 : -1;
    }

    /** A word that stands for a password in examples rather than being one ({@code user:password@}, {@code -p secret}). */
    private static boolean placeholderWord(String lower) {
        return lower.equals("password")
                || lower.equals("passwd")
                || lower.equals("secret")
                || lower.equals("mypassword");
    }

    /**
     * The value of a password option on a command line with a user option: attached ({@code -pS3cr3t}), after
     * {@code --password=} or {@code sshpass -p} any value but a placeholder; written apart ({@code -p value},
     * {@code --password value}) it must look like a password, since {@code mysql -u root -p mydb} names a database and
     * prompts for the password, and ports, paths, lists and file names stand there in other commands.
     */
    private static double scoreCommandLinePassword(CharSequence t, int[] span, java.util.regex.Matcher m) {
        span[0] = m.start(3);
        span[1] = m.end(3);
        String value = m.group(3);
        String lower = value.toLowerCase(Locale.ROOT);
        char first = value.charAt(0);
        if (first == '-'
                || first == '/'
                || first == '.'
                || first == '~'
                || NUMERIC_ADDRESS.matcher(value).matches()) {
            return -1; // an option, a path (mkdir -p /srv/app), a port or an address (-p 127.0.0.1:8080:80)
        }
        if (placeholder(value, lower)
                || NOT_SECRETS.contains(lower)
                || Checksums.entropy(value, 0, value.length()) < 2.0) {
            return -1;
        }
        if (placeholderWord(lower)) {
            return -1; // sshpass -p password
        }
        boolean attached = m.group(2) == null && m.group(1).equals("-p");
        boolean assigned = "=".equals(m.group(2));
        if (attached || assigned || m.group(0).regionMatches(true, 0, "sshpass", 0, 7)) {
            return 0.85; // -pS3cr3t, --password=S3cr3t, sshpass -p …: the value can only be a password
        }
        // written apart (-p X, --password X: mysql reads X as the database and prompts), it must look like a password,
        // not a name, a path, a list or a file (mysql -u root -p shop_db, -p src/main/java, -p 8080:80/tcp,
        // -p 12345,23456, -p config.yaml, -p android.permission.CAMERA): a slash or a comma only beside a symbol other
        // than . - _ / , : and dots only with an upper-case letter and a digit
        boolean upper = false;
        boolean lowerCase = false;
        boolean digit = false;
        boolean otherSymbol = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lowerCase |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
            otherSymbol |= !Character.isLetterOrDigit(c) && ".-_/,:".indexOf(c) < 0;
        }
        if (!(upper || digit)
                || !(upper || lowerCase)
                || ((value.indexOf('/') >= 0 || value.indexOf(',') >= 0) && !otherSymbol)
                || (DOTTED_NAME.matcher(value).matches() && !(upper && digit))) {
            return -1;
        }
        return characterClasses(value) >= 2 ? 0.85 : -1;
    }

    /** {@code user:password} after a user option, unless a placeholder or the user's name again ({@code www-data:www-data}). */
    private static double scoreUserPassword(CharSequence t, int[] span, java.util.regex.Matcher m) {
        if (m.group(1).equals(m.group(2))) {
            return -1;
        }
        return scoreUserinfoPassword(t, span, m);
    }

    /** Ports, port mappings and numeric addresses: digits, dots, colons, slashes and dashes. */
    private static final java.util.regex.Pattern NUMERIC_ADDRESS = java.util.regex.Pattern.compile("[0-9.:/,-]+");

    /** A dotted name: a file, a package, a permission ({@code config.yaml}, {@code android.permission.CAMERA}). */
    private static final java.util.regex.Pattern DOTTED_NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*+(?:\\.[A-Za-z_][A-Za-z0-9_-]*+)++");

    /** Whether a user option ({@code -u}, {@code --user}) starts at {@code i} of {@code t}. */
    private static boolean userOption(CharSequence t, int i) {
        int n = t.length();
        if (i + 1 < n && t.charAt(i + 1) == 'u') {
            return true;
        }
        return i + 6 <= n && t.charAt(i + 1) == '-' && "user".contentEquals(t.subSequence(i + 2, i + 6));
    }

    /** How many of lower case, upper case, digits and other characters {@code s} has. */
    private static int characterClasses(String s) {
        int lower = 0;
        int upper = 0;
        int digit = 0;
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                lower = 1;
            } else if (c >= 'A' && c <= 'Z') {
                upper = 1;
            } else if (c >= '0' && c <= '9') {
                digit = 1;
            } else {
                other = 1;
            }
        }
        return lower + upper + digit + other;
    }

    /** Basic credentials: base64 of {@code user:password}, printable (so that prose after "Basic" is none). */
    private static double scoreBasicCredentials(CharSequence t, int[] span, java.util.regex.Matcher m) {
        return scoreBasicCredentials(span, m, 1);
    }

    /** Group {@code g} of {@code m}: base64 of a printable {@code user:password}, unless a placeholder. */
    private static double scoreBasicCredentials(int[] span, java.util.regex.Matcher m, int g) {
        span[0] = m.start(g);
        span[1] = m.end(g);
        String value = m.group(g);
        if (placeholder(value, value.toLowerCase(Locale.ROOT))) {
            return -1;
        }
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return -1; // not base64: prose ("Basic credentials")
        }
        // user:password, printable
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            int b = decoded[i] & 0xFF;
            if (b < 0x20 || b == 0x7F) {
                return -1;
            }
            if (b == ':' && colon < 0) {
                colon = i;
            }
        }
        return colon >= 0 && colon < decoded.length - 1 ? 0.85 : -1;
    }

    /**
     * An SQL statement that creates or alters a user (comments between its words) or a database link (its {@code
     * CONNECT TO … IDENTIFIED BY}), or grants to a user, up to its {@code IDENTIFIED BY}; SQL*Plus's {@code CONNECT} at
     * a line's start is read by {@link #sqlPlusConnect}.
     */
    private static final java.util.regex.Pattern SQL_USER_STATEMENT = java.util.regex.Pattern.compile(
            "(?i)(?<![A-Za-z0-9_])(?:(?:create|alter)(?:\\s{1,8}|\\s{0,8}/\\*[^*]{0,80}\\*/\\s{0,8}){1,4}"
                    + "(?:(?:shared|public)\\s{1,8}){0,2}(?:user|role|login|database\\s{1,8}link)|grant)(?![A-Za-z0-9_])"
                    + "[^;]{0,160}$");

    /**
     * A constant that holds a secret by its name's end: a password, a secret, a token, a salt, or a key of a kind
     * that is secret (WordPress's {@code AUTH_KEY}, {@code NONCE_KEY}; {@code API_KEY}); not {@code CACHE_KEY}.
     */
    private static final java.util.regex.Pattern SECRET_NAME_END = java.util.regex.Pattern.compile(
            "(?i).*(?:password|passwd|pass|pwd|secret|token|salt"
                    + "|(?:auth|secure_auth|logged_in|nonce|api|private|encryption|signing|access|master|secret|app|jwt"
                    + "|session|license|licence)_?key)(?:_?(?:[0-9]{1,3}|prod|production|dev|test|staging|live|local))?");

    /**
     * Whether the line of {@code at} begins with SQL*Plus's {@code CONNECT} (or {@code CONN}, after a {@code SQL>}
     * prompt or not) and holds no {@code ;} before {@code at}: {@code connect scott identified by …}.
     */
    private static boolean sqlPlusConnect(CharSequence t, int at) {
        int ls = at;
        while (ls > 0 && at - ls < 200 && t.charAt(ls - 1) != '\n' && t.charAt(ls - 1) != '\r') {
            ls--;
        }
        if (ls > 0 && t.charAt(ls - 1) != '\n' && t.charAt(ls - 1) != '\r') {
            return false;
        }
        String line = t.subSequence(ls, at).toString();
        return line.indexOf(';') < 0 && SQL_PLUS_CONNECT.matcher(line).lookingAt();
    }

    private static final java.util.regex.Pattern SQL_PLUS_CONNECT =
            java.util.regex.Pattern.compile("(?i)[ \\t]{0,8}(?:SQL>[ \\t]{0,4})?conn(?:ect)?[ \\t]");

    /** Placeholders of vendors' documentation for a password: {@code 'password'}, {@code new_password}, {@code :pwd}. */
    private static final java.util.regex.Pattern DOCUMENTED_PASSWORD = java.util.regex.Pattern.compile(
            "(?i)[:?@].*|(?:new|old|your|my|some|user|db|the|a)?[_ -]?pass(?:word|wd)?");

    /** The credentials of {@link #RECOGNIZERS}' pattern of particular tools' forms, by the alternative that matched. */
    private static double scoreToolCredentials(CharSequence t, int[] span, java.util.regex.Matcher m) {
        int g = m.group(2) != null ? 2 : m.group(3) != null ? 3 : m.group(5) != null ? 5 : m.group(6) != null ? 6 : 8;
        span[0] = m.start(g);
        span[1] = m.end(g);
        String value = m.group(g);
        String lower = value.toLowerCase(Locale.ROOT);
        if (placeholder(value, lower)
                || placeholderWord(lower)
                || NOT_SECRETS.contains(lower)
                || DOCUMENTED_PASSWORD.matcher(value).matches()) {
            return -1;
        }
        if (g == 6) {
            return scoreBasicCredentials(span, m, 6); // "auth": base64 of user:password
        }
        if (g == 8 && !SECRET_NAME_END.matcher(m.group(7)).matches()) {
            return -1; // define('SITE_NAME', ...), define('CACHE_KEY', ...): no secret
        }
        if ((g == 2 || g == 3)
                && !sqlPlusConnect(t, m.start())
                && !SQL_USER_STATEMENT
                        .matcher(t)
                        .region(Math.max(0, m.start() - 200), m.start())
                        .find()) {
            return -1; // "identified by their e-mail address": no statement that creates a user
        }
        return Checksums.entropy(value, 0, value.length()) >= 2.0 ? 0.85 : -1;
    }

    /** The recognizers, for a policy's shared scan. */
    private List<Recognizer> scannedRecognizers() {
        return RECOGNIZERS;
    }

    @Override
    public String toString() {
        return "SecretDetector";
    }
}
