package dev.llmgate.core.audit.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Audit timestamps: UTC, millisecond precision, always 24 characters: {@code 2025-01-31T12:34:56.789Z}.
 * Years 1970 to 9999 are formatted and parsed by hand (the date part cached per thread), anything
 * else by {@code java.time}, with the same results. Not public API.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 10000-01-01T00:00:00Z: from here on the year has five digits. */
    private static final long YEAR_10000_MILLIS = 253_402_300_800_000L;

    private static final ThreadLocal<Day> LAST_DAY = new ThreadLocal<>();

    private Timestamps() {}

    /** The date part ({@code yyyy-MM-dd'T'}) of one day, as text and as its 11 ASCII bytes. */
    @SuppressWarnings("ArrayRecordComponent") // a cache entry, never compared or hashed
    private record Day(long epochDay, String prefix, byte[] prefixBytes) {
        Day(long epochDay, String prefix) {
            this(epochDay, prefix, prefix.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    public static String format(long epochMillis) {
        if (epochMillis < 0 || epochMillis >= YEAR_10000_MILLIS) {
            return FORMAT.format(Instant.ofEpochMilli(epochMillis));
        }
        long epochDay = epochMillis / MILLIS_PER_DAY;
        Day day = LAST_DAY.get();
        if (day == null || day.epochDay != epochDay) {
            day = new Day(epochDay, LocalDate.ofEpochDay(epochDay).toString() + "T");
            LAST_DAY.set(day);
        }
        int ms = (int) (epochMillis - epochDay * MILLIS_PER_DAY);
        byte[] out = new byte[24];
        System.arraycopy(day.prefixBytes, 0, out, 0, 11); // years 1970 to 9999 have four digits
        int seconds = ms / 1000;
        two(out, 11, seconds / 3600);
        out[13] = ':';
        two(out, 14, seconds / 60 % 60);
        out[16] = ':';
        two(out, 17, seconds % 60);
        out[19] = '.';
        int milli = ms % 1000;
        out[20] = (byte) ('0' + milli / 100);
        two(out, 21, milli % 100);
        out[23] = 'Z';
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void two(byte[] out, int at, int value) {
        out[at] = (byte) ('0' + value / 10);
        out[at + 1] = (byte) ('0' + value % 10);
    }

    /** Parses a timestamp as {@link Instant#parse} does (which accepts more than this format writes). */
    public static Instant parse(String text) {
        if (text.length() == 24
                && text.charAt(10) == 'T'
                && text.charAt(13) == ':'
                && text.charAt(16) == ':'
                && text.charAt(19) == '.'
                && text.charAt(23) == 'Z') {
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = digits(text, 17, 2);
            int milli = digits(text, 20, 3);
            if (hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60 && milli >= 0) {
                Day day = LAST_DAY.get();
                if (day == null || !text.startsWith(day.prefix)) {
                    day = parseDay(text);
                }
                if (day != null) {
                    LAST_DAY.set(day);
                    return Instant.ofEpochMilli(
                            day.epochDay * MILLIS_PER_DAY + ((hour * 60L + minute) * 60 + second) * 1000 + milli);
                }
            }
        }
        return Instant.parse(text);
    }

    /** The day of a timestamp whose date part is {@code yyyy-MM-dd} with a valid date from 1970 on; else null. */
    private static Day parseDay(String text) {
        if (text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int dayOfMonth = digits(text, 8, 2);
        if (year < 1970 || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, dayOfMonth);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. February 30th: java.time reports it
        }
        return new Day(date.toEpochDay(), text.substring(0, 11));
    }

    /** The decimal value of {@code count} ASCII digits at {@code at}, or -1 if one is not a digit. */
    private static int digits(String text, int at, int count) {
        int v = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
