namespace DynDet.Torch.Serialization;

/// <summary>PyTorch's legacy storage classes (what torch.save names in a persistent id) and their dtypes.</summary>
internal static class StorageTypes
{
    private static readonly Dictionary<string, ScalarType> ByName = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>The dtype of storage class <c>torch.&lt;name&gt;</c>, or null when DynDet does not read it.</summary>
    public static ScalarType? DtypeOf(string name) => ByName.TryGetValue(name, out var t) ? t : null;

    /// <summary>The storage class name (without <c>torch.</c>) for <paramref name="dtype"/>, or null.</summary>
    public static string? NameOf(ScalarType dtype)
    {
        foreach (var (name, type) in ByName)
        {
            if (type == dtype)
            {
                return name;
            }
        }

        return null;
    }
}
