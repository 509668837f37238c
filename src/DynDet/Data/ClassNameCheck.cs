namespace DynDet.Data;

/// <summary>
/// Checks that a dataset's categories are a model's classes: the same names in the same order, since a detector's
/// label k means the k-th class it was trained on and is mapped to the dataset's k-th category.
/// </summary>
public static class ClassNameCheck
{
    /// <summary>Throws unless <paramref name="datasetClasses"/> equals <paramref name="modelClasses"/> element by element.</summary>
    /// <param name="modelClasses">The model's class names, by label.</param>
    /// <param name="modelSource">How messages name the model (e.g. the checkpoint path).</param>
    /// <param name="datasetClasses">The dataset's category names, by label.</param>
    /// <param name="datasetSource">How messages name the dataset (e.g. its SPEC).</param>
    /// <exception cref="InputException">The lists differ; the one-line message names the difference.</exception>
    public static void EnsureSame(IReadOnlyList<string> modelClasses, string modelSource,
        IReadOnlyList<string> datasetClasses, string datasetSource)
    {
        ArgumentNullException.ThrowIfNull(modelClasses);
        ArgumentNullException.ThrowIfNull(datasetClasses);
        if (modelClasses.SequenceEqual(datasetClasses, StringComparer.Ordinal))
        {
            return;
        }

        string prefix = $"dataset {datasetSource} does not have the classes of checkpoint {modelSource}";
        var onlyDataset = datasetClasses.Except(modelClasses, StringComparer.Ordinal).ToArray();
        var onlyModel = modelClasses.Except(datasetClasses, StringComparer.Ordinal).ToArray();
        if (onlyDataset.Length > 0 || onlyModel.Length > 0)
        {
            var parts = new List<string>(2);
            if (onlyDataset.Length > 0)
            {
                parts.Add($"only the dataset has {List(onlyDataset)}");
            }

            if (onlyModel.Length > 0)
            {
                parts.Add($"only the checkpoint has {List(onlyModel)}");
            }

            throw new InputException($"{prefix}: {string.Join("; ", parts)}");
        }

        if (modelClasses.Count != datasetClasses.Count)
        {
            throw new InputException(
                $"{prefix}: the dataset has {datasetClasses.Count} classes {List(datasetClasses)}, the checkpoint " +
                $"{modelClasses.Count} {List(modelClasses)}");
        }

        int first = 0;
        while (string.Equals(modelClasses[first], datasetClasses[first], StringComparison.Ordinal))
        {
            first++;
        }

        throw new InputException(
            $"{prefix} in the same order: label {first} is '{datasetClasses[first]}' in the dataset but " +
            $"'{modelClasses[first]}' in the checkpoint (dataset {List(datasetClasses)}, checkpoint {List(modelClasses)})");
    }

    private static string List(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => $"'{n}'")) + "]";
}
