using System.Text;

namespace DataBridge.Frames;

/// <summary>
/// Reads a CSV stream into record batches of <see cref="CsvOptions.PartitionRows"/> rows, holding only
/// the read buffer, the inference sample and one partition in memory, so a file of any size streams.
/// </summary>
/// <remarks>
/// One state machine serves the synchronous and the asynchronous readers: <see cref="Step"/> consumes
/// what the buffer holds and says whether a batch is ready, the data is exhausted, or the tokenizer needs
/// a <c>Fill</c>/<c>FillAsync</c> — so parsing is written once and only the refill differs.
/// Phases: the header (when <see cref="CsvOptions.HasHeader"/>), the inference sample (rows kept as
/// copies until <see cref="CsvOptions.InferenceRows"/> are seen or the data ends), then the body.
/// </remarks>
internal sealed class CsvPartitionReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CsvOptions _options;
    private readonly CsvTokenizer _tokenizer;
    private readonly byte[][] _nullTokens;
    private readonly Queue<RecordBatch> _ready = new();
    private readonly List<SampleRecord> _sample = [];
    private string[]? _names;
    private CsvColumnParser[]? _parsers;
    private int _rows;
    private bool _finished;

    public CsvPartitionReader(Stream stream, CsvOptions? options, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _options = options ?? new CsvOptions();
        _options.Validate();
        _stream = stream;
        _leaveOpen = leaveOpen;
        _tokenizer = new CsvTokenizer((byte)_options.Separator, (byte)_options.Quote, _options.BufferSize);
        _nullTokens = [.. _options.NullValues.Select(Encoding.UTF8.GetBytes)];
        if (_options.Schema is not null)
        {
            foreach (Field f in _options.Schema.FieldsList)
            {
                if (!CsvColumnParser.Supports(f.DataType))
                {
                    _ = CsvColumnParser.Create(f); // throws NotSupportedException naming the column and the type
                }
            }
        }
    }

    private enum StepResult
    {
        NeedData,
        BatchReady,
        End,
    }

    /// <summary>The schema; known once the header and the sample have been read (null before).</summary>
    public Schema? Schema { get; private set; }

    /// <summary>The next partition, or null at the end.</summary>
    public RecordBatch? Read()
    {
        while (true)
        {
            switch (Step())
            {
                case StepResult.BatchReady: return _ready.Dequeue();
                case StepResult.End: return null;
                default: _tokenizer.Fill(_stream); break;
            }
        }
    }

    /// <summary>The next partition, or null at the end, reading asynchronously.</summary>
    public async ValueTask<RecordBatch?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (Step())
            {
                case StepResult.BatchReady: return _ready.Dequeue();
                case StepResult.End: return null;
                default: await _tokenizer.FillAsync(_stream, cancellationToken).ConfigureAwait(false); break;
            }
        }
    }

    /// <summary>Reads until the schema is known (header and sample), without consuming any partition.</summary>
    public Schema ReadSchema()
    {
        while (Schema is null)
        {
            if (Step() == StepResult.NeedData)
            {
                _tokenizer.Fill(_stream);
            }
        }

        return Schema;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private StepResult Step()
    {
        while (true)
        {
            if (_ready.Count > 0)
            {
                return StepResult.BatchReady;
            }

            if (_finished)
            {
                return StepResult.End;
            }

            if (!_tokenizer.TryReadRecord())
            {
                if (!_tokenizer.AtEnd)
                {
                    return StepResult.NeedData;
                }

                if (_parsers is null)
                {
                    StartBody();
                }

                if (_rows > 0)
                {
                    EmitPartition();
                }

                _finished = true;
                continue;
            }

            if (_names is null)
            {
                ReadHeader();
                if (_options.HasHeader)
                {
                    continue;
                }
            }

            if (_parsers is null)
            {
                CheckFieldCount(_tokenizer.FieldCount, _tokenizer.Line);
                _sample.Add(SampleRecord.Copy(_tokenizer));
                if (_sample.Count >= _options.InferenceRows)
                {
                    StartBody();
                }

                continue;
            }

            CheckFieldCount(_tokenizer.FieldCount, _tokenizer.Line);
            for (int c = 0; c < _parsers.Length; c++)
            {
                Append(c, _tokenizer.Field(c), _tokenizer.IsQuoted(c), _tokenizer.Line);
            }

            EndRow();
        }
    }

    private void ReadHeader()
    {
        int count = _tokenizer.FieldCount;
        var names = new string[count];
        for (int c = 0; c < count; c++)
        {
            string header = _options.HasHeader ? Encoding.UTF8.GetString(_tokenizer.Field(c)) : string.Empty;
            names[c] = _options.ColumnNames is { } given && c < given.Count ? given[c]
                : header.Length > 0 ? header
                : "column" + (c + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _names = names;
    }

    /// <summary>Fixes the schema from the explicit fields and the sample, then parses the sample rows.</summary>
    private void StartBody()
    {
        _names ??= _options.ColumnNames is { } given ? [.. given] : [];
        var fields = new Field[_names.Length];
        for (int c = 0; c < fields.Length; c++)
        {
            int explicitIndex = _options.Schema is { } explicitSchema ? ArrowFrame.IndexOf(explicitSchema, _names[c]) : -1;
            if (explicitIndex >= 0)
            {
                fields[c] = _options.Schema!.FieldsList[explicitIndex];
                continue;
            }

            var inference = new CsvTypeInference(_options.InferDecimals);
            foreach (SampleRecord record in _sample)
            {
                if (!IsNull(record.Field(c), record.IsQuoted(c)))
                {
                    inference.Observe(record.Field(c));
                }
            }

            fields[c] = new Field(_names[c], _options.InferenceRows == 0 ? StringType.Default : inference.Result(), nullable: true);
        }

        Schema = new Schema(fields, metadata: null);
        _parsers = [.. fields.Select(CsvColumnParser.Create)];
        foreach (SampleRecord record in _sample)
        {
            for (int c = 0; c < _parsers.Length; c++)
            {
                Append(c, record.Field(c), record.IsQuoted(c), record.Line);
            }

            EndRow();
        }

        _sample.Clear();
    }

    private void Append(int column, ReadOnlySpan<byte> text, bool quoted, long line)
    {
        CsvColumnParser parser = _parsers![column];

        // A quoted "" is the empty string in a string column and a null in every other type.
        if (IsNull(text, quoted) || (text.IsEmpty && parser is not CsvStringParser))
        {
            if (!parser.Field.IsNullable)
            {
                throw new CsvFormatException(line, parser.Field.Name, "a null in a non-nullable column");
            }

            parser.AppendNull();
            return;
        }

        if (!parser.TryAppend(text, quoted))
        {
            string shown = Encoding.UTF8.GetString(text.Length > 64 ? text[..64] : text);
            throw new CsvFormatException(line, parser.Field.Name, $"'{shown}' is not a value of type {ArrowTypeText.Of(parser.Field.DataType)}" +
                (_options.Schema is { } schema && ArrowFrame.IndexOf(schema, parser.Field.Name) >= 0 ? string.Empty : $" (the type was inferred from the first {_options.InferenceRows} rows; raise CsvOptions.InferenceRows or give CsvOptions.Schema)"));
        }
    }

    private bool IsNull(ReadOnlySpan<byte> text, bool quoted)
    {
        if (quoted)
        {
            return false;
        }

        if (text.IsEmpty)
        {
            return true;
        }

        foreach (byte[] token in _nullTokens)
        {
            if (text.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    private void EndRow()
    {
        if (++_rows == _options.PartitionRows)
        {
            EmitPartition();
        }
    }

    private void EmitPartition()
    {
        _ready.Enqueue(new RecordBatch(Schema!, _parsers!.Select(p => p.Build()), _rows));
        _rows = 0;

        // More rows are likely to follow a full partition: size the next one's buffers like this one's.
        foreach (CsvColumnParser parser in _parsers!)
        {
            parser.Reserve(_options.PartitionRows);
        }
    }

    private void CheckFieldCount(int count, long line)
    {
        if (count != _names!.Length)
        {
            throw new CsvFormatException(line, null, $"{count} fields, but the header has {_names.Length}");
        }
    }

    /// <summary>A sample row kept (copied) until the schema is known.</summary>
    private sealed class SampleRecord
    {
        private readonly byte[] _bytes;
        private readonly int[] _offsets;
        private readonly bool[] _quoted;

        private SampleRecord(byte[] bytes, int[] offsets, bool[] quoted, long line)
        {
            _bytes = bytes;
            _offsets = offsets;
            _quoted = quoted;
            Line = line;
        }

        public long Line { get; }

        public static SampleRecord Copy(CsvTokenizer tokenizer)
        {
            int count = tokenizer.FieldCount;
            var offsets = new int[count + 1];
            var quoted = new bool[count];
            for (int c = 0; c < count; c++)
            {
                offsets[c + 1] = offsets[c] + tokenizer.Field(c).Length;
                quoted[c] = tokenizer.IsQuoted(c);
            }

            var bytes = new byte[offsets[count]];
            for (int c = 0; c < count; c++)
            {
                tokenizer.Field(c).CopyTo(bytes.AsSpan(offsets[c]));
            }

            return new SampleRecord(bytes, offsets, quoted, tokenizer.Line);
        }

        public ReadOnlySpan<byte> Field(int index) => _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

        public bool IsQuoted(int index) => _quoted[index];
    }
}
