package dev.llmgate.policy.preset;

import static dev.llmgate.policy.FindingTypes.*;

import dev.llmgate.api.Role;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.ToolPolicy;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.DenyListDetector;
import dev.llmgate.policy.detect.ExfiltrationDetector;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.PromptInjectionDetector;
import dev.llmgate.policy.detect.SecretDetector;
import dev.llmgate.policy.redact.RedactionMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bundles of detectors, rules and redaction modes for common compliance regimes. Rule ids name
 * the provision they implement; docs/policy-presets.md documents each rule with its source and
 * what the preset cannot check (e.g. photographs, biometrics). Presets combine: rules are added
 * in order, shared detectors are added once, and redaction modes you set after a preset override
 * the preset's. A preset is a starting point for your compliance work, not a certification.
 */
public enum CompliancePreset {
    /** HIPAA Safe Harbor de-identification (45 CFR 164.514(b)(2)): the 18 identifiers redacted in input and output. */
    HIPAA {
        @Override
        public void applyTo(Policy.Builder b) {
            b.detector(PiiDetector.all()).detector(SecretDetector.all()).detector(PromptInjectionDetector.all());
            b.alsoScanRoles(Role.SYSTEM, Role.DEVELOPER);
            String p = "hipaa.164.514(b)(2)(i)";
            constrain(b, p + "(A).names", PERSON_NAME);
            constrain(b, p + "(B).geographic", POSTAL_ADDRESS, ZIP_CODE);
            constrain(b, p + "(C).dates", DATE, DATE_OF_BIRTH);
            constrain(b, p + "(D-E).phone-fax", PHONE);
            constrain(b, p + "(F).email", EMAIL);
            constrain(b, p + "(G).ssn", US_SSN, US_ITIN);
            constrain(b, p + "(H).medical-record", MEDICAL_RECORD_NUMBER);
            constrain(b, p + "(I).health-plan", HEALTH_PLAN_NUMBER, US_MBI);
            constrain(b, p + "(J).account", BANK_ACCOUNT, IBAN, CREDIT_CARD, ABA_ROUTING);
            constrain(b, p + "(K).certificate-license", LICENSE_NUMBER, US_DRIVER_LICENSE, US_PASSPORT, US_DEA, US_NPI);
            constrain(b, p + "(L).vehicle", VEHICLE_ID);
            constrain(b, p + "(M).device", DEVICE_ID, MAC_ADDRESS);
            constrain(b, p + "(N).url", URL);
            constrain(b, p + "(O).ip", IP_ADDRESS);
            constrain(b, p + "(R).other-unique-id", UK_NHS, UK_NINO, CA_SIN);
            b.rule(Rule.of("hipaa.164.312(a)(1).credentials", Verdict.BLOCK, "SECRET_*"));
            b.rule(Rule.builder("hipaa.164.312(b).prompt-injection")
                    .types("INJECTION_*")
                    .stages(PolicyStage.INPUT)
                    .verdict(Verdict.ALLOW_LOG)
                    .build());
        }
    },

    /** PCI DSS v4.0: the PAN never leaves unmasked (last four only), CVV and track data are blocked, credentials blocked. */
    PCI_DSS {
        @Override
        public void applyTo(Policy.Builder b) {
            b.detector(PiiDetector.all()).detector(SecretDetector.all());
            b.alsoScanRoles(Role.SYSTEM, Role.DEVELOPER);
            b.rule(Rule.of("pci.3.3.1.sensitive-authentication-data", Verdict.BLOCK, CARD_CVV, CARD_TRACK_DATA));
            b.rule(Rule.of("pci.3.4.1.pan-masked", Verdict.CONSTRAIN, CREDIT_CARD));
            b.redaction(CREDIT_CARD, RedactionMode.LAST_FOUR);
            b.rule(Rule.of("pci.8.3.2.credentials", Verdict.BLOCK, "SECRET_*"));
        }
    },

    /**
     * GDPR: special-category data (Art. 9) flagged, direct identifiers pseudonymised before the
     * provider sees them (Art. 5(1)(c), 4(5), 25, 32) and restored for the caller, credentials blocked.
     */
    GDPR {
        @Override
        public void applyTo(Policy.Builder b) {
            b.detector(PiiDetector.all()).detector(SecretDetector.all()).detector(SpecialCategories.DETECTOR);
            b.alsoScanRoles(Role.SYSTEM, Role.DEVELOPER);
            b.rule(Rule.of("gdpr.art9.special-category", Verdict.ALLOW_LOG, TOPIC_PREFIX + "*"));
            String[] direct = {
                PERSON_NAME,
                EMAIL,
                PHONE,
                POSTAL_ADDRESS,
                DATE_OF_BIRTH,
                IBAN,
                CREDIT_CARD,
                IP_ADDRESS,
                US_SSN,
                US_PASSPORT,
                US_DRIVER_LICENSE,
                US_ITIN,
                MEDICAL_RECORD_NUMBER,
                HEALTH_PLAN_NUMBER,
                BANK_ACCOUNT,
                LICENSE_NUMBER,
                VEHICLE_ID,
                DEVICE_ID,
                MAC_ADDRESS,
                US_NPI,
                US_DEA,
                US_MBI,
                UK_NHS,
                UK_NINO,
                CA_SIN,
                ZIP_CODE,
                CARD_CVV,
                CARD_TRACK_DATA
            };
            b.rule(Rule.builder("gdpr.art5(1)(c).data-minimisation")
                    .types(direct)
                    .stages(PolicyStage.INPUT)
                    .verdict(Verdict.CONSTRAIN)
                    .build());
            for (String t : direct) {
                if (!t.equals(CREDIT_CARD)) { // card numbers keep PCI DSS's LAST_FOUR when both presets apply
                    b.redaction(t, RedactionMode.TOKENIZE);
                }
            }
            b.rule(Rule.of("gdpr.art32.credentials", Verdict.BLOCK, "SECRET_*"));
        }
    },

    /** SOC 2 (2017 Trust Services Criteria): credentials blocked (CC6.1), injection and personal data in answers flagged (CC7.2, C1.1). */
    SOC2 {
        @Override
        public void applyTo(Policy.Builder b) {
            b.detector(PiiDetector.all()).detector(SecretDetector.all()).detector(PromptInjectionDetector.all());
            b.rule(Rule.of("soc2.CC6.1.credentials", Verdict.BLOCK, "SECRET_*"));
            b.rule(Rule.builder("soc2.CC7.2.prompt-injection")
                    .types("INJECTION_*")
                    .stages(PolicyStage.INPUT)
                    .verdict(Verdict.ALLOW_LOG)
                    .build());
            b.rule(Rule.builder("soc2.C1.1.personal-data-in-output")
                    .types(EMAIL, PHONE, US_SSN, CREDIT_CARD, IBAN, PERSON_NAME, POSTAL_ADDRESS, DATE_OF_BIRTH)
                    .stages(PolicyStage.OUTPUT)
                    .verdict(Verdict.ALLOW_LOG)
                    .build());
        }
    },

    /**
     * For applications whose model calls tools or reads what tools return (agents, RAG): prompt injection blocked in
     * every message the provider receives from the user or a tool (indirect injection in tool results, retrieved
     * documents, web pages); URLs with a placeholder for conversation data and instructions to build such URLs blocked
     * in input; data-carrying image URLs and placeholder URLs blocked in answers; credentials blocked; and a tool policy
     * that refuses tool calls whose arguments carry a credential, a placeholder URL or an image URL with data. Add
     * {@code ToolPolicy.allowHosts(...)} for the hosts your tools may reach (set with {@link Policy.Builder#tools} after
     * the preset, it replaces the preset's tool policy: include its argument checks). Not a compliance regime: combine
     * it with one (a later preset's rules are added to this one's).
     */
    AGENT {
        @Override
        public void applyTo(Policy.Builder b) {
            b.detector(PromptInjectionDetector.all())
                    .detector(SecretDetector.all())
                    .detector(ExfiltrationDetector.all());
            b.rule(Rule.builder("agent.prompt-injection")
                    .types("INJECTION_*")
                    .stages(PolicyStage.INPUT)
                    .verdict(Verdict.BLOCK)
                    .build());
            b.rule(Rule.builder("agent.exfiltration-input")
                    .types(EXFILTRATION_TEMPLATE, EXFILTRATION_INSTRUCTION)
                    .stages(PolicyStage.INPUT)
                    .verdict(Verdict.BLOCK)
                    .build());
            b.rule(Rule.builder("agent.exfiltration-output")
                    .types(EXFILTRATION_URL, EXFILTRATION_TEMPLATE)
                    .stages(PolicyStage.OUTPUT)
                    .verdict(Verdict.BLOCK)
                    .build());
            b.rule(Rule.of("agent.credentials", Verdict.BLOCK, "SECRET_*"));
            b.tools(ToolPolicy.builder()
                    .denyArgumentTypes(Verdict.BLOCK, "SECRET_*", EXFILTRATION_URL, EXFILTRATION_TEMPLATE)
                    .build());
        }
    };

    /** Adds this preset's detectors, rules and redaction modes to {@code builder}. */
    public abstract void applyTo(Policy.Builder builder);

    private static void constrain(Policy.Builder b, String id, String... types) {
        b.rule(Rule.of(id, Verdict.CONSTRAIN, types));
    }

    /** GDPR Art. 9 special categories as denied-topic keyword sets (English, German, Spanish, French). */
    static final class SpecialCategories {
        /** Topic name to keywords, in the order the topics are added. */
        static final Map<String, List<String>> TOPICS = topics();

        static final DenyListDetector DETECTOR = detector();

        private static Map<String, List<String>> topics() {
            Map<String, List<String>> t = new LinkedHashMap<>();
            t.put(
                    "health",
                    List.of(
                            "diagnosis",
                            "diagnosed",
                            "HIV",
                            "cancer",
                            "diabetes",
                            "depression",
                            "pregnant",
                            "pregnancy",
                            "medication",
                            "chemotherapy",
                            "psychiatric",
                            "disability",
                            "Diagnose",
                            "schwanger",
                            "Krankheit",
                            "diagnóstico",
                            "embarazada",
                            "enfermedad",
                            "diagnostic",
                            "enceinte",
                            "maladie"));
            t.put(
                    "racial_ethnic_origin",
                    List.of(
                            "ethnicity",
                            "ethnic origin",
                            "racial origin",
                            "race",
                            "Ethnie",
                            "Herkunft",
                            "etnia",
                            "origen étnico",
                            "origine ethnique"));
            t.put(
                    "political_opinions",
                    List.of(
                            "political opinion",
                            "political views",
                            "voted for",
                            "party member",
                            "politische Meinung",
                            "Parteimitglied",
                            "opinión política",
                            "opinion politique"));
            t.put(
                    "religious_beliefs",
                    List.of(
                            "religion",
                            "religious beliefs",
                            "Muslim",
                            "Christian",
                            "Jewish",
                            "Hindu",
                            "Buddhist",
                            "atheist",
                            "Religion",
                            "religión",
                            "religieux",
                            "religieuse"));
            t.put(
                    "trade_union",
                    List.of("trade union", "union member", "labor union", "Gewerkschaft", "sindicato", "syndicat"));
            t.put(
                    "genetic_biometric",
                    List.of(
                            "genetic",
                            "DNA",
                            "genome",
                            "fingerprint",
                            "biometric",
                            "facial recognition",
                            "genetisch",
                            "Fingerabdruck",
                            "biometrisch",
                            "genético",
                            "huella dactilar",
                            "génétique",
                            "empreinte digitale"));
            t.put(
                    "sex_life_orientation",
                    List.of(
                            "sexual orientation",
                            "gay",
                            "lesbian",
                            "bisexual",
                            "transgender",
                            "sex life",
                            "sexuelle Orientierung",
                            "orientación sexual",
                            "orientation sexuelle"));
            return java.util.Collections.unmodifiableMap(t);
        }

        private static DenyListDetector detector() {
            DenyListDetector.Builder b = DenyListDetector.builder().id("gdpr-special-categories");
            TOPICS.forEach(b::topic);
            return b.build();
        }
    }
}
