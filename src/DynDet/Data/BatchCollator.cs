using DynDet.Data.Images;
using DynDet.Data.Transforms;
using DynDet.Torch;
using DynDet.Torch.Native;
using DynDet.Torch.NN;

namespace DynDet.Data;

/// <summary>
/// Assembles transformed images into a <see cref="DetectionBatch"/>: normalises each image as mmcv's
/// <c>imnormalize</c> does ((pixel − mean) × (1 / std) in float32), lays it out CHW, and pads right and bottom with
/// zeros to the largest padded size in the batch (every image is already padded to the size divisor, as
/// MMDetection's <c>Pad</c> then <c>collate</c> do). An image whose pixels are not at its metadata's size (torchvision's
/// resize, <see cref="TransformOptions.Resize"/>) is normalised first and then resized in float32 by torch's bilinear
/// kernel, as torchvision's <c>GeneralizedRCNNTransform</c> does. Its tensors belong to no dispose scope (detached from the caller's, if any): the batch owns them. Safe on any thread.
/// </summary>
public static class BatchCollator
{
    /// <summary>Builds the batch; the result owns its tensors.</summary>
    public static DetectionBatch Collate(IReadOnlyList<TransformedImage> images, TransformOptions options,
        long number = 0, int epoch = 0, int batchInEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        if (images.Count == 0)
        {
            throw new ArgumentException("a batch needs at least one image", nameof(images));
        }

        int height = 0, width = 0;
        foreach (TransformedImage t in images)
        {
            height = Math.Max(height, t.Meta.PadHeight);
            width = Math.Max(width, t.Meta.PadWidth);
        }

        int plane = height * width;
        var targets = new List<DetectionTargets>(images.Count);
        Tensor? tensor = null;
        try
        {
            // Written in place into the tensor's own memory: no staging buffer, no copy.
            tensor = Tensor.Empty([images.Count, 3, height, width]).DetachFromDisposeScope();
            Span<float> mean = [options.Mean[0], options.Mean[1], options.Mean[2]];
            Span<float> inverseStd = [(float)(1.0 / options.Std[0]), (float)(1.0 / options.Std[1]), (float)(1.0 / options.Std[2])];
            unsafe
            {
                float* data = (float*)NativeMethods.dd_tensor_data_ptr(tensor.RawHandle);
                for (int n = 0; n < images.Count; n++)
                {
                    var destination = new Span<float>(data + (long)n * 3 * plane, 3 * plane);
                    TransformedImage t = images[n];
                    if (t.Image.Width == t.Meta.Width && t.Image.Height == t.Meta.Height)
                    {
                        Normalise(t.Image, destination, width, height, mean, inverseStd);
                    }
                    else
                    {
                        NormaliseThenResize(t, destination, width, height, mean, inverseStd);
                    }
                }
            }

            GC.KeepAlive(tensor);
            foreach (TransformedImage t in images)
            {
                targets.Add(MakeTargets(t));
            }

            var metas = images.Select(t => t.Meta).ToArray();
            return new DetectionBatch(tensor, targets, metas, number, epoch, batchInEpoch) { Height = height, Width = width };
        }
        catch
        {
            tensor?.Dispose();
            foreach (DetectionTargets t in targets)
            {
                t.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// torchvision's order (<see cref="TransformOptions.Resize"/>): normalises the decoded pixels, resizes the float
    /// image to the metadata's size with torch's bilinear kernel (<c>F.interpolate(mode="bilinear",
    /// align_corners=False)</c>, the call <c>GeneralizedRCNNTransform</c> makes), then pads as <see cref="Normalise"/>.
    /// </summary>
    private static unsafe void NormaliseThenResize(TransformedImage t, Span<float> destination, int width, int height,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
    {
        using var scope = Engine.NewDisposeScope();
        int w0 = t.Image.Width, h0 = t.Image.Height, w = t.Meta.Width, h = t.Meta.Height;
        var original = Tensor.Empty([1, 3, h0, w0]);
        Normalise(t.Image, new Span<float>((float*)NativeMethods.dd_tensor_data_ptr(original.RawHandle), 3 * h0 * w0), w0, h0, mean, inverseStd);
        var resized = Functional.Interpolate(original, h, w, InterpolationMode.Bilinear, alignCorners: false).Contiguous();
        var source = new ReadOnlySpan<float>((float*)NativeMethods.dd_tensor_data_ptr(resized.RawHandle), 3 * h * w);
        int plane = width * height;
        for (int c = 0; c < 3; c++)
        {
            Span<float> channel = destination.Slice(c * plane, plane);
            for (int y = 0; y < h; y++)
            {
                source.Slice((c * h + y) * w, w).CopyTo(channel.Slice(y * width, w));
                channel.Slice(y * width + w, width - w).Clear();
            }

            channel[(h * width)..].Clear();
        }

        GC.KeepAlive(original);
        GC.KeepAlive(resized);
    }

    private static void Normalise(RgbImage image, Span<float> destination, int width, int height,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
    {
        ReadOnlySpan<byte> source = image.Pixels;
        int w = image.Width, h = image.Height, plane = width * height;
        Span<float> red = destination[..plane], green = destination.Slice(plane, plane), blue = destination.Slice(2 * plane, plane);
        float mr = mean[0], mg = mean[1], mb = mean[2], sr = inverseStd[0], sg = inverseStd[1], sb = inverseStd[2];
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> row = source.Slice(y * w * 3, w * 3);
            int o = y * width;
            Span<float> r = red.Slice(o, w), g = green.Slice(o, w), b = blue.Slice(o, w);
            for (int x = 0, k = 0; x < r.Length; x++, k += 3)
            {
                r[x] = (row[k] - mr) * sr;
                g[x] = (row[k + 1] - mg) * sg;
                b[x] = (row[k + 2] - mb) * sb;
            }

            if (w < width)
            {
                red.Slice(o + w, width - w).Clear();
                green.Slice(o + w, width - w).Clear();
                blue.Slice(o + w, width - w).Clear();
            }
        }

        if (h < height)
        {
            red[(h * width)..].Clear();
            green[(h * width)..].Clear();
            blue[(h * width)..].Clear();
        }
    }

    private static DetectionTargets MakeTargets(TransformedImage t)
    {
        Tensor? boxes = null, labels = null, ignore = null;
        try
        {
            boxes = Tensor.FromSpan<float>(t.Boxes, t.Labels.Length, 4).DetachFromDisposeScope();
            labels = Tensor.FromSpan<long>(t.Labels, t.Labels.Length).DetachFromDisposeScope();
            ignore = Tensor.FromSpan<float>(t.IgnoreBoxes, t.IgnoreBoxes.Length / 4, 4).DetachFromDisposeScope();
            return new DetectionTargets(boxes, labels, ignore);
        }
        catch
        {
            boxes?.Dispose();
            labels?.Dispose();
            ignore?.Dispose();
            throw;
        }
    }
}
