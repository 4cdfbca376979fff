using Microsoft.Data.Analysis;

namespace DataBridge.Mda;

/// <summary>
/// Conversions between Microsoft.Data.Analysis <see cref="DataFrame"/>s and Apache.Arrow <see cref="RecordBatch"/>es.
/// MDA's own <c>DataFrame.FromArrowRecordBatch</c> / <c>ToArrowRecordBatches</c> are not used: they ignore array
/// offsets (a sliced array gives the wrong rows), turn timestamps into date64 and lose the time of day, throw
/// on <see cref="StringDataFrameColumn"/>, decimals, dictionaries and large strings, and write MDA's one byte per
/// bool as if it were a bitmap. The mapping, both ways, is in docs/type-mapping.md ("MDA columns").
/// </summary>
/// <remarks>
/// <para>Memory: both directions share buffers where the layouts agree and copy (span copies, or one tight loop
/// per column where the representation differs) where they do not.</para>
/// <list type="bullet">
/// <item>Frame → batches: fixed-width columns (integers, floats, <see cref="char"/>) and
/// <see cref="ArrowStringDataFrameColumn"/> become arrays over the column's own buffers; validity bitmaps are shared
/// when a batch starts on a multiple of 8 rows, else copied. The batches see later changes made to the frame's
/// mutable buffers: consume them before mutating the frame.</item>
/// <item>Batches → frame: a fixed-width column read from a single batch wraps that batch's buffers (MDA copies
/// them on its first write). The frame then keeps the batch's memory reachable, so a garbage collection never
/// frees it under the frame; but a batch disposed explicitly while the frame is in use frees memory the frame
/// reads. Several batches are concatenated into fresh arrays.</item>
/// </list>
/// </remarks>
internal static partial class MdaConversion
{
    /// <summary>Field metadata key marking a uint16 column that holds <see cref="char"/>s (a <see cref="CharDataFrameColumn"/>).</summary>
    public const string ClrTypeMetadataKey = "databridge.clr_type";

    /// <summary>The Arrow schema <see cref="ToRecordBatches"/> writes for <paramref name="frame"/>.</summary>
    /// <exception cref="NotSupportedException">A column's type has no Arrow mapping (the message names the column).</exception>
    public static Schema ToSchema(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return CreateSchema(CreateWriters(frame));
    }

    /// <summary>
    /// The frame's rows as record batches of at most <paramref name="maxRowsPerBatch"/> rows, all with the schema
    /// of <see cref="ToSchema"/>. A frame without rows gives no batches (its schema is still <see cref="ToSchema"/>).
    /// A batch is cut shorter when a utf8 column's bytes would pass 2 GiB (32-bit offsets).
    /// </summary>
    /// <exception cref="NotSupportedException">A column's type has no Arrow mapping (raised here, not while enumerating).</exception>
    public static IEnumerable<RecordBatch> ToRecordBatches(DataFrame frame, int maxRowsPerBatch)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRowsPerBatch);
        ColumnWriter[] writers = CreateWriters(frame);
        return WriteBatches(CreateSchema(writers), writers, frame.Rows.Count, maxRowsPerBatch);
    }

    /// <summary>
    /// A frame holding the rows of <paramref name="batches"/>, in order, with one column per field of
    /// <paramref name="schema"/> (see docs/type-mapping.md for the column each Arrow type becomes).
    /// </summary>
    /// <param name="schema">The batches' schema; every batch must have its fields' types.</param>
    /// <param name="batches">The batches, enumerated once. They may be sliced (any array offset).</param>
    /// <param name="arrowStrings">
    /// False (the default): utf8 and large utf8 become <see cref="StringDataFrameColumn"/>s (one .NET string per
    /// value; every MDA operation works on them). True: they become <see cref="ArrowStringDataFrameColumn"/>s over
    /// the UTF-8 bytes (zero-copy from a single batch; a read-only view in MDA: appending to it fails).
    /// </param>
    /// <exception cref="UnsupportedArrowFeatureException">A field's type has no MDA column, or a value does not fit
    /// the column (a decimal beyond <see cref="decimal"/>, a timestamp beyond <see cref="DateTime"/>); the message
    /// names the column.</exception>
    /// <exception cref="ArrowFormatException">A batch does not match the schema, or a dictionary index is out of range.</exception>
    public static DataFrame FromRecordBatches(Schema schema, IEnumerable<RecordBatch> batches, bool arrowStrings = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(batches);
        return ReadFrame(schema, batches, arrowStrings);
    }
}
