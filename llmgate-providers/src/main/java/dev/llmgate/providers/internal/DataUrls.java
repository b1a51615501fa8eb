package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Locale;

/** Reads {@code data:} image URLs ({@code data:image/png;base64,...}) into a media type and base64 data. */
public final class DataUrls {
    private DataUrls() {}

    /** A decoded {@code data:} URL: its media type and its bytes as standard, padded base64 (whatever the URL used). */
    public record Inline(String mediaType, String base64) {}

    public static boolean isDataUrl(String url) {
        return url.regionMatches(true, 0, "data:", 0, 5);
    }

    /** Parses a {@code data:} URL; throws {@link InvalidRequestException} naming what is wrong (never its content). */
    public static Inline parse(String url) {
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw invalid("it has no ',' between the media type and the data");
        }
        String meta = url.substring(5, comma);
        String payload = url.substring(comma + 1);
        boolean base64 = false;
        String mediaType = "";
        String[] params = meta.split(";");
        for (int i = 0; i < params.length; i++) {
            String p = params[i].strip();
            if (i == 0) {
                mediaType = p.toLowerCase(Locale.ROOT);
            } else if (p.equalsIgnoreCase("base64")) {
                base64 = true;
            }
        }
        if (!mediaType.startsWith("image/")) {
            throw invalid("its media type must be an image type such as image/png, was '"
                    + (mediaType.isEmpty() ? "(none)" : mediaType) + "'");
        }
        if (base64) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder()
                        .decode(payload.replaceAll("\\s+", "").replace('-', '+').replace('_', '/'));
            } catch (IllegalArgumentException e) {
                throw invalid("its data is not valid base64");
            }
            return new Inline(mediaType, Base64.getEncoder().encodeToString(bytes));
        }
        return new Inline(mediaType, Base64.getEncoder().encodeToString(percentDecode(payload)));
    }

    /** The image media type a URL's file extension suggests, or {@code ""}. */
    public static String mediaTypeOfPath(String url) {
        String path = url;
        int cut = path.indexOf('?');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        cut = path.indexOf('#');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (lower.endsWith(".webp")) {
            return "image/webp";
        }
        if (lower.endsWith(".gif")) {
            return "image/gif";
        }
        if (lower.endsWith(".heic")) {
            return "image/heic";
        }
        if (lower.endsWith(".heif")) {
            return "image/heif";
        }
        return "";
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    private static InvalidRequestException invalid(String why) {
        return new InvalidRequestException(
                "an image data: URL cannot be sent: " + why + " (expected data:image/png;base64,...)",
                ErrorDetails.NONE);
    }
}
