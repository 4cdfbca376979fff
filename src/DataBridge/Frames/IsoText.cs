using System.Globalization;

namespace DataBridge.Frames;

/// <summary>ISO 8601 dates and timestamps in UTF-8 CSV fields: shape checks for inference, invariant parsing.</summary>
internal static class IsoText
{
    /// <summary>What an ISO-looking field is.</summary>
    public enum Shape
    {
        /// <summary>Not an ISO date or timestamp.</summary>
        None,

        /// <summary><c>yyyy-MM-dd</c>.</summary>
        Date,

        /// <summary><c>yyyy-MM-ddTHH:mm[:ss[.f…]]</c> (or a space for T), no zone.</summary>
        Timestamp,

        /// <summary>A timestamp ending in <c>Z</c> or an offset <c>±HH:mm</c>.</summary>
        ZonedTimestamp,
    }

    /// <summary>The shape of <paramref name="s"/> (a cheap check; parsing still decides).</summary>
    public static Shape Classify(ReadOnlySpan<byte> s)
    {
        if (s.Length < 10 || s[4] != '-' || s[7] != '-' || !Digits(s[..4]) || !Digits(s.Slice(5, 2)) || !Digits(s.Slice(8, 2)))
        {
            return Shape.None;
        }

        if (s.Length == 10)
        {
            return Shape.Date;
        }

        if (s.Length < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || !Digits(s.Slice(11, 2)) || !Digits(s.Slice(14, 2)))
        {
            return Shape.None;
        }

        ReadOnlySpan<byte> tail = s[16..];
        return tail.EndsWith("Z"u8) || tail.IndexOfAny((byte)'+', (byte)'-') >= 0 ? Shape.ZonedTimestamp : Shape.Timestamp;
    }

    /// <summary>Parses exactly <c>yyyy-MM-dd</c>.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> s, out DateOnly date)
    {
        date = default;
        if (Classify(s) != Shape.Date)
        {
            return false;
        }

        int year = Number(s[..4]), month = Number(s.Slice(5, 2)), day = Number(s.Slice(8, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>
    /// Parses an ISO timestamp (or date) to ticks since 0001-01-01: the UTC instant when it has a zone,
    /// the wall-clock time otherwise (<paramref name="zoned"/> says which).
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> s, out long ticks, out bool zoned)
    {
        ticks = 0;
        Shape shape = Classify(s);
        zoned = shape == Shape.ZonedTimestamp;
        if (shape == Shape.Date)
        {
            if (!TryParseDate(s, out DateOnly d))
            {
                return false;
            }

            ticks = d.DayNumber * TimeSpan.TicksPerDay;
            return true;
        }

        if (shape == Shape.None || s.Length > 64)
        {
            return false;
        }

        Span<char> chars = stackalloc char[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            chars[i] = (char)s[i];
        }

        if (zoned)
        {
            if (!DateTimeOffset.TryParse(chars, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset dto))
            {
                return false;
            }

            ticks = dto.UtcTicks;
            return true;
        }

        if (!DateTime.TryParse(chars, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime dt))
        {
            return false;
        }

        ticks = dt.Ticks;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }
        }

        return true;
    }

    private static int Number(ReadOnlySpan<byte> s)
    {
        int n = 0;
        foreach (byte b in s)
        {
            n = (n * 10) + (b - '0');
        }

        return n;
    }
}
