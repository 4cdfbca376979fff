using System.Linq.Expressions;
using System.Reflection;

namespace DataBridge.Frames;

/// <summary>
/// Encodes records of <typeparamref name="T"/> column by column: one <see cref="ColumnEncoder"/> per
/// public readable property (in declaration order), fed by a compiled property getter, so a record costs
/// one delegate call per property and nothing is boxed.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class RecordEncoder<T>
{
    private readonly PropertySink[] _sinks;

    public RecordEncoder()
    {
        PropertyInfo[] properties = RecordProperties.Readable(typeof(T));
        _sinks = new PropertySink[properties.Length];
        for (int i = 0; i < properties.Length; i++)
        {
            PropertyInfo p = properties[i];
            ColumnEncoder encoder = ColumnEncoder.Create(p.PropertyType, p.Name);
            ParameterExpression record = Expression.Parameter(typeof(T), "record");
            Delegate getter = Expression.Lambda(typeof(Func<,>).MakeGenericType(typeof(T), p.PropertyType), Expression.Property(record, p), record).Compile();
            Type sinkType = typeof(PropertySink<>).MakeGenericType(typeof(T), p.PropertyType);
            _sinks[i] = (PropertySink)Activator.CreateInstance(sinkType, getter, encoder)!;
        }
    }

    /// <summary>The encoders, in column order.</summary>
    public IEnumerable<ColumnEncoder> Encoders => _sinks.Select(s => s.Encoder);

    public void Append(T record)
    {
        foreach (PropertySink sink in _sinks)
        {
            sink.Append(record);
        }
    }

    private abstract class PropertySink
    {
        public abstract ColumnEncoder Encoder { get; }

        public abstract void Append(T record);
    }

    /// <summary>One property: getter and encoder share <typeparamref name="TValue"/>, so the value is never boxed.</summary>
    private sealed class PropertySink<TValue> : PropertySink
    {
        private readonly Func<T, TValue> _getter;
        private readonly ColumnEncoder<TValue> _encoder;

        public PropertySink(Func<T, TValue> getter, ColumnEncoder encoder)
        {
            _getter = getter;
            _encoder = (ColumnEncoder<TValue>)encoder;
        }

        public override ColumnEncoder Encoder => _encoder;

        public override void Append(T record) => _encoder.Append(_getter(record));
    }
}
