namespace DataBridge.Tests.Frames;

public enum Color
{
    Red,
    Green,
    Blue,
}

[Flags]
public enum Access
{
    None = 0,
    Read = 1,
    Write = 2,
}

/// <summary>One property of every mapped .NET type, plain and nullable.</summary>
public sealed record AllTypes
{
    public bool Flag { get; init; }
    public sbyte I8 { get; init; }
    public byte U8 { get; init; }
    public short I16 { get; init; }
    public ushort U16 { get; init; }
    public int I32 { get; init; }
    public uint U32 { get; init; }
    public long I64 { get; init; }
    public ulong U64 { get; init; }
    public Half F16 { get; init; }
    public float F32 { get; init; }
    public double F64 { get; init; }
    public decimal Money { get; init; }
    public string? Text { get; init; }
    public byte[]? Blob { get; init; }
    public Guid Id { get; init; }
    public DateTime When { get; init; }
    public DateTimeOffset WhenOffset { get; init; }
    public DateOnly Day { get; init; }
    public TimeOnly Time { get; init; }
    public TimeSpan Span { get; init; }
    public Color Color { get; init; }
    public Access Access { get; init; }
    public bool? NFlag { get; init; }
    public sbyte? NI8 { get; init; }
    public byte? NU8 { get; init; }
    public short? NI16 { get; init; }
    public ushort? NU16 { get; init; }
    public int? NI32 { get; init; }
    public uint? NU32 { get; init; }
    public long? NI64 { get; init; }
    public ulong? NU64 { get; init; }
    public Half? NF16 { get; init; }
    public float? NF32 { get; init; }
    public double? NF64 { get; init; }
    public decimal? NMoney { get; init; }
    public Guid? NId { get; init; }
    public DateTime? NWhen { get; init; }
    public DateTimeOffset? NWhenOffset { get; init; }
    public DateOnly? NDay { get; init; }
    public TimeOnly? NTime { get; init; }
    public TimeSpan? NSpan { get; init; }
    public Color? NColor { get; init; }

    /// <summary>Value equality including the byte array's contents and DateTime kinds.</summary>
    public bool SameAs(AllTypes other) =>
        this with { Blob = null } == other with { Blob = null } &&
        (Blob is null ? other.Blob is null : other.Blob is not null && Blob.AsSpan().SequenceEqual(other.Blob)) &&
        When.Kind == other.When.Kind &&
        WhenOffset.Offset == other.WhenOffset.Offset && NWhenOffset?.Offset == other.NWhenOffset?.Offset;

    /// <summary>Ordinary values, extreme values and all-null variants (µs precision: the documented DateTime/DTO unit).</summary>
    public static AllTypes[] Samples() =>
    [
        new()
        {
            Flag = true, I8 = -5, U8 = 7, I16 = -300, U16 = 60000, I32 = -70000, U32 = 4000000000, I64 = 1L << 40, U64 = 1UL << 63,
            F16 = (Half)1.5, F32 = 2.25f, F64 = Math.PI, Money = 12345.6789m, Text = "héllo, \"world\"\n", Blob = [1, 2, 3],
            Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), When = new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Unspecified).AddTicks(1234560),
            WhenOffset = new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.FromMinutes(330)).AddTicks(10), Day = new DateOnly(2024, 2, 29),
            Time = new TimeOnly(23, 59, 58).Add(TimeSpan.FromTicks(1234560)), Span = TimeSpan.FromDays(-3.5), Color = Color.Blue, Access = Access.Read | Access.Write,
            NFlag = false, NI8 = 1, NU8 = 2, NI16 = 3, NU16 = 4, NI32 = 5, NU32 = 6, NI64 = 7, NU64 = 8, NF16 = (Half)0.5, NF32 = 9.5f, NF64 = -1e300,
            NMoney = -0.001m, NId = Guid.Empty, NWhen = new DateTime(1999, 12, 31), NWhenOffset = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)),
            NDay = new DateOnly(1970, 1, 1), NTime = TimeOnly.MinValue, NSpan = TimeSpan.FromMilliseconds(1), NColor = Color.Green,
        },
        new()
        {
            Flag = false, I8 = sbyte.MinValue, U8 = byte.MaxValue, I16 = short.MinValue, U16 = ushort.MaxValue, I32 = int.MinValue, U32 = uint.MaxValue,
            I64 = long.MinValue, U64 = ulong.MaxValue, F16 = Half.MaxValue, F32 = float.MinValue, F64 = double.MaxValue, Money = decimal.MaxValue,
            Text = string.Empty, Blob = [], Id = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"), When = DateTime.MinValue,
            WhenOffset = DateTimeOffset.MinValue, Day = DateOnly.MinValue, Time = TimeOnly.MinValue, Span = TimeSpan.FromDays(-106751), Color = Color.Red, Access = Access.None,
            NI64 = long.MaxValue, NU64 = ulong.MinValue, NMoney = decimal.MinValue, NWhen = DateTime.MaxValue.AddTicks(-9),
            NWhenOffset = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.FromHours(14)), NDay = DateOnly.MaxValue,
        },
        new()
        {
            I64 = long.MaxValue, Money = 0.0000000000000000000000000001m, Text = null, Blob = null, When = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
            WhenOffset = DateTimeOffset.MaxValue.AddTicks(-9), NWhenOffset = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.FromHours(-14)), Day = DateOnly.MaxValue,
            Time = TimeOnly.MaxValue.Add(TimeSpan.FromTicks(-9)), Span = TimeSpan.FromDays(106751), Color = (Color)42, Access = Access.Write,
        },
    ];
}

/// <summary>A positional record (no parameterless constructor).</summary>
public sealed record Order(long Id, string? Name, decimal Price, DateOnly Day);

/// <summary>A mutable class with a property that has no column.</summary>
public sealed class OrderView
{
    public long Id { get; set; }
    public string? Name { get; set; }
    public string? Missing { get; set; } = "unset";
}
