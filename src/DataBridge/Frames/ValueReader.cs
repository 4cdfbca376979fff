using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;

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
    public static Func<ArrowArray, int, T> Create<T>(Field field) => (Func<ArrowArray, int, T>)Create(field, typeof(T));

    /// <summary>The untyped form of <see cref="Create{T}"/>: a <c>Func&lt;ArrowArray, int, type&gt;</c>.</summary>
    public static Delegate Create(Field field, Type type)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (type == typeof(object))
        {
            return (Func<ArrowArray, int, object?>)BoxedValue.Get;
        }

        Delegate raw = Raw(field, underlying ?? type)
            ?? throw new InvalidCastException($"Column '{field.Name}' ({field.DataType}) cannot be read as {type.Name}.");
        string name = field.Name;
        if (underlying is not null)
        {
            return (Delegate)NullableMethod.MakeGenericMethod(underlying).Invoke(null, [raw])!;
        }

        return type.IsValueType
            ? (Delegate)StructMethod.MakeGenericMethod(type).Invoke(null, [raw, name])!
            : (Delegate)ClassMethod.MakeGenericMethod(type).Invoke(null, [raw])!;
    }

    private static Func<ArrowArray, int, T?> WrapNullable<T>(Func<ArrowArray, int, T> raw)
        where T : struct => (a, i) => a.IsNull(i) ? null : raw(a, i);

    private static Func<ArrowArray, int, T?> WrapClass<T>(Func<ArrowArray, int, T> raw)
        where T : class => (a, i) => a.IsNull(i) ? null : raw(a, i);

    private static Func<ArrowArray, int, T> WrapStruct<T>(Func<ArrowArray, int, T> raw, string name)
        where T : struct => (a, i) => a.IsNull(i) ? ThrowNull<T>(name, i) : raw(a, i);

    private static T ThrowNull<T>(string name, int index) =>
        throw new InvalidOperationException($"Column '{name}' holds a null at partition row {index}; read it as {typeof(T).Name}? to get nulls.");

    /// <summary>The getter of a non-null element, or null when the conversion is not supported.</summary>
    private static Delegate? Raw(Field field, Type type)
    {
        ArrowType arrow = field.DataType;
        if (type.IsEnum)
        {
            return IsInteger(arrow) || arrow is Utf8Type or LargeUtf8Type
                ? (Delegate)EnumMethod.MakeGenericMethod(type).Invoke(null, [arrow])!
                : null;
        }

        if (IsNumericTarget(type))
        {
            return IsInteger(arrow) || arrow is FloatingPointType || (arrow is DecimalType && type == typeof(decimal))
                ? (Delegate)NumberMethod.MakeGenericMethod(type).Invoke(null, [arrow])!
                : null;
        }

        if (type == typeof(bool))
        {
            return arrow is BooleanType ? (Func<ArrowArray, int, bool>)((a, i) => ((BooleanArray)a).GetValue(i)) : null;
        }

        if (type == typeof(string))
        {
            return arrow switch
            {
                Utf8Type => (Func<ArrowArray, int, string>)((a, i) => ((StringArray)a).GetString(i)!),
                LargeUtf8Type => (Func<ArrowArray, int, string>)((a, i) => ((LargeStringArray)a).GetString(i)!),
                _ => null,
            };
        }

        if (type == typeof(byte[]))
        {
            return arrow switch
            {
                BinaryType or Utf8Type => (Func<ArrowArray, int, byte[]>)((a, i) => ((BinaryArray)a).GetBytes(i).ToArray()),
                LargeBinaryType or LargeUtf8Type => (Func<ArrowArray, int, byte[]>)((a, i) => ((LargeBinaryArray)a).GetBytes(i).ToArray()),
                FixedSizeBinaryType => (Func<ArrowArray, int, byte[]>)((a, i) => ((FixedSizeBinaryArray)a).GetBytes(i).ToArray()),
                _ => null,
            };
        }

        if (type == typeof(Guid))
        {
            return arrow switch
            {
                FixedSizeBinaryType { ByteWidth: 16 } => (Func<ArrowArray, int, Guid>)((a, i) => new Guid(((FixedSizeBinaryArray)a).GetBytes(i), bigEndian: true)),
                BinaryType => (Func<ArrowArray, int, Guid>)((a, i) => ToGuid(((BinaryArray)a).GetBytes(i))),
                LargeBinaryType => (Func<ArrowArray, int, Guid>)((a, i) => ToGuid(((LargeBinaryArray)a).GetBytes(i))),
                Utf8Type => (Func<ArrowArray, int, Guid>)((a, i) => Guid.Parse(((StringArray)a).GetString(i)!, CultureInfo.InvariantCulture)),
                _ => null,
            };
        }

        if (type == typeof(DateTime))
        {
            return arrow switch
            {
                TimestampType t => (Func<ArrowArray, int, DateTime>)((a, i) => ToDateTime(((TimestampArray)a).GetValue(i), t)),
                DateType { Unit: DateUnit.Day } => (Func<ArrowArray, int, DateTime>)((a, i) => ((Date32Array)a).GetDateOnly(i)!.Value.ToDateTime(TimeOnly.MinValue)),
                DateType => (Func<ArrowArray, int, DateTime>)((a, i) => ((Date64Array)a).GetDateTime(i)!.Value),
                _ => null,
            };
        }

        if (type == typeof(DateTimeOffset))
        {
            return arrow switch
            {
                TimestampType t => (Func<ArrowArray, int, DateTimeOffset>)((a, i) => new DateTimeOffset(ToDateTime(((TimestampArray)a).GetValue(i), t).Ticks, TimeSpan.Zero)),
                StructType s when DateTimeOffsetLayout.Matches(s) => DateTimeOffsetLayout.Reader(s),
                _ => null,
            };
        }

        if (type == typeof(DateOnly))
        {
            return arrow switch
            {
                DateType { Unit: DateUnit.Day } => (Func<ArrowArray, int, DateOnly>)((a, i) => ((Date32Array)a).GetDateOnly(i)!.Value),
                DateType => (Func<ArrowArray, int, DateOnly>)((a, i) => ((Date64Array)a).GetDateOnly(i)!.Value),
                TimestampType t => (Func<ArrowArray, int, DateOnly>)((a, i) => DateOnly.FromDateTime(ToDateTime(((TimestampArray)a).GetValue(i), t))),
                _ => null,
            };
        }

        if (type == typeof(TimeOnly))
        {
            return arrow switch
            {
                TimeType { BitWidth: 32 } => (Func<ArrowArray, int, TimeOnly>)((a, i) => ((Time32Array)a).GetTimeOnly(i)!.Value),
                TimeType => (Func<ArrowArray, int, TimeOnly>)((a, i) => ((Time64Array)a).GetTimeOnly(i)!.Value),
                DurationType => (Func<ArrowArray, int, TimeOnly>)((a, i) => TimeOnly.FromTimeSpan(((DurationArray)a).GetTimeSpan(i)!.Value)),
                _ => null,
            };
        }

        if (type == typeof(TimeSpan))
        {
            return arrow switch
            {
                DurationType => (Func<ArrowArray, int, TimeSpan>)((a, i) => ((DurationArray)a).GetTimeSpan(i)!.Value),
                TimeType { BitWidth: 32 } => (Func<ArrowArray, int, TimeSpan>)((a, i) => ((Time32Array)a).GetTimeSpan(i)!.Value),
                TimeType => (Func<ArrowArray, int, TimeSpan>)((a, i) => ((Time64Array)a).GetTimeSpan(i)!.Value),
                _ => null,
            };
        }

        return null;
    }

    /// <summary>A timestamp count as a <see cref="DateTime"/>: UTC kind when the type has a zone (the count is UTC), unspecified otherwise.</summary>
    internal static DateTime ToDateTime(long value, TimestampType type)
    {
        long ticks = checked(DateTime.UnixEpoch.Ticks + TemporalConversions.ToTicks(value, type.Unit));
        return new DateTime(ticks, type.Timezone is null ? DateTimeKind.Unspecified : DateTimeKind.Utc);
    }

    private static Guid ToGuid(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 16 ? new Guid(bytes, bigEndian: true) : throw new InvalidCastException($"A {bytes.Length}-byte binary value is not a UUID.");

    internal static bool IsInteger(ArrowType type) => type is IntType;

    private static bool IsNumericTarget(Type type) =>
        type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) ||
        type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) ||
        type == typeof(Half) || type == typeof(float) || type == typeof(double) || type == typeof(decimal);

    /// <summary>A numeric getter: the exact primitive when the types match, else a checked conversion.</summary>
    private static Func<ArrowArray, int, T> Number<T>(ArrowType arrow)
        where T : struct, INumberBase<T>
    {
        switch (arrow)
        {
            case IntType { IsSigned: true, BitWidth: 8 }: return Convert<sbyte, T>();
            case IntType { IsSigned: true, BitWidth: 16 }: return Convert<short, T>();
            case IntType { IsSigned: true, BitWidth: 32 }: return Convert<int, T>();
            case IntType { IsSigned: true }: return Convert<long, T>();
            case IntType { BitWidth: 8 }: return Convert<byte, T>();
            case IntType { BitWidth: 16 }: return Convert<ushort, T>();
            case IntType { BitWidth: 32 }: return Convert<uint, T>();
            case IntType: return Convert<ulong, T>();
            case FloatingPointType { Precision: FloatPrecision.Half }: return Convert<Half, T>();
            case FloatingPointType { Precision: FloatPrecision.Single }: return Convert<float, T>();
            case FloatingPointType: return Convert<double, T>();
            default: return (a, i) => T.CreateChecked(DecimalConversion.ToDecimal((DecimalArray)a, i));
        }
    }

    private static Func<ArrowArray, int, T> Convert<TSource, T>()
        where TSource : unmanaged, INumberBase<TSource>
        where T : struct, INumberBase<T>
    {
        if (typeof(TSource) == typeof(T))
        {
            return (Func<ArrowArray, int, T>)(object)(Func<ArrowArray, int, TSource>)((a, i) => ((PrimitiveArray<TSource>)a).GetValue(i));
        }

        return (a, i) => T.CreateChecked(((PrimitiveArray<TSource>)a).GetValue(i));
    }

    /// <summary>Enums: by name (or number text) from strings, by value from integers.</summary>
    private static Func<ArrowArray, int, T> EnumValue<T>(ArrowType arrow)
        where T : struct, Enum
    {
        if (arrow is Utf8Type)
        {
            return (a, i) => Enum.Parse<T>(((StringArray)a).GetString(i)!);
        }

        if (arrow is LargeUtf8Type)
        {
            return (a, i) => Enum.Parse<T>(((LargeStringArray)a).GetString(i)!);
        }

        Func<ArrowArray, int, long> raw = Number<long>(arrow);
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
