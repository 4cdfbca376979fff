using System.Linq.Expressions;
using System.Reflection;

namespace DataBridge.Frames;

/// <summary>
/// Builds records of <typeparamref name="T"/> from a row of columns: a compiled expression
/// <c>(columns, row) =&gt; new T(getter(columns[k], row), ...) { P = getter(columns[j], row), ... }</c>, made once per
/// schema, with one typed getter per matched property (<see cref="ValueReader"/>), so nothing is boxed.
/// </summary>
/// <remarks>
/// Columns match properties by name, exactly first, then ignoring case. A type without a public
/// parameterless constructor is built through its public constructor with the most parameters whose
/// parameters all name columns (positional records); the other settable properties are then assigned.
/// Unmatched columns are ignored; unmatched properties keep their defaults.
/// </remarks>
/// <typeparam name="T">The record type.</typeparam>
internal static class RecordDecoder<T>
{
    /// <summary>The row factory for batches of <paramref name="schema"/>.</summary>
    /// <exception cref="InvalidOperationException">No usable constructor.</exception>
    /// <exception cref="InvalidCastException">A matched column cannot be read as its property's type.</exception>
    public static Func<IArrowArray[], int, T> Create(Schema schema)
    {
        ParameterExpression columns = Expression.Parameter(typeof(IArrowArray[]), "columns");
        ParameterExpression row = Expression.Parameter(typeof(int), "row");

        Expression Read(string name, Type type)
        {
            int index = ColumnIndex(schema, name);
            Delegate getter = ValueReader.Create(schema.FieldsList[index], type);
            return Expression.Invoke(Expression.Constant(getter), Expression.ArrayIndex(columns, Expression.Constant(index)), row);
        }

        Type type = typeof(T);
        NewExpression construct;
        var consumed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        ConstructorInfo? parameterless = type.GetConstructor(Type.EmptyTypes);
        if (parameterless is not null || type.IsValueType)
        {
            construct = parameterless is null ? Expression.New(type) : Expression.New(parameterless);
        }
        else
        {
            ConstructorInfo ctor = type.GetConstructors()
                .Where(c => c.GetParameters().All(p => p.Name is not null && ColumnIndex(schema, p.Name) >= 0))
                .OrderByDescending(c => c.GetParameters().Length)
                .FirstOrDefault()
                ?? throw new InvalidOperationException(
                    $"{type} has no public parameterless constructor and no public constructor whose parameters all name columns of [{string.Join(", ", schema.FieldsList.Select(f => f.Name))}].");
            ParameterInfo[] parameters = ctor.GetParameters();
            construct = Expression.New(ctor, parameters.Select(p => Read(p.Name!, p.ParameterType)));
            consumed.UnionWith(parameters.Select(p => p.Name!));
        }

        var bindings = new List<MemberBinding>();
        foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && !consumed.Contains(p.Name) && ColumnIndex(schema, p.Name) >= 0)
            {
                bindings.Add(Expression.Bind(p, Read(p.Name, p.PropertyType)));
            }
        }

        Expression body = bindings.Count == 0 ? construct : Expression.MemberInit(construct, bindings);
        return Expression.Lambda<Func<IArrowArray[], int, T>>(body, columns, row).Compile();
    }

    private static int ColumnIndex(Schema schema, string name)
    {
        int exact = ArrowFrame.IndexOf(schema, name);
        if (exact >= 0)
        {
            return exact;
        }

        for (int i = 0; i < schema.FieldsList.Count; i++)
        {
            if (string.Equals(schema.FieldsList[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
