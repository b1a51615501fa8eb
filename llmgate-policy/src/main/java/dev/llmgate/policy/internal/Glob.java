package dev.llmgate.policy.internal;

/** Glob matching with {@code *} (any run of characters), as used in rule type and tool-name selectors. */
public final class Glob {
    private Glob() {}

    /** True if {@code text} matches {@code glob}; case-sensitive. Linear-time two-pointer algorithm, no backtracking blow-up. */
    public static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (g < glob.length() && glob.charAt(g) != '*' && glob.charAt(g) == text.charAt(t)) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
