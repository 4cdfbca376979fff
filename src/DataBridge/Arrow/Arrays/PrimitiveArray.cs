using System.Runtime.CompilerServices;

namespace DataBridge.Arrow;

/// <summary>
/// An array of fixed-width values of type <typeparamref name="T"/> stored contiguously in buffer 1
/// (integers, floats, dates, times, timestamps, durations, intervals).
/// </summary>
/// <typeparam name="T">The stored value type.</typeparam>
public abstract class PrimitiveArray<T> : ArrowArray
    where T : unmanaged
{
    private protected unsafe PrimitiveArray(ArrayData data, ArrowTypeId typeId)
        : base(data)
    {
        ArrayChecks.RequireType(data, typeId);
        if (data.Type.BitWidth != sizeof(T) * 8)
        {
            ArrayChecks.ThrowWrongType(data, $"{sizeof(T) * 8}-bit {typeId}");
        }

        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireFixedWidth(data, 1, sizeof(T));
    }

    /// <summary>The values of this array's window (already offset-adjusted); null slots hold unspecified values.</summary>
    public ReadOnlySpan<T> Values => Length == 0 ? default : Data.Buffers[1].As<T>().Slice(Offset, Length);

    /// <summary>The stored value of element <paramref name="index"/>, whether or not it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T GetValue(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].As<T>()[Offset + index];
    }

    /// <summary>Element <paramref name="index"/>, or null when it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public T? GetNullable(int index)
    {
        T value = GetValue(index);
        return IsNull(index) ? null : value;
    }
}
