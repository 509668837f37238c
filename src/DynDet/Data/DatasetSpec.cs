using DynDet.Data.Coco;
using DynDet.Data.Images;
using DynDet.Data.Synthetic;
using DynDet.Data.Voc;

namespace DynDet.Data;

/// <summary>
/// Opens a dataset from a SPEC string of the command line (CONTRACT.md, "Dataset SPEC"):
/// <list type="bullet">
/// <item><c>synthetic[:KEY=VALUE,...]</c>: the built-in generator (<see cref="SyntheticOptions.Parse"/>);</item>
/// <item>a Pascal VOC root (a folder with <c>Annotations/</c>), with a split (default <c>train</c> for
/// training, <c>val</c> for evaluation);</item>
/// <item>a path to a COCO annotation JSON, images under the given images folder or beside the JSON.</item>
/// </list>
/// </summary>
public static class DatasetSpec
{
    /// <summary>The prefix of synthetic SPECs.</summary>
    public const string SyntheticPrefix = "synthetic";

    /// <summary>Opens the dataset <paramref name="spec"/> names.</summary>
    /// <param name="spec">The SPEC.</param>
    /// <param name="split">The VOC split (<c>--split</c>); null uses <paramref name="defaultSplit"/>.</param>
    /// <param name="imagesFolder">Where a COCO JSON's images are (<c>--images</c>); null: beside the JSON.</param>
    /// <param name="defaultSplit">The VOC split when none is given: <c>train</c> for training, <c>val</c> for evaluation.</param>
    /// <param name="images">How image files are decoded (the config's <c>data.max_image_pixels</c> and
    /// <c>data.ignore_orientation</c>, <see cref="ImageDecodeOptions.FromConfig"/>); default <see cref="ImageDecodeOptions.Default"/>.</param>
    /// <exception cref="InputException">The SPEC names nothing usable, or the data in it is malformed.</exception>
    public static IDetectionDataset Open(string spec, string? split = null, string? imagesFolder = null,
        string defaultSplit = "train", ImageDecodeOptions? images = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string trimmed = spec.Trim();
        if (trimmed.Length == 0)
        {
            throw new InputException("dataset SPEC is empty (expected a COCO JSON, a VOC root or synthetic[:KEY=VALUE,...])");
        }

        if (trimmed.Equals(SyntheticPrefix, StringComparison.OrdinalIgnoreCase) ||
            trimmed.StartsWith(SyntheticPrefix + ":", StringComparison.OrdinalIgnoreCase))
        {
            string options = trimmed.Length > SyntheticPrefix.Length ? trimmed[(SyntheticPrefix.Length + 1)..] : string.Empty;
            return new SyntheticDataset(SyntheticOptions.Parse(options));
        }

        if (Directory.Exists(trimmed))
        {
            if (Directory.Exists(Path.Combine(trimmed, "Annotations")))
            {
                return new VocDataset(trimmed, split ?? defaultSplit, new VocOptions { Images = images ?? ImageDecodeOptions.Default });
            }

            string instances = Path.Combine(trimmed, SyntheticWriter.AnnotationFile);
            string hint = File.Exists(instances) ? $"; for COCO data give the JSON file, e.g. {instances}" : string.Empty;
            throw new InputException($"dataset {trimmed}: a folder without Annotations/ is not a Pascal VOC root{hint}");
        }

        if (File.Exists(trimmed))
        {
            if (trimmed.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                if (imagesFolder is not null && !Directory.Exists(imagesFolder))
                {
                    throw new InputException($"images folder {imagesFolder}: not found");
                }

                return new CocoDetectionDataset(trimmed, imagesFolder, images);
            }

            throw new InputException($"dataset {trimmed}: not a COCO annotation JSON (expected a .json file)");
        }

        throw new InputException(
            $"dataset {trimmed}: no such file or folder (expected a COCO JSON, a VOC root or synthetic[:KEY=VALUE,...])");
    }
}
