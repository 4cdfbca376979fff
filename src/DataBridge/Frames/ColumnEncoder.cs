using System.Reflection;

namespace DataBridge.Frames;

/// <summary>
/// Turns a stream of .NET values of one column into Arrow arrays, one per partition: values are appended,
/// <see cref="EndPartition"/> closes a partition, <see cref="Complete"/> gives the field and the arrays.
/// </summary>
/// <remarks>
/// Some column types depend on all the values (the scale of a decimal column, the zone of a DateTime
/// column), so the field is known only at <see cref="Complete"/>; everything else is built partition by
/// partition into Arrow builders without boxing.
/// </remarks>
internal abstract class ColumnEncoder
{
    private static readonly MethodInfo NullableFactory = typeof(ColumnEncoder).GetMethod(nameof(CreateNullable), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo EnumFactory = typeof(ColumnEncoder).GetMethod(nameof(CreateEnum), BindingFlags.NonPublic | BindingFlags.Static)!;

    protected ColumnEncoder(string name) => Name = name;

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>Appends a null.</summary>
    public abstract void AppendNull();

    /// <summary>Makes room for <paramref name="rows"/> more values, so the builders do not regrow; a hint (default: nothing).</summary>
    public virtual void Reserve(int rows)
    {
    }

    /// <summary>Closes the current partition (the values appended since the previous call).</summary>
    public abstract void EndPartition();

    /// <summary>The column's field and one array per closed partition.</summary>
    public abstract (Field Field, IReadOnlyList<ArrowArray> Partitions) Complete();

    /// <summary>Whether <paramref name="type"/> (or the type it makes nullable) has an Arrow mapping.</summary>
    public static bool IsMapped(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum || t == typeof(bool) || t == typeof(sbyte) || t == typeof(byte) || t == typeof(short) ||
            t == typeof(ushort) || t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong) ||
            t == typeof(Half) || t == typeof(float) || t == typeof(double) || t == typeof(decimal) ||
            t == typeof(string) || t == typeof(byte[]) || t == typeof(Guid) || t == typeof(DateTime) ||
            t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(TimeSpan);
    }

    /// <summary>An encoder of <paramref name="type"/> values (a <c>ColumnEncoder&lt;type&gt;</c>).</summary>
    /// <exception cref="NotSupportedException">The type has no Arrow mapping.</exception>
    public static ColumnEncoder Create(Type type, string name)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            ColumnEncoder inner = Create(underlying, name);
            return (ColumnEncoder)NullableFactory.MakeGenericMethod(underlying).Invoke(null, [inner])!;
        }

        if (type.IsEnum)
        {
            return (ColumnEncoder)EnumFactory.MakeGenericMethod(type).Invoke(null, [name])!;
        }

        return type switch
        {
            _ when type == typeof(bool) => new BooleanEncoder(name),
            _ when type == typeof(sbyte) => new PrimitiveEncoder<sbyte, Int8Array>(name, IntType.Int8, () => new Int8Array.Builder()),
            _ when type == typeof(short) => new PrimitiveEncoder<short, Int16Array>(name, IntType.Int16, () => new Int16Array.Builder()),
            _ when type == typeof(int) => new PrimitiveEncoder<int, Int32Array>(name, IntType.Int32, () => new Int32Array.Builder()),
            _ when type == typeof(long) => new PrimitiveEncoder<long, Int64Array>(name, IntType.Int64, () => new Int64Array.Builder()),
            _ when type == typeof(byte) => new PrimitiveEncoder<byte, UInt8Array>(name, IntType.UInt8, () => new UInt8Array.Builder()),
            _ when type == typeof(ushort) => new PrimitiveEncoder<ushort, UInt16Array>(name, IntType.UInt16, () => new UInt16Array.Builder()),
            _ when type == typeof(uint) => new PrimitiveEncoder<uint, UInt32Array>(name, IntType.UInt32, () => new UInt32Array.Builder()),
            _ when type == typeof(ulong) => new PrimitiveEncoder<ulong, UInt64Array>(name, IntType.UInt64, () => new UInt64Array.Builder()),
            _ when type == typeof(Half) => new PrimitiveEncoder<Half, HalfFloatArray>(name, FloatingPointType.Float16, () => new HalfFloatArray.Builder()),
            _ when type == typeof(float) => new PrimitiveEncoder<float, FloatArray>(name, FloatingPointType.Float32, () => new FloatArray.Builder()),
            _ when type == typeof(double) => new PrimitiveEncoder<double, DoubleArray>(name, FloatingPointType.Float64, () => new DoubleArray.Builder()),
            _ when type == typeof(decimal) => new DecimalEncoder(name),
            _ when type == typeof(string) => new StringEncoder(name),
            _ when type == typeof(byte[]) => new BinaryEncoder(name),
            _ when type == typeof(Guid) => new GuidEncoder(name),
            _ when type == typeof(DateTime) => new DateTimeEncoder(name),
            _ when type == typeof(DateTimeOffset) => new DateTimeOffsetEncoder(name),
            _ when type == typeof(DateOnly) => new DateOnlyEncoder(name),
            _ when type == typeof(TimeOnly) => new TimeOnlyEncoder(name),
            _ when type == typeof(TimeSpan) => new TimeSpanEncoder(name),
            _ => throw new NotSupportedException(
                $"Column '{name}': the .NET type {type} has no Arrow mapping (see docs/dataframe.md for the mapped types)."),
        };
    }

    private static ColumnEncoder<T?> CreateNullable<T>(ColumnEncoder inner)
        where T : struct => new NullableEncoder<T>((ColumnEncoder<T>)inner);

    private static EnumEncoder<T> CreateEnum<T>(string name)
        where T : struct, Enum => new(name);
}
