package dev.llmgate.policy;

/**
 * The finding types of the built-in detectors. Types are plain strings so that custom detectors
 * can add their own; rules select types by name or by glob ({@code "SECRET_*"}).
 */
public final class FindingTypes {
    private FindingTypes() {}

    // Personal data
    public static final String EMAIL = "EMAIL";
    public static final String PHONE = "PHONE";
    public static final String US_SSN = "US_SSN";
    public static final String CREDIT_CARD = "CREDIT_CARD";
    public static final String CARD_CVV = "CARD_CVV";
    public static final String CARD_TRACK_DATA = "CARD_TRACK_DATA";
    public static final String IBAN = "IBAN";
    public static final String ABA_ROUTING = "ABA_ROUTING";
    public static final String BANK_ACCOUNT = "BANK_ACCOUNT";
    public static final String IP_ADDRESS = "IP_ADDRESS";
    public static final String MAC_ADDRESS = "MAC_ADDRESS";
    public static final String URL = "URL";
    public static final String DATE = "DATE";
    public static final String DATE_OF_BIRTH = "DATE_OF_BIRTH";
    public static final String US_PASSPORT = "US_PASSPORT";
    public static final String US_DRIVER_LICENSE = "US_DRIVER_LICENSE";
    public static final String US_ITIN = "US_ITIN";
    public static final String US_NPI = "US_NPI";
    public static final String US_DEA = "US_DEA";
    /** A US Medicare Beneficiary Identifier (CMS's 11-character format). */
    public static final String US_MBI = "US_MBI";
    /** A UK NHS number (10 digits, modulus-11 check digit). */
    public static final String UK_NHS = "UK_NHS";
    /** A UK National Insurance number (HMRC's prefix, six digits, suffix A–D). */
    public static final String UK_NINO = "UK_NINO";
    /** A Canadian Social Insurance Number (9 digits, Luhn). */
    public static final String CA_SIN = "CA_SIN";

    public static final String MEDICAL_RECORD_NUMBER = "MEDICAL_RECORD_NUMBER";
    public static final String HEALTH_PLAN_NUMBER = "HEALTH_PLAN_NUMBER";
    public static final String LICENSE_NUMBER = "LICENSE_NUMBER";
    public static final String VEHICLE_ID = "VEHICLE_ID";
    public static final String DEVICE_ID = "DEVICE_ID";
    public static final String POSTAL_ADDRESS = "POSTAL_ADDRESS";
    public static final String ZIP_CODE = "ZIP_CODE";
    public static final String PERSON_NAME = "PERSON_NAME";

    // Secrets
    public static final String SECRET_OPENAI_KEY = "SECRET_OPENAI_KEY";
    public static final String SECRET_ANTHROPIC_KEY = "SECRET_ANTHROPIC_KEY";
    public static final String SECRET_AWS_ACCESS_KEY = "SECRET_AWS_ACCESS_KEY";
    public static final String SECRET_AWS_SECRET_KEY = "SECRET_AWS_SECRET_KEY";
    public static final String SECRET_GITHUB_TOKEN = "SECRET_GITHUB_TOKEN";
    public static final String SECRET_SLACK_TOKEN = "SECRET_SLACK_TOKEN";
    public static final String SECRET_STRIPE_KEY = "SECRET_STRIPE_KEY";
    public static final String SECRET_GOOGLE_API_KEY = "SECRET_GOOGLE_API_KEY";
    public static final String SECRET_JWT = "SECRET_JWT";
    public static final String SECRET_PRIVATE_KEY = "SECRET_PRIVATE_KEY";
    public static final String SECRET_ASSIGNMENT = "SECRET_ASSIGNMENT";

    // Prompt injection
    public static final String INJECTION_OVERRIDE = "INJECTION_OVERRIDE";
    public static final String INJECTION_ROLE_HIJACK = "INJECTION_ROLE_HIJACK";
    public static final String INJECTION_PROMPT_EXTRACTION = "INJECTION_PROMPT_EXTRACTION";
    public static final String INJECTION_DELIMITER = "INJECTION_DELIMITER";
    public static final String INJECTION_OBFUSCATION = "INJECTION_OBFUSCATION";

    // Exfiltration (ExfiltrationDetector)
    /** A URL that carries data out: an image URL (fetched without a click) whose query or path looks encoded. */
    public static final String EXFILTRATION_URL = "EXFILTRATION_URL";
    /** A URL with a placeholder for conversation data, waiting to be filled ({@code ?q={conversation}}, {@code $SECRET}). */
    public static final String EXFILTRATION_TEMPLATE = "EXFILTRATION_TEMPLATE";
    /** An instruction to put the conversation, a secret or the user's data into a URL, link or image. */
    public static final String EXFILTRATION_INSTRUCTION = "EXFILTRATION_INSTRUCTION";

    // Deny lists
    public static final String DENIED_TERM = "DENIED_TERM";
    /** Prefix of denied-topic findings: {@code "TOPIC_" + name}. */
    public static final String TOPIC_PREFIX = "TOPIC_";
}
