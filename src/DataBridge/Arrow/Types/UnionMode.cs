namespace DataBridge.Arrow.Types;

/// <summary>Whether a union stores every child at full length (sparse) or indexes into them (dense).</summary>
public enum UnionMode
{
    /// <summary>Every child has the union's length; the type id selects the child.</summary>
    Sparse = 0,
    /// <summary>A per-slot int32 offset indexes into the selected child.</summary>
    Dense = 1,
}
