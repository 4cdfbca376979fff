using System.Buffers.Binary;

namespace DataBridge.Parquet.Internal;

/// <summary>
/// What a schema becomes in a Parquet file. Intervals, unions and run-end encoded arrays are refused (Arrow C++
/// has no Parquet form for them). A fixed-size list is written as a list: Arrow C++ writes one with null slots
/// but cannot read it back under the stored schema, so it is converted here (a view: the same child values, an
/// offsets buffer of multiples of the size) and the file says list.
/// </summary>
internal sealed class ParquetWriteSchema
{
    private readonly bool _converts;

    private ParquetWriteSchema(Schema schema, bool converts)
    {
        Schema = schema;
        _converts = converts;
    }

    /// <summary>The schema given to the native writer.</summary>
    public Schema Schema { get; }

    public static ParquetWriteSchema Create(string path, Schema schema)
    {
        bool converts = false;
        var fields = new List<Field>(schema.FieldsList.Count);
        foreach (Field field in schema.FieldsList)
        {
            Field written = Map(path, field.Name, field, convertible: true);
            converts |= !ReferenceEquals(written, field);
            fields.Add(written);
        }

        return new ParquetWriteSchema(converts ? new Schema(fields, schema.Metadata) : schema, converts);
    }

    public RecordBatch Convert(RecordBatch batch)
    {
        if (!_converts)
        {
            return batch;
        }

        var arrays = new IArrowArray[batch.ColumnCount];
        for (int i = 0; i < arrays.Length; i++)
        {
            IArrowArray column = batch.Column(i);
            Field target = Schema.FieldsList[i];
            arrays[i] = ReferenceEquals(target.DataType, column.Data.DataType)
                ? column
                : ArrowArrayFactory.BuildArray(ConvertData(column.Data, target.DataType));
        }

        return new RecordBatch(Schema, arrays, batch.Length);
    }

    /// <summary>
    /// The field as written; the same instance when nothing changes. <paramref name="convertible"/> is false
    /// under containers whose arrays <see cref="ConvertData"/> does not rebuild (maps, list views, dictionaries).
    /// </summary>
    private static Field Map(string path, string column, Field field, bool convertible)
    {
        IArrowType type = field.DataType;
        switch (type)
        {
            case IntervalType:
                ParquetErrors.ThrowUnsupportedType(path, column, type, "Parquet's INTERVAL is not written by Arrow C++; store months, days and nanoseconds as integer columns");
                break;
            case UnionType:
                ParquetErrors.ThrowUnsupportedType(path, column, type, "Parquet has no union type");
                break;
            case Decimal32Type { Scale: < 0 } or Decimal64Type { Scale: < 0 } or Decimal128Type { Scale: < 0 } or Decimal256Type { Scale: < 0 }:
                ParquetErrors.ThrowUnsupportedType(path, column, type, "Parquet's DECIMAL has no negative scale; rescale the values to scale 0");
                break;
            case RunEndEncodedType:
                ParquetErrors.ThrowUnsupportedType(path, column, type, "decode the runs to their values' type first");
                break;
            case FixedSizeListType fixedList:
                if (!convertible)
                {
                    ParquetErrors.ThrowUnsupportedType(path, column, type, "a fixed-size list inside a map, list view or dictionary cannot be read back; use a list");
                }

                Field item = Map(path, column, fixedList.ValueField, convertible);
                return new Field(field.Name, new ListType(item), field.IsNullable, field.Metadata);
            case ListType list:
            {
                Field item2 = Map(path, column, list.ValueField, convertible);
                return ReferenceEquals(item2, list.ValueField) ? field : new Field(field.Name, new ListType(item2), field.IsNullable, field.Metadata);
            }

            case LargeListType largeList:
            {
                Field item3 = Map(path, column, largeList.ValueField, convertible);
                return ReferenceEquals(item3, largeList.ValueField) ? field : new Field(field.Name, new LargeListType(item3), field.IsNullable, field.Metadata);
            }

            case StructType structType:
            {
                var children = structType.Fields.Select(f => Map(path, column, f, convertible)).ToList();
                return children.Zip(structType.Fields).All(p => ReferenceEquals(p.First, p.Second))
                    ? field
                    : new Field(field.Name, new StructType(children), field.IsNullable, field.Metadata);
            }

            case NestedType nested:
                // Maps, list views: validated, not rebuilt.
                foreach (Field child in nested.Fields)
                {
                    Map(path, column, child, convertible: false);
                }

                break;
            case DictionaryType dictionary:
                Map(path, column, new Field(field.Name, dictionary.ValueType, true), convertible: false);
                break;
        }

        return field;
    }

    private static ArrayData ConvertData(ArrayData data, IArrowType target)
    {
        switch (data.DataType, target)
        {
            case (FixedSizeListType fixedList, ListType list):
            {
                // Offsets for every slot up to offset + length, so the validity bitmap and the offset stay as they are.
                int slots = data.Offset + data.Length;
                byte[] offsets = new byte[checked((slots + 1) * sizeof(int))];
                for (int i = 0; i <= slots; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(offsets.AsSpan(i * sizeof(int)), checked(i * fixedList.ListSize));
                }

                ArrayData child = ConvertData(data.Children[0], list.ValueDataType);
                return new ArrayData(list, data.Length, data.NullCount, data.Offset, [data.Buffers[0], new ArrowBuffer(offsets)], [child]);
            }

            case (ListType, ListType list):
                return ReferenceEquals(data.DataType, list) ? data : WithType(data, list, [ConvertData(data.Children[0], list.ValueDataType)]);
            case (LargeListType, LargeListType largeList):
                return ReferenceEquals(data.DataType, largeList) ? data : WithType(data, largeList, [ConvertData(data.Children[0], largeList.ValueDataType)]);
            case (StructType, StructType structType):
                return ReferenceEquals(data.DataType, structType)
                    ? data
                    : WithType(data, structType, [.. data.Children.Select((c, i) => ConvertData(c, structType.Fields[i].DataType))]);
            default:
                return data;
        }
    }

    /// <summary>The same buffers under another type and children.</summary>
    private static ArrayData WithType(ArrayData data, IArrowType type, ArrayData[] children) =>
        new(type, data.Length, data.NullCount, data.Offset, data.Buffers, children, data.Dictionary);
}
