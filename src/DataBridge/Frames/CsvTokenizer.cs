using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DataBridge.Frames;

/// <summary>
/// Splits UTF-8 CSV bytes into records and fields (RFC 4180), over one growable buffer refilled from a
/// stream: a record's fields are spans of that buffer, valid until the next record is read.
/// </summary>
/// <remarks>
/// <para>Rules: fields are separated by the separator byte; a record ends at LF, CRLF or a lone CR (the
/// last record may end at the end of data); a field that starts with the quote byte is quoted and runs
/// to the next quote not followed by another quote, may contain separators, CR and LF, and a doubled
/// quote stands for one quote; after a closing quote only a separator or a line end may follow, anything
/// else is malformed (<see cref="CsvFormatException"/>), as is a quoted field still open at the end of
/// data. A quote inside an unquoted field is kept as a character. Lines that are completely empty are
/// skipped. A UTF-8 byte order mark at the start is skipped.</para>
/// <para>Parsing is restartable: when a record runs past the data in the buffer, nothing is consumed
/// (doubled quotes are unescaped only once the whole record is known), the buffer is compacted, grown
/// if one record fills it, refilled, and the record parsed again. Line numbers are physical lines,
/// 1-based, counting line breaks inside quoted fields.</para>
/// </remarks>
internal sealed class CsvTokenizer
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private readonly byte _separator;
    private readonly byte _quote;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _bomChecked;
    private long _nextLine = 1;
    private int[] _fieldStart = new int[16];
    private int[] _fieldLength = new int[16];
    private byte[] _fieldFlags = new byte[16];

    private const byte Quoted = 1;
    private const byte Escaped = 2;

    public CsvTokenizer(byte separator, byte quote, int bufferSize)
    {
        _separator = separator;
        _quote = quote;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The stream has ended (no more <see cref="Fill"/> can add data).</summary>
    public bool EndOfData { get; private set; }

    /// <summary>Nothing is left: the stream has ended and every record has been read.</summary>
    public bool AtEnd => EndOfData && _start == _end;

    /// <summary>The number of fields of the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The physical line (1-based) where the current record starts.</summary>
    public long Line { get; private set; }

    /// <summary>The bytes of field <paramref name="index"/> of the current record (unquoted, unescaped).</summary>
    public ReadOnlySpan<byte> Field(int index) => _buffer.AsSpan(_fieldStart[index], _fieldLength[index]);

    /// <summary>Whether field <paramref name="index"/> was quoted (a quoted empty field is an empty string, not a null).</summary>
    public bool IsQuoted(int index) => (_fieldFlags[index] & Quoted) != 0;

    /// <summary>Reads from <paramref name="stream"/> into the buffer (compacting and growing it as needed).</summary>
    public void Fill(Stream stream)
    {
        Prepare();
        int n = stream.Read(_buffer, _end, _buffer.Length - _end);
        Added(n);
    }

    /// <summary>Reads from <paramref name="stream"/> into the buffer, asynchronously.</summary>
    public async ValueTask FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        Prepare();
        int n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        Added(n);
    }

    /// <summary>
    /// Parses the next record from the buffer. False when the buffer does not hold a whole record (call
    /// <see cref="Fill"/> unless <see cref="AtEnd"/>).
    /// </summary>
    /// <exception cref="CsvFormatException">The record is malformed.</exception>
    public bool TryReadRecord()
    {
        while (true)
        {
            if (_start == _end)
            {
                return false;
            }

            int next;
            int lineBreaks;
            int fast = TryParseUnquoted(EndOfData, out next);
            if (fast == 0)
            {
                return false;
            }

            if (fast > 0)
            {
                lineBreaks = next > _start && (_buffer[next - 1] == Lf || _buffer[next - 1] == Cr) ? 1 : 0;
            }
            else if (!TryParse(EndOfData, out next, out lineBreaks))
            {
                return false;
            }

            Line = _nextLine;
            _nextLine += lineBreaks;
            _start = next;
            if (FieldCount == 1 && _fieldLength[0] == 0 && _fieldFlags[0] == 0)
            {
                continue; // an empty line
            }

            for (int f = 0; fast < 0 && f < FieldCount; f++)
            {
                if ((_fieldFlags[f] & Escaped) != 0)
                {
                    _fieldLength[f] = Unescape(_buffer.AsSpan(_fieldStart[f], _fieldLength[f]));
                }
            }

            return true;
        }
    }

    private void Prepare()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, checked(_buffer.Length * 2)); // one record is larger than the buffer
        }
    }

    private void Added(int n)
    {
        if (n == 0)
        {
            EndOfData = true;
            return;
        }

        _end += n;
        if (!_bomChecked && (_end >= 3 || EndOfData))
        {
            _bomChecked = true;
            if (_buffer.AsSpan(0, _end).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                _start = 3;
            }
        }
    }

    /// <summary>
    /// The fast path for records without any quote byte (most records of most files): one vector compare
    /// per 16 bytes finds separators, line ends and quotes together, and fields are cut at the set bits.
    /// Returns 1 for a record, 0 when more data is needed, -1 when a quote appears (the caller then uses
    /// the general <see cref="TryParse"/>, which starts over). Consumes nothing.
    /// </summary>
    private int TryParseUnquoted(bool final, out int next)
    {
        next = 0;
        byte[] buf = _buffer;
        int end = _end;
        int pos = _start;
        int fieldStart = pos;
        int fields = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> separators = Vector128.Create(_separator);
            Vector128<byte> quotes = Vector128.Create(_quote);
            Vector128<byte> crs = Vector128.Create(Cr);
            Vector128<byte> lfs = Vector128.Create(Lf);
            ref byte origin = ref MemoryMarshal.GetArrayDataReference(buf);
            while (pos + Vector128<byte>.Count <= end)
            {
                Vector128<byte> block = Vector128.LoadUnsafe(ref origin, (nuint)pos);
                uint mask = (Vector128.Equals(block, separators) | Vector128.Equals(block, quotes) | Vector128.Equals(block, crs) | Vector128.Equals(block, lfs))
                    .ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int i = pos + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    if (buf[i] == _separator)
                    {
                        AddField(ref fields, fieldStart, i - fieldStart, 0);
                        fieldStart = i + 1;
                        continue;
                    }

                    int result = Structural(buf, end, final, i, ref fieldStart, ref fields, out next);
                    if (result != 2)
                    {
                        return result;
                    }
                }

                pos += Vector128<byte>.Count;
            }
        }

        for (; pos < end; pos++)
        {
            byte c = buf[pos];
            if (c == _separator || c == _quote || c == Cr || c == Lf)
            {
                int result = Structural(buf, end, final, pos, ref fieldStart, ref fields, out next);
                if (result != 2)
                {
                    return result;
                }
            }
        }

        if (!final)
        {
            return 0;
        }

        AddField(ref fields, fieldStart, end - fieldStart, 0);
        FieldCount = fields;
        next = end;
        return 1;
    }

    /// <summary>One structural byte at <paramref name="i"/> of the fast path: 2 to go on, else the fast path's result.</summary>
    private int Structural(byte[] buf, int end, bool final, int i, ref int fieldStart, ref int fields, out int next)
    {
        next = 0;
        byte c = buf[i];
        if (c == _separator)
        {
            AddField(ref fields, fieldStart, i - fieldStart, 0);
            fieldStart = i + 1;
            return 2;
        }

        if (c == _quote)
        {
            return -1;
        }

        AddField(ref fields, fieldStart, i - fieldStart, 0);
        int pos = i;
        if (!EndLine(buf, end, final, ref pos))
        {
            return 0;
        }

        FieldCount = fields;
        next = pos;
        return 1;
    }

    /// <summary>
    /// Parses one record starting at <see cref="_start"/>. Returns false when the data ends before the
    /// record does and <paramref name="final"/> is false; consumes nothing either way (the caller commits).
    /// </summary>
    private bool TryParse(bool final, out int next, out int lineBreaks)
    {
        byte[] buf = _buffer;
        int end = _end;
        int pos = _start;
        int fields = 0;
        lineBreaks = 0;
        next = 0;
        while (true)
        {
            if (pos == end)
            {
                // Data ends right after a separator (or, for final data, mid-record): the last field is empty.
                if (!final)
                {
                    return false;
                }

                AddField(ref fields, pos, 0, 0);
                break;
            }

            if (buf[pos] == _quote)
            {
                int contentStart = pos + 1;
                int p = contentStart;
                byte flags = Quoted;
                int close;
                while (true)
                {
                    int idx = buf.AsSpan(p, end - p).IndexOf(_quote);
                    if (idx < 0)
                    {
                        if (final)
                        {
                            throw new CsvFormatException(_nextLine, null, "a quoted field is not closed before the end of the data");
                        }

                        return false;
                    }

                    int q = p + idx;
                    if (q + 1 == end && !final)
                    {
                        return false; // the next byte decides between a doubled quote and a closing one
                    }

                    if (q + 1 < end && buf[q + 1] == _quote)
                    {
                        flags |= Escaped;
                        p = q + 2;
                        continue;
                    }

                    close = q;
                    break;
                }

                lineBreaks += LineBreaks(buf.AsSpan(contentStart, close - contentStart));
                AddField(ref fields, contentStart, close - contentStart, flags);
                pos = close + 1;
                if (pos == end)
                {
                    if (!final)
                    {
                        return false;
                    }

                    next = pos;
                    break;
                }

                byte c = buf[pos];
                if (c == _separator)
                {
                    pos++;
                    continue;
                }

                if (c == Lf || c == Cr)
                {
                    if (!EndLine(buf, end, final, ref pos))
                    {
                        return false;
                    }

                    lineBreaks++;
                    next = pos;
                    break;
                }

                throw new CsvFormatException(_nextLine + lineBreaks, null, $"'{(char)c}' follows the closing quote of field {fields} (a quoted field must end at a separator or a line end)");
            }
            else
            {
                ReadOnlySpan<byte> rest = buf.AsSpan(pos, end - pos);
                int idx = rest.IndexOfAny(_separator, Lf, Cr);
                if (idx < 0)
                {
                    if (!final)
                    {
                        return false;
                    }

                    AddField(ref fields, pos, end - pos, 0);
                    next = end;
                    break;
                }

                AddField(ref fields, pos, idx, 0);
                pos += idx;
                if (buf[pos] == _separator)
                {
                    pos++;
                    continue;
                }

                if (!EndLine(buf, end, final, ref pos))
                {
                    return false;
                }

                lineBreaks++;
                next = pos;
                break;
            }
        }

        if (next == 0)
        {
            next = end;
        }

        FieldCount = fields;
        return true;
    }

    /// <summary>Steps over LF, CR or CRLF at <paramref name="pos"/>; false when a CR is the last byte and more data may follow.</summary>
    private static bool EndLine(byte[] buf, int end, bool final, ref int pos)
    {
        if (buf[pos] == Lf)
        {
            pos++;
            return true;
        }

        if (pos + 1 == end && !final)
        {
            return false;
        }

        pos++;
        if (pos < end && buf[pos] == Lf)
        {
            pos++;
        }

        return true;
    }

    /// <summary>Line breaks inside a quoted field: each LF, and each CR not followed by LF.</summary>
    private static int LineBreaks(ReadOnlySpan<byte> content)
    {
        int n = content.Count(Lf);
        if (content.Contains(Cr))
        {
            for (int i = 0; i < content.Length; i++)
            {
                if (content[i] == Cr && (i + 1 == content.Length || content[i + 1] != Lf))
                {
                    n++;
                }
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddField(ref int fields, int start, int length, byte flags)
    {
        if (fields == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, fields * 2);
            Array.Resize(ref _fieldLength, fields * 2);
            Array.Resize(ref _fieldFlags, fields * 2);
        }

        _fieldStart[fields] = start;
        _fieldLength[fields] = length;
        _fieldFlags[fields] = flags;
        fields++;
    }

    /// <summary>Collapses each doubled quote to one, in place; returns the new length.</summary>
    private int Unescape(Span<byte> field)
    {
        int w = 0;
        for (int r = 0; r < field.Length; r++, w++)
        {
            field[w] = field[r];
            if (field[r] == _quote)
            {
                r++; // skip the second quote of the pair
            }
        }

        return w;
    }
}
