using DynDet.Data.Images;

namespace DynDet.Data.Transforms;

/// <summary>
/// Bilinear resizing of 8-bit RGB images with half-pixel centres, the sampling of OpenCV's
/// <c>cv2.resize(..., INTER_LINEAR)</c> (mmcv's <c>imresize</c>, which MMDetection's <c>Resize</c> calls) and of
/// torch's <c>interpolate(mode="bilinear", align_corners=False)</c> without antialiasing: source coordinate
/// (d + 0.5) · in/out − 0.5, clamped at 0, linear weights between the two neighbours (the last row/column
/// repeats). Weights and sums are float32 and the result is rounded to the nearest 8-bit value, so the
/// output matches torch's float result rounded, and differs from OpenCV's 11-bit fixed-point arithmetic by at
/// most 1 grey level.
/// </summary>
public static class ImageResizer
{
    /// <summary>Resizes <paramref name="source"/> to <paramref name="width"/> × <paramref name="height"/> (a copy when equal).</summary>
    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width == source.Width && height == source.Height)
        {
            return source.Clone();
        }

        int sw = source.Width, sh = source.Height;
        var (x0, x1, wx) = Axis(sw, width);
        var (y0, y1, wy) = Axis(sh, height);

        // Column offsets in bytes, per output column, for the horizontal pass over one source row.
        var left = new int[width];
        var right = new int[width];
        for (int x = 0; x < width; x++)
        {
            left[x] = x0[x] * 3;
            right[x] = x1[x] * 3;
        }

        var result = new RgbImage(width, height);
        ReadOnlySpan<byte> src = source.Pixels;
        Span<byte> dst = result.Pixels;
        var rowA = new float[width * 3];
        var rowB = new float[width * 3];
        int rowAIndex = -1, rowBIndex = -1;
        for (int y = 0; y < height; y++)
        {
            // Horizontal pass on the two source rows this output row needs, reusing rows of the previous one.
            if (y0[y] != rowAIndex)
            {
                if (y0[y] == rowBIndex)
                {
                    (rowA, rowB) = (rowB, rowA);
                    rowAIndex = rowBIndex;
                    rowBIndex = -1;
                }
                else
                {
                    HorizontalPass(src.Slice(y0[y] * sw * 3, sw * 3), left, right, wx, rowA);
                    rowAIndex = y0[y];
                }
            }

            if (y1[y] != rowBIndex)
            {
                HorizontalPass(src.Slice(y1[y] * sw * 3, sw * 3), left, right, wx, rowB);
                rowBIndex = y1[y];
            }

            float b = wy[y], a = 1f - b;
            Span<byte> outRow = dst.Slice(y * width * 3, width * 3);
            for (int k = 0; k < outRow.Length; k++)
            {
                float v = a * rowA[k] + b * rowB[k];
                outRow[k] = (byte)(v + 0.5f);
            }
        }

        return result;
    }

    private static void HorizontalPass(ReadOnlySpan<byte> row, int[] left, int[] right, float[] weights, float[] output)
    {
        for (int x = 0, k = 0; x < left.Length; x++, k += 3)
        {
            float b = weights[x], a = 1f - b;
            int l = left[x], r = right[x];
            output[k] = a * row[l] + b * row[r];
            output[k + 1] = a * row[l + 1] + b * row[r + 1];
            output[k + 2] = a * row[l + 2] + b * row[r + 2];
        }
    }

    /// <summary>Per output index: the two source indices and the weight of the second (torch's formula).</summary>
    internal static (int[] Lower, int[] Upper, float[] Weight) Axis(int inSize, int outSize)
    {
        float scale = (float)inSize / outSize;
        var lower = new int[outSize];
        var upper = new int[outSize];
        var weight = new float[outSize];
        for (int d = 0; d < outSize; d++)
        {
            float real = Math.Max(0f, scale * (d + 0.5f) - 0.5f);
            int i = Math.Min((int)real, inSize - 1);
            lower[d] = i;
            upper[d] = i < inSize - 1 ? i + 1 : i;
            weight[d] = Math.Clamp(real - i, 0f, 1f);
        }

        return (lower, upper, weight);
    }
}
