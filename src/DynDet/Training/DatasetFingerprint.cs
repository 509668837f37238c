using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DynDet.Data;

namespace DynDet.Training;

/// <summary>
/// What identifies a training set across runs, stored in checkpoints so that <c>--resume</c> can refuse other data:
/// the image count and a SHA-256 over every image's id, name and size in dataset order, plus the description
/// (the SPEC it was opened from, for messages only: a dataset moved to another folder is still the same data).
/// </summary>
/// <param name="Description">The dataset's description (not compared).</param>
/// <param name="Count">Number of images.</param>
/// <param name="Hash">Lower-case hexadecimal SHA-256 of the records' ids, names, widths and heights.</param>
public sealed record DatasetFingerprint(string Description, long Count, string Hash)
{
    /// <summary>The fingerprint of <paramref name="dataset"/> (reads its records, not its images).</summary>
    public static DatasetFingerprint Of(IDetectionDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < dataset.Count; i++)
        {
            var record = dataset.GetRecord(i);
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{record.ImageId}\t{record.Name}\t{record.Width}\t{record.Height}\n")));
        }

        return new DatasetFingerprint(dataset.Description, dataset.Count, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>Null when <paramref name="other"/> is the same data, else a few words saying how it differs.</summary>
    public string? Difference(DatasetFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Count != other.Count)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"checkpoint was trained on {Count} images ({Description}), data has {other.Count} ({other.Description})");
        }

        return Hash == other.Hash
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"checkpoint was trained on other images ({Description}), data has the same count, {Count}, but other image ids, names or sizes ({other.Description})");
    }
}
