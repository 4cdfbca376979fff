namespace DataBridge.Arrow.Types;

/// <summary>Identifies the logical type of an <see cref="ArrowType"/>. Values follow Schema.fbs's <c>Type</c> union.</summary>
public enum ArrowTypeId
{
    /// <summary>All values null; no buffers.</summary>
    Null = 1,
    /// <summary>Signed or unsigned integer of 8, 16, 32 or 64 bits.</summary>
    Int = 2,
    /// <summary>IEEE 754 half, single or double precision.</summary>
    FloatingPoint = 3,
    /// <summary>Variable-length bytes with 32-bit offsets.</summary>
    Binary = 4,
    /// <summary>Variable-length UTF-8 with 32-bit offsets.</summary>
    Utf8 = 5,
    /// <summary>Bit-packed booleans.</summary>
    Boolean = 6,
    /// <summary>Two's complement decimal of 32, 64, 128 or 256 bits.</summary>
    Decimal = 7,
    /// <summary>Days (32-bit) or milliseconds (64-bit) since the epoch.</summary>
    Date = 8,
    /// <summary>Time of day.</summary>
    Time = 9,
    /// <summary>Instant since the epoch, with an optional time zone.</summary>
    Timestamp = 10,
    /// <summary>Calendar interval.</summary>
    Interval = 11,
    /// <summary>Variable-size list with 32-bit offsets.</summary>
    List = 12,
    /// <summary>Struct of named children.</summary>
    Struct = 13,
    /// <summary>Sparse or dense union.</summary>
    Union = 14,
    /// <summary>Fixed-width bytes.</summary>
    FixedSizeBinary = 15,
    /// <summary>List of a fixed number of values.</summary>
    FixedSizeList = 16,
    /// <summary>List of key/value entries.</summary>
    Map = 17,
    /// <summary>Elapsed time in a unit.</summary>
    Duration = 18,
    /// <summary>Variable-length bytes with 64-bit offsets.</summary>
    LargeBinary = 19,
    /// <summary>Variable-length UTF-8 with 64-bit offsets.</summary>
    LargeUtf8 = 20,
    /// <summary>Variable-size list with 64-bit offsets.</summary>
    LargeList = 21,
    /// <summary>Dictionary-encoded values (not a Schema.fbs type: a field's <c>dictionary</c> attribute).</summary>
    Dictionary = 100,
}
