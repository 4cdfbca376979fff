using System.Reflection;

namespace DataBridge.Frames;

/// <summary>
/// Turns a stream of .NET values of one column into Arrow arrays, one per partition: values are appended,
/// <see cref="EndPartition"/> closes a partition, <see cref="Complete"/> gives the field and the arrays.
/// </summary>
/// <remarks>
/// Some column types depend on all the values (the scale of a decimal column, the zone of a DateTime
/// column), so the field is known only at <see cref="Complete"/>; everything else is built partition by
/// partition into our buffer builders (Arrow/Builders) without boxing.
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
    public abstract (Field Field, IReadOnlyList<IArrowArray> Partitions) Complete();

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
            _ when type == typeof(sbyte) => new PrimitiveEncoder<sbyte>(name, Int8Type.Default),
            _ when type == typeof(short) => new PrimitiveEncoder<short>(name, Int16Type.Default),
            _ when type == typeof(int) => new PrimitiveEncoder<int>(name, Int32Type.Default),
            _ when type == typeof(long) => new PrimitiveEncoder<long>(name, Int64Type.Default),
            _ when type == typeof(byte) => new PrimitiveEncoder<byte>(name, UInt8Type.Default),
            _ when type == typeof(ushort) => new PrimitiveEncoder<ushort>(name, UInt16Type.Default),
            _ when type == typeof(uint) => new PrimitiveEncoder<uint>(name, UInt32Type.Default),
            _ when type == typeof(ulong) => new PrimitiveEncoder<ulong>(name, UInt64Type.Default),
            _ when type == typeof(Half) => new PrimitiveEncoder<Half>(name, HalfFloatType.Default),
            _ when type == typeof(float) => new PrimitiveEncoder<float>(name, FloatType.Default),
            _ when type == typeof(double) => new PrimitiveEncoder<double>(name, DoubleType.Default),
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
