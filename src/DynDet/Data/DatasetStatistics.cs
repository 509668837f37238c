namespace DynDet.Data;

/// <summary>Counts over a dataset's records: images, objects, COCO size classes (by box area) and objects per class.</summary>
public sealed class DatasetStatistics
{
    /// <summary>COCO's small/medium boundary: box area below 32² is small.</summary>
    public const float SmallArea = 32 * 32;

    /// <summary>COCO's medium/large boundary: box area above 96² is large.</summary>
    public const float LargeArea = 96 * 96;

    private DatasetStatistics(int classes) => PerClass = new int[classes];

    /// <summary>Number of images.</summary>
    public int Images { get; private set; }

    /// <summary>Images without any training target.</summary>
    public int EmptyImages { get; private set; }

    /// <summary>Training targets (neither crowd nor difficult).</summary>
    public int Objects { get; private set; }

    /// <summary>Crowd or difficult objects.</summary>
    public int Ignored { get; private set; }

    /// <summary>Targets with box area &lt; 32².</summary>
    public int Small { get; private set; }

    /// <summary>Targets with 32² ≤ box area ≤ 96².</summary>
    public int Medium { get; private set; }

    /// <summary>Targets with box area &gt; 96².</summary>
    public int Large { get; private set; }

    /// <summary>Targets per label.</summary>
    public IReadOnlyList<int> PerClass { get; }

    /// <summary>Counts <paramref name="dataset"/>'s records (no pixels are read).</summary>
    public static DatasetStatistics Of(IDetectionDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var stats = new DatasetStatistics(dataset.CategoryNames.Count);
        var perClass = (int[])stats.PerClass;
        for (int i = 0; i < dataset.Count; i++)
        {
            DetectionRecord record = dataset.GetRecord(i);
            stats.Images++;
            int targets = 0;
            foreach (BoxAnnotation o in record.Objects)
            {
                if (o.IsIgnored)
                {
                    stats.Ignored++;
                    continue;
                }

                targets++;
                perClass[o.Label]++;
                float area = o.Area;
                if (area < SmallArea)
                {
                    stats.Small++;
                }
                else if (area > LargeArea)
                {
                    stats.Large++;
                }
                else
                {
                    stats.Medium++;
                }
            }

            stats.Objects += targets;
            if (targets == 0)
            {
                stats.EmptyImages++;
            }
        }

        return stats;
    }
}
