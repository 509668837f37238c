namespace DynDet.Models.Detectors;

/// <summary>What <see cref="DetectorWeights.LoadFrom"/> did, by state-dict name.</summary>
/// <param name="Naming">Whose names the file used: <c>mmdetection</c> (DynDet's own) or <c>torchvision</c>.</param>
/// <param name="Loaded">Weights copied into the model.</param>
/// <param name="Missing">Model weights the file lacks (they keep their initial values).</param>
/// <param name="Unexpected">File entries the model has no place for.</param>
/// <param name="Mismatched">Entries of another shape than the model's weight (<c>name: file [..] vs model [..]</c>), left at their initial values.</param>
/// <param name="Reinitialised">Class-dependent layers (classifiers) left at their initial values because the file has another number of classes.</param>
public sealed record WeightImportReport(string Naming, int Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> Mismatched, IReadOnlyList<string> Reinitialised)
{
    /// <summary>True when every weight of the model came from the file and every entry was used.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0 && Reinitialised.Count == 0;

    /// <summary>Lines for the log: a summary, then each kind of difference with every name.</summary>
    public IEnumerable<string> Lines(string path)
    {
        yield return $"load_from {path}: {Loaded} weights loaded ({Naming} names)" + (IsExact ? ", every key matched" : string.Empty);
        if (Reinitialised.Count > 0)
        {
            yield return $"  re-initialised (another number of classes in the file): {string.Join(", ", Reinitialised)}";
        }

        if (Missing.Count > 0)
        {
            yield return $"  missing in the file ({Missing.Count}, kept at their initial values): {string.Join(", ", Missing)}";
        }

        if (Unexpected.Count > 0)
        {
            yield return $"  unexpected in the file ({Unexpected.Count}, ignored): {string.Join(", ", Unexpected)}";
        }

        if (Mismatched.Count > 0)
        {
            yield return $"  other shape ({Mismatched.Count}, kept at their initial values): {string.Join(", ", Mismatched)}";
        }
    }
}
