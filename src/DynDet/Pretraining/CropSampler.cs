using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Pretraining;

/// <summary>
/// Square crops of a detection dataset's images, labelled for classification: an object with some context (its
/// category) or a background patch that overlaps no object above 0.3 IoU (the extra, last class). Crops are cut and
/// resized by RoIAlign from the image normalised as the detector's pipeline normalises it (ImageNet mean/std), so
/// the pretrained backbone sees the pixels it will see in detection. Square crops keep a shape's aspect ratio.
/// </summary>
public sealed class CropSampler
{
    /// <summary>The IoU a background crop may have with an object, at most (exclusive).</summary>
    public const double BackgroundMaxIou = 0.3;

    private const int BackgroundTries = 20;
    private readonly IDetectionDataset _data;
    private readonly PretrainOptions _options;
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Crops <paramref name="data"/> as <paramref name="options"/> say.</summary>
    public CropSampler(IDetectionDataset data, PretrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        _data = data;
        _options = options;
        var normalisation = new TransformOptions();
        _mean = [.. normalisation.Mean];
        _std = [.. normalisation.Std];
    }

    /// <summary>Classes of the crops: the dataset's categories, then background (label <see cref="BackgroundLabel"/>).</summary>
    public int NumClasses => _data.CategoryNames.Count + 1;

    /// <summary>The label of background crops: the dataset's category count.</summary>
    public int BackgroundLabel => _data.CategoryNames.Count;

    /// <summary>
    /// The crop boxes (x1, y1, x2, y2 in the image's pixels) and labels of one image: <see cref="PretrainOptions.CropsPerImage"/>
    /// of them, each a background with probability <see cref="PretrainOptions.BackgroundFraction"/> (always, when the
    /// image has no object; an object when no background spot is found in 20 tries).
    /// </summary>
    public (float[] Boxes, long[] Labels) Boxes(DetectionRecord record, Pcg32 rng)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(rng);
        var targets = record.Objects.Where(o => !o.IsIgnored).ToArray();
        int n = _options.CropsPerImage;
        var boxes = new float[n * 4];
        var labels = new long[n];
        for (int c = 0; c < n; c++)
        {
            bool background = targets.Length == 0 || rng.NextDouble() < _options.BackgroundFraction;
            if (!(background && TryBackground(record, rng, boxes.AsSpan(c * 4, 4))))
            {
                var target = targets[rng.NextInt(targets.Length)];
                ObjectCrop(target, rng, boxes.AsSpan(c * 4, 4));
                labels[c] = target.Label;
            }
            else
            {
                labels[c] = BackgroundLabel;
            }
        }

        return (boxes, labels);
    }

    /// <summary>
    /// The crops of the images <paramref name="indices"/>, <c>[N, 3, S, S]</c> float32 normalised, and their labels
    /// <c>[N]</c> int64, N = images × <see cref="PretrainOptions.CropsPerImage"/>, in image order.
    /// </summary>
    public (Tensor Crops, Tensor Labels) Sample(IReadOnlyList<int> indices, Pcg32 rng)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = Engine.NewDisposeScope();
        var crops = new Tensor[indices.Count];
        var allLabels = new List<long>(indices.Count * _options.CropsPerImage);
        using var mean = Tensor.FromArray(_mean, 3, 1, 1);
        using var std = Tensor.FromArray(_std, 3, 1, 1);
        for (int i = 0; i < indices.Count; i++)
        {
            var record = _data.GetRecord(indices[i]);
            var image = _data.LoadImage(indices[i]);
            var (boxes, labels) = Boxes(record, rng);
            var rois = new float[labels.Length * 5];
            for (int c = 0; c < labels.Length; c++)
            {
                boxes.AsSpan(c * 4, 4).CopyTo(rois.AsSpan(c * 5 + 1, 4));
            }

            var pixels = image.ToTensor().Permute(2, 0, 1).Float();
            var normalised = ((pixels - mean) / std).Reshape(1, 3, image.Height, image.Width);
            crops[i] = Functional.RoiAlign(normalised, Tensor.FromArray(rois, labels.Length, 5), 1.0, _options.CropSize,
                _options.CropSize, samplingRatio: 2, aligned: true);
            allLabels.AddRange(labels);
        }

        return (scope.MoveToOuter(Tensor.Cat(crops)), scope.MoveToOuter(Tensor.FromArray(allLabels.ToArray())));
    }

    private void ObjectCrop(BoxAnnotation target, Pcg32 rng, Span<float> box)
    {
        double w = target.X2 - target.X1, h = target.Y2 - target.Y1;
        double side = Math.Max(Math.Max(w, h), 1.0) * rng.Uniform(1.0, _options.MaxContext);
        double cx = (target.X1 + target.X2) / 2 + rng.Uniform(-0.1, 0.1) * side;
        double cy = (target.Y1 + target.Y2) / 2 + rng.Uniform(-0.1, 0.1) * side;
        Write(box, cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2);
    }

    private static bool TryBackground(DetectionRecord record, Pcg32 rng, Span<float> box)
    {
        double shortSide = Math.Min(record.Width, record.Height);
        for (int attempt = 0; attempt < BackgroundTries; attempt++)
        {
            double side = rng.Uniform(0.1, 0.5) * shortSide;
            double x1 = rng.Uniform(0, record.Width - side), y1 = rng.Uniform(0, record.Height - side);
            if (record.Objects.All(o => Iou(x1, y1, x1 + side, y1 + side, o) < BackgroundMaxIou))
            {
                Write(box, x1, y1, x1 + side, y1 + side);
                return true;
            }
        }

        return false;
    }

    private static double Iou(double x1, double y1, double x2, double y2, BoxAnnotation o)
    {
        double iw = Math.Min(x2, o.X2) - Math.Max(x1, o.X1), ih = Math.Min(y2, o.Y2) - Math.Max(y1, o.Y1);
        if (iw <= 0 || ih <= 0)
        {
            return 0;
        }

        double inter = iw * ih;
        return inter / ((x2 - x1) * (y2 - y1) + (o.X2 - o.X1) * (o.Y2 - o.Y1) - inter);
    }

    private static void Write(Span<float> box, double x1, double y1, double x2, double y2)
    {
        box[0] = (float)x1;
        box[1] = (float)y1;
        box[2] = (float)x2;
        box[3] = (float)y2;
    }
}
