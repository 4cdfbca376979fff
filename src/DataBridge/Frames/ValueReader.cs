using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Apache.Arrow.Arrays;

namespace DataBridge.Frames;

/// <summary>
/// Typed getters from Arrow arrays to .NET values: one delegate per (Arrow type, .NET type), created once
/// per column and called per row, so reading a column boxes nothing.
/// </summary>
/// <remarks>
/// The getters are deliberately lenient about the Arrow side, because a frame that went through pandas
/// comes back with pandas' types (timestamp[ns] for dates, binary for fixed-size binary, int64 offsets,
/// decimals with the precision their values need): any integer array reads into any integer or enum
/// type (checked), any timestamp/date into <see cref="DateTime"/>/<see cref="DateOnly"/>, binary of 16
/// bytes into <see cref="Guid"/>. What cannot be converted fails when the getter is created, naming the
/// column, never silently per row.
/// </remarks>
internal static class ValueReader
{
    private static readonly MethodInfo NullableMethod = typeof(ValueReader).GetMethod(nameof(WrapNullable), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ClassMethod = typeof(ValueReader).GetMethod(nameof(WrapClass), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo StructMethod = typeof(ValueReader).GetMethod(nameof(WrapStruct), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo NumberMethod = typeof(ValueReader).GetMethod(nameof(Number), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo EnumMethod = typeof(ValueReader).GetMethod(nameof(EnumValue), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>A getter returning <typeparamref name="T"/> for element i of an array of <paramref name="field"/>'s type.</summary>
    /// <exception cref="InvalidCastException">The column's Arrow type cannot be read as <typeparamref name="T"/>.</exception>
    public static Func<IArrowArray, int, T> Create<T>(Field field) => (Func<IArrowArray, int, T>)Create(field, typeof(T));

    /// <summary>The untyped form of <see cref="Create{T}"/>: a <c>Func&lt;IArrowArray, int, type&gt;</c>.</summary>
    public static Delegate Create(Field field, Type type)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (type == typeof(object))
        {
            return (Func<IArrowArray, int, object?>)BoxedValue.Get;
        }

        Delegate raw = Raw(field, underlying ?? type)
            ?? throw new InvalidCastException($"Column '{field.Name}' ({ArrowTypeText.Of(field.DataType)}) cannot be read as {type.Name}.");
        string name = field.Name;
        if (underlying is not null)
        {
            return (Delegate)NullableMethod.MakeGenericMethod(underlying).Invoke(null, [raw])!;
        }

        return type.IsValueType
            ? (Delegate)StructMethod.MakeGenericMethod(type).Invoke(null, [raw, name])!
            : (Delegate)ClassMethod.MakeGenericMethod(type).Invoke(null, [raw])!;
    }

    private static Func<IArrowArray, int, T?> WrapNullable<T>(Func<IArrowArray, int, T> raw)
        where T : struct => (a, i) => a.IsNull(i) ? null : raw(a, i);

    private static Func<IArrowArray, int, T?> WrapClass<T>(Func<IArrowArray, int, T> raw)
        where T : class => (a, i) => a.IsNull(i) ? null : raw(a, i);

    private static Func<IArrowArray, int, T> WrapStruct<T>(Func<IArrowArray, int, T> raw, string name)
        where T : struct => (a, i) => a.IsNull(i) ? ThrowNull<T>(name, i) : raw(a, i);

    private static T ThrowNull<T>(string name, int index) =>
        throw new InvalidOperationException($"Column '{name}' holds a null at partition row {index}; read it as {typeof(T).Name}? to get nulls.");

    /// <summary>The getter of a non-null element, or null when the conversion is not supported.</summary>
    private static Delegate? Raw(Field field, Type type)
    {
        IArrowType arrow = field.DataType;
        bool isDecimal = DecimalConversion.IsDecimal(arrow);
        if (type.IsEnum)
        {
            return IsInteger(arrow) || arrow is StringType or LargeStringType or StringViewType
                ? (Delegate)EnumMethod.MakeGenericMethod(type).Invoke(null, [arrow])!
                : null;
        }

        if (IsNumericTarget(type))
        {
            return IsInteger(arrow) || arrow is FloatingPointType || (isDecimal && type == typeof(decimal))
                ? (Delegate)NumberMethod.MakeGenericMethod(type).Invoke(null, [arrow])!
                : null;
        }

        if (type == typeof(bool))
        {
            return arrow is BooleanType ? (Func<IArrowArray, int, bool>)((a, i) => ((BooleanArray)a).GetValue(i).GetValueOrDefault()) : null;
        }

        if (type == typeof(string))
        {
            return arrow switch
            {
                StringType => (Func<IArrowArray, int, string>)((a, i) => ((StringArray)a).GetString(i)),
                LargeStringType => (Func<IArrowArray, int, string>)((a, i) => ((LargeStringArray)a).GetString(i)),
                StringViewType => (Func<IArrowArray, int, string>)((a, i) => ((StringViewArray)a).GetString(i)),
                _ => null,
            };
        }

        if (type == typeof(byte[]))
        {
            return arrow switch
            {
                BinaryType or StringType => (Func<IArrowArray, int, byte[]>)((a, i) => ((BinaryArray)a).GetBytes(i).ToArray()),
                LargeBinaryType or LargeStringType => (Func<IArrowArray, int, byte[]>)((a, i) => ((LargeBinaryArray)a).GetBytes(i).ToArray()),
                FixedSizeBinaryType when !isDecimal => (Func<IArrowArray, int, byte[]>)((a, i) => ((FixedSizeBinaryArray)a).GetBytes(i).ToArray()),
                _ => null,
            };
        }

        if (type == typeof(Guid))
        {
            return arrow switch
            {
                FixedSizeBinaryType { ByteWidth: 16 } when !isDecimal => (Func<IArrowArray, int, Guid>)((a, i) => new Guid(((FixedSizeBinaryArray)a).GetBytes(i), bigEndian: true)),
                BinaryType => (Func<IArrowArray, int, Guid>)((a, i) => ToGuid(((BinaryArray)a).GetBytes(i))),
                LargeBinaryType => (Func<IArrowArray, int, Guid>)((a, i) => ToGuid(((LargeBinaryArray)a).GetBytes(i))),
                StringType => (Func<IArrowArray, int, Guid>)((a, i) => Guid.Parse(((StringArray)a).GetString(i), CultureInfo.InvariantCulture)),
                _ => null,
            };
        }

        if (type == typeof(DateTime))
        {
            return arrow switch
            {
                TimestampType t => (Func<IArrowArray, int, DateTime>)((a, i) => ToDateTime(((TimestampArray)a).Values[i], t)),
                Date32Type => (Func<IArrowArray, int, DateTime>)((a, i) => TemporalConversions.FromDate32(((Date32Array)a).Values[i]).ToDateTime(TimeOnly.MinValue)),
                Date64Type => (Func<IArrowArray, int, DateTime>)((a, i) => TemporalConversions.FromDate64(((Date64Array)a).Values[i])),
                _ => null,
            };
        }

        if (type == typeof(DateTimeOffset))
        {
            return arrow switch
            {
                TimestampType t => (Func<IArrowArray, int, DateTimeOffset>)((a, i) => new DateTimeOffset(ToDateTime(((TimestampArray)a).Values[i], t).Ticks, TimeSpan.Zero)),
                StructType s when DateTimeOffsetLayout.Matches(s) => DateTimeOffsetLayout.Reader(s),
                _ => null,
            };
        }

        if (type == typeof(DateOnly))
        {
            return arrow switch
            {
                Date32Type => (Func<IArrowArray, int, DateOnly>)((a, i) => TemporalConversions.FromDate32(((Date32Array)a).Values[i])),
                Date64Type => (Func<IArrowArray, int, DateOnly>)((a, i) => DateOnly.FromDateTime(TemporalConversions.FromDate64(((Date64Array)a).Values[i]))),
                TimestampType t => (Func<IArrowArray, int, DateOnly>)((a, i) => DateOnly.FromDateTime(ToDateTime(((TimestampArray)a).Values[i], t))),
                _ => null,
            };
        }

        if (type == typeof(TimeOnly))
        {
            return TimeSpanGetter(arrow) is { } span ? (Func<IArrowArray, int, TimeOnly>)((a, i) => TimeOnly.FromTimeSpan(span(a, i))) : null;
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpanGetter(arrow);
        }

        return null;
    }

    /// <summary>time32, time64 and duration values as <see cref="TimeSpan"/>; null for other types.</summary>
    private static Func<IArrowArray, int, TimeSpan>? TimeSpanGetter(IArrowType arrow) => arrow switch
    {
        Time32Type t => (a, i) => TemporalConversions.ToTimeSpan(((Time32Array)a).Values[i], t.Unit),
        Time64Type t => (a, i) => TemporalConversions.ToTimeSpan(((Time64Array)a).Values[i], t.Unit),
        DurationType d => (a, i) => TemporalConversions.ToTimeSpan(((DurationArray)a).Values[i], d.Unit),
        _ => null,
    };

    /// <summary>Whether a timestamp type has a zone (its values are then UTC instants).</summary>
    internal static bool IsZoned(TimestampType type) => !string.IsNullOrEmpty(type.Timezone);

    /// <summary>A timestamp count as a <see cref="DateTime"/>: UTC kind when the type has a zone (the count is UTC), unspecified otherwise.</summary>
    internal static DateTime ToDateTime(long value, TimestampType type)
    {
        long ticks = checked(DateTime.UnixEpoch.Ticks + TemporalConversions.ToTicks(value, type.Unit));
        return new DateTime(ticks, IsZoned(type) ? DateTimeKind.Utc : DateTimeKind.Unspecified);
    }

    private static Guid ToGuid(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 16 ? new Guid(bytes, bigEndian: true) : throw new InvalidCastException($"A {bytes.Length}-byte binary value is not a UUID.");

    internal static bool IsInteger(IArrowType type) => type is IntegerType;

    private static bool IsNumericTarget(Type type) =>
        type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) ||
        type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) ||
        type == typeof(Half) || type == typeof(float) || type == typeof(double) || type == typeof(decimal);

    /// <summary>A numeric getter: the exact primitive when the types match, else a checked conversion.</summary>
    private static Func<IArrowArray, int, T> Number<T>(IArrowType arrow)
        where T : struct, INumberBase<T> => arrow.TypeId switch
        {
            ArrowTypeId.Int8 => Convert<sbyte, T>(),
            ArrowTypeId.Int16 => Convert<short, T>(),
            ArrowTypeId.Int32 => Convert<int, T>(),
            ArrowTypeId.Int64 => Convert<long, T>(),
            ArrowTypeId.UInt8 => Convert<byte, T>(),
            ArrowTypeId.UInt16 => Convert<ushort, T>(),
            ArrowTypeId.UInt32 => Convert<uint, T>(),
            ArrowTypeId.UInt64 => Convert<ulong, T>(),
            ArrowTypeId.HalfFloat => Convert<Half, T>(),
            ArrowTypeId.Float => Convert<float, T>(),
            ArrowTypeId.Double => Convert<double, T>(),
            _ => (a, i) => T.CreateChecked(DecimalConversion.ToDecimal((FixedSizeBinaryArray)a, i)),
        };

    private static Func<IArrowArray, int, T> Convert<TSource, T>()
        where TSource : unmanaged, INumberBase<TSource>
        where T : struct, INumberBase<T>
    {
        if (typeof(TSource) == typeof(T))
        {
            return (Func<IArrowArray, int, T>)(object)(Func<IArrowArray, int, TSource>)((a, i) => ((PrimitiveArray<TSource>)a).Values[i]);
        }

        return (a, i) => T.CreateChecked(((PrimitiveArray<TSource>)a).Values[i]);
    }

    /// <summary>Enums: by name (or number text) from strings, by value from integers.</summary>
    private static Func<IArrowArray, int, T> EnumValue<T>(IArrowType arrow)
        where T : struct, Enum
    {
        switch (arrow)
        {
            case StringType: return (a, i) => Enum.Parse<T>(((StringArray)a).GetString(i));
            case LargeStringType: return (a, i) => Enum.Parse<T>(((LargeStringArray)a).GetString(i));
            case StringViewType: return (a, i) => Enum.Parse<T>(((StringViewArray)a).GetString(i));
        }

        Func<IArrowArray, int, long> raw = Number<long>(arrow);
        return (a, i) => FromInt64<T>(raw(a, i));
    }

    /// <summary>The enum value with underlying number <paramref name="value"/>, without boxing (the low bytes, little-endian).</summary>
    private static T FromInt64<T>(long value)
        where T : struct, Enum
    {
        switch (Unsafe.SizeOf<T>())
        {
            case 1:
                byte b = (byte)value;
                return Unsafe.As<byte, T>(ref b);
            case 2:
                ushort s = (ushort)value;
                return Unsafe.As<ushort, T>(ref s);
            case 4:
                uint u = (uint)value;
                return Unsafe.As<uint, T>(ref u);
            default:
                return Unsafe.As<long, T>(ref value);
        }
    }
}
