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

    /** An image referenced by URL. */
    record ImageUrl(String url, ImageDetail detail) implements ContentPart {
        public ImageUrl {
            Objects.requireNonNull(url, "image url must not be null");
            Objects.requireNonNull(detail, "detail must not be null; use ImageDetail.AUTO");
            if (url.isBlank()) {
                throw new IllegalArgumentException("image url must not be blank: pass an https: or data: URL");
            }
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
