package dev.llmgate.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One piece of a message's content: text or an image. Immutable.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.ImageUrl, ContentPart.ImageData {

    /** A text part. */
    static Text text(String text) {
        return new Text(text);
    }

    /** An image the provider fetches from a URL ({@code https:} or a {@code data:} URL). */
    static ImageUrl imageUrl(String url) {
        return new ImageUrl(url, ImageDetail.AUTO);
    }

    /** An image sent inline, for example {@code image/png} bytes. */
    static ImageData image(byte[] data, String mediaType) {
        return new ImageData(data, mediaType, ImageDetail.AUTO);
    }

    /** How much detail a vision model should spend on an image, where the provider supports the choice. */
    enum ImageDetail {
        AUTO,
        LOW,
        HIGH
    }

    /** Plain text. */
    record Text(String text) implements ContentPart {
        public Text {
            Objects.requireNonNull(text, "text must not be null; use \"\" for an empty part");
        }

        /** The length only, never the text. */
        @Override
        public String toString() {
            return "Text[" + text.length() + " chars]";
        }
    }

    /**
     * An image referenced by URL. {@link #toString()} shows the scheme and host only (a URL's path and
     * query, and a {@code data:} URL's content, can carry data).
     */
    record ImageUrl(String url, ImageDetail detail) implements ContentPart {
        public ImageUrl {
            Objects.requireNonNull(url, "image url must not be null");
            Objects.requireNonNull(detail, "detail must not be null; use ImageDetail.AUTO");
            if (url.isBlank()) {
                throw new IllegalArgumentException("image url must not be blank: pass an https: or data: URL");
            }
        }

        private static final java.util.regex.Pattern SCHEME =
                java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]{0,15}):.*", java.util.regex.Pattern.DOTALL);
        private static final java.util.regex.Pattern HOST =
                java.util.regex.Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");
        private static final java.util.regex.Pattern MEDIA_TYPE =
                java.util.regex.Pattern.compile("[A-Za-z0-9.+-]{1,64}/[A-Za-z0-9.+-]{1,64}");

        /**
         * Shows where the image is, not what the URL says: the scheme and host of a URL (without user
         * info, path or query, which can carry data), the media type of a {@code data:} URL, and the
         * URL's length.
         */
        @Override
        public String toString() {
            return "ImageUrl[" + origin() + url.length() + " chars, " + detail + "]";
        }

        private String origin() {
            java.util.regex.Matcher m = SCHEME.matcher(url);
            if (!m.matches()) {
                return "";
            }
            String scheme = m.group(1).toLowerCase(java.util.Locale.ROOT);
            String rest = url.substring(scheme.length() + 1);
            if (scheme.equals("data")) {
                int end = 0;
                while (end < rest.length() && rest.charAt(end) != ';' && rest.charAt(end) != ',') {
                    end++;
                }
                String type = rest.substring(0, end);
                return "data:" + (MEDIA_TYPE.matcher(type).matches() ? type : "") + ", ";
            }
            if (!rest.startsWith("//")) {
                return scheme + ":, ";
            }
            int end = 2;
            while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
                end++;
            }
            String authority = rest.substring(2, end);
            String host = authority.substring(authority.lastIndexOf('@') + 1);
            return scheme + "://" + (HOST.matcher(host).matches() ? host : "") + ", ";
        }
    }

    /** An image given as bytes with its media type. The bytes are copied in and out. */
    @SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode compare the bytes
    record ImageData(byte[] data, String mediaType, ImageDetail detail) implements ContentPart {
        public ImageData {
            Objects.requireNonNull(data, "image data must not be null");
            Objects.requireNonNull(mediaType, "mediaType must not be null, e.g. \"image/png\"");
            Objects.requireNonNull(detail, "detail must not be null; use ImageDetail.AUTO");
            if (!mediaType.startsWith("image/")) {
                throw new IllegalArgumentException(
                        "mediaType must be an image type such as image/png or image/jpeg, was: " + mediaType);
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ImageData other
                    && Arrays.equals(data, other.data)
                    && mediaType.equals(other.mediaType)
                    && detail == other.detail;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(data), mediaType, detail);
        }

        @Override
        public String toString() {
            return "ImageData[" + mediaType + ", " + data.length + " bytes, " + detail + "]";
        }
    }
}
