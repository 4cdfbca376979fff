using System.Reflection;

namespace DataBridge.Frames;

/// <summary>Which properties of a record type become columns.</summary>
internal static class RecordProperties
{
    /// <summary>Public instance properties with a public getter and no index parameters, in declaration order.</summary>
    public static PropertyInfo[] Readable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)];
}
