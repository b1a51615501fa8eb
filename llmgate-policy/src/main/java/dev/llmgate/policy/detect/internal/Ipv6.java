package dev.llmgate.policy.detect.internal;

/** Validates an IPv6 literal (RFC 4291 text forms, embedded IPv4 and a zone id) without any DNS lookup. */
final class Ipv6 {
    private Ipv6() {}

    static boolean valid(CharSequence t, int start, int end) {
        int zone = -1;
        for (int i = start; i < end; i++) {
            if (t.charAt(i) == '%') {
                zone = i;
                break;
            }
        }
        if (zone >= 0) {
            end = zone;
        }
        String s = t.subSequence(start, end).toString();
        if (s.length() < 2) {
            return false;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        int groups = 0;
        String[] parts;
        if (dbl >= 0) {
            String head = s.substring(0, dbl);
            String tail = s.substring(dbl + 2);
            int h = countGroups(head, false);
            int tl = countGroups(tail, true);
            if (h < 0 || tl < 0) {
                return false;
            }
            groups = h + tl;
            return groups <= 7;
        }
        parts = s.split(":", -1);
        groups = countGroups(s, true);
        return groups == 8 && parts.length >= 7;
    }

    /** Counts 16-bit groups in a colon-separated list (an IPv4 tail counts 2 when allowed); -1 if invalid. */
    private static int countGroups(String s, boolean ipv4TailAllowed) {
        if (s.isEmpty()) {
            return 0;
        }
        String[] parts = s.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && ipv4TailAllowed && p.indexOf('.') >= 0) {
                if (!ipv4(p)) {
                    return -1;
                }
                groups += 2;
            } else {
                if (p.isEmpty() || p.length() > 4) {
                    return -1;
                }
                for (int k = 0; k < p.length(); k++) {
                    if (Character.digit(p.charAt(k), 16) < 0) {
                        return -1;
                    }
                }
                groups++;
            }
        }
        return groups;
    }

    private static boolean ipv4(String s) {
        String[] o = s.split("\\.", -1);
        if (o.length != 4) {
            return false;
        }
        for (String x : o) {
            if (x.isEmpty() || x.length() > 3) {
                return false;
            }
            for (int k = 0; k < x.length(); k++) {
                if (!Character.isDigit(x.charAt(k))) {
                    return false;
                }
            }
            if (Integer.parseInt(x) > 255) {
                return false;
            }
        }
        return true;
    }
}
