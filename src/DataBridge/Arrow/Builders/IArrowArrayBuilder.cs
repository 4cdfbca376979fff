namespace DataBridge.Arrow;

/// <summary>
/// The untyped face of every array builder, so nested builders (list values, struct fields, union
/// children, dictionary values) can hold a child builder of any type.
/// </summary>
/// <remarks>
/// A builder owns the buffers it grows (allocated from an <see cref="Memory.ArrowMemoryAllocator"/>) until
/// <see cref="Build"/> hands them to the immutable array it returns; the builder is then empty again
/// and may be reused. Builders are not thread-safe.
/// </remarks>
public interface IArrowArrayBuilder
{
    /// <summary>The type of the arrays this builder produces.</summary>
    ArrowType DataType { get; }

    /// <summary>Number of elements appended since the last <see cref="Build"/>.</summary>
    int Length { get; }

    /// <summary>Number of null elements appended since the last <see cref="Build"/>.</summary>
    int NullCount { get; }

    /// <summary>Appends a null element.</summary>
    void AppendNull();

    /// <summary>Appends a copy of element <paramref name="index"/> of <paramref name="source"/> (null stays null).</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not of this builder's type.</exception>
    void AppendFrom(ArrowArray source, int index);

    /// <summary>Ensures room for <paramref name="additional"/> more elements without growing buffers.</summary>
    void Reserve(int additional);

    /// <summary>Produces the immutable array of everything appended, and resets the builder to empty.</summary>
    ArrowArray Build();
}
