namespace DynDet.Torch.NN;

/// <summary>What <see cref="Module.LoadStateDict"/> could not match, by name.</summary>
/// <param name="MissingKeys">Model entries the state dict lacks (left unchanged).</param>
/// <param name="UnexpectedKeys">State dict entries the model has no place for.</param>
/// <param name="ShapeMismatches">Entries present in both with different shapes, with both shapes.</param>
public sealed record StateDictLoadResult(
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<string> ShapeMismatches)
{
    /// <summary>True when every entry matched.</summary>
    public bool IsExact => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>One line naming what did not match (at most a few names per kind, with counts).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (MissingKeys.Count > 0)
        {
            parts.Add($"{MissingKeys.Count} missing key(s): {List(MissingKeys)}");
        }

        if (UnexpectedKeys.Count > 0)
        {
            parts.Add($"{UnexpectedKeys.Count} unexpected key(s): {List(UnexpectedKeys)}");
        }

        if (ShapeMismatches.Count > 0)
        {
            parts.Add($"{ShapeMismatches.Count} shape mismatch(es): {List(ShapeMismatches)}");
        }

        return parts.Count == 0 ? "all keys matched" : string.Join("; ", parts);
    }

    private static string List(IReadOnlyList<string> names) =>
        names.Count <= 5 ? string.Join(", ", names) : string.Join(", ", names.Take(5)) + ", ...";
}
