using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// Dense anchors over FPN levels: MMDetection's <c>AnchorGenerator</c> or torchvision's (see
/// <see cref="AnchorStyle"/>). A level of size (H, W) with A base anchors gives an (H·W·A, 4) tensor ordered
/// location-major (row-major over y, then x), then anchor index — the order of a head's (N, A·k, H, W) output
/// permuted to (N, H, W, A·k) and reshaped to (N, H·W·A, k).
/// <para>
/// Grids are cached per (level, size, stride, device): the cache is owned by the generator (no dispose scope)
/// and released by <see cref="Dispose"/>. Not thread-safe.
/// </para>
/// </summary>
public sealed class AnchorGenerator : IDisposable
{
    // Image sizes vary with aspect ratio in training; a bound keeps the cache from growing without end.
    private const int MaxCachedGrids = 256;

    private readonly float[][] _baseAnchors;
    private readonly Dictionary<GridKey, Tensor> _grids = [];
    private bool _disposed;

    /// <summary>Creates a generator (default: MMDetection's Faster R-CNN anchors).</summary>
    public AnchorGenerator(AnchorGeneratorOptions? options = null)
    {
        Options = options ?? new AnchorGeneratorOptions();
        _baseAnchors = BuildBaseAnchors(Options);
    }

    /// <summary>The options this generator was built with.</summary>
    public AnchorGeneratorOptions Options { get; }

    /// <summary>Number of levels (the number of strides).</summary>
    public int NumLevels => _baseAnchors.Length;

    /// <summary>Anchors per location of <paramref name="level"/> (A = #ratios · #scales).</summary>
    public int NumBaseAnchors(int level) => _baseAnchors[level].Length / 4;

    /// <summary>The base anchors of <paramref name="level"/> around (0, 0), a new (A, 4) float32 CPU tensor owned by the caller's scope.</summary>
    public Tensor BaseAnchors(int level) => Tensor.FromArray(_baseAnchors[level], _baseAnchors[level].Length / 4, 4);

    /// <summary>
    /// torchvision's per-level strides: <c>(image_height // feature_height, image_width // feature_width)</c> for
    /// the padded batch size. They differ from the nominal strides when a size is not a multiple (e.g. P6 of an
    /// 800-pixel-high batch: 800 // 13 = 61, not 64).
    /// </summary>
    public static (long Height, long Width)[] TorchVisionStrides((long Height, long Width) imageSize,
        IReadOnlyList<(long Height, long Width)> featureSizes)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        var strides = new (long Height, long Width)[featureSizes.Count];
        for (int l = 0; l < strides.Length; l++)
        {
            var (h, w) = featureSizes[l];
            if (h <= 0 || w <= 0)
            {
                throw new ArgumentException($"feature map {l} has an empty size ({h}, {w})", nameof(featureSizes));
            }

            strides[l] = (imageSize.Height / h, imageSize.Width / w);
        }

        return strides;
    }

    /// <summary>
    /// The anchors of every level for feature maps of <paramref name="featureSizes"/> (H, W) per level, on
    /// <paramref name="device"/>: one (H·W·A, 4) float32 tensor per level. Strides are the configured ones unless
    /// <paramref name="strides"/> (height, width) per level are given. The returned tensors are new handles owned
    /// by the caller's dispose scope that share the generator's cached storage: do not modify them in place.
    /// </summary>
    public Tensor[] GridAnchors(IReadOnlyList<(long Height, long Width)> featureSizes, Device device,
        IReadOnlyList<(long Height, long Width)>? strides = null)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (featureSizes.Count != NumLevels || (strides is not null && strides.Count != NumLevels))
        {
            throw new ArgumentException(
                $"the anchor generator has {NumLevels} levels but got {featureSizes.Count} feature sizes" +
                (strides is null ? string.Empty : $" and {strides.Count} strides"), nameof(featureSizes));
        }

        var result = new Tensor[NumLevels];
        for (int l = 0; l < NumLevels; l++)
        {
            var stride = strides?[l] ?? (Options.Strides[l], Options.Strides[l]);
            var key = new GridKey(l, featureSizes[l].Height, featureSizes[l].Width, stride.Height, stride.Width, device);
            if (!_grids.TryGetValue(key, out var grid))
            {
                if (_grids.Count >= MaxCachedGrids)
                {
                    ClearCache();
                }

                grid = SingleLevel(l, key).DetachFromDisposeScope();
                _grids[key] = grid;
            }

            result[l] = grid.Alias();
        }

        return result;
    }

    /// <summary>Releases the cached grids (they are rebuilt on demand).</summary>
    public void ClearCache()
    {
        foreach (var t in _grids.Values)
        {
            t.Dispose();
        }

        _grids.Clear();
    }

    /// <summary>Releases the cached grids; the generator cannot be used afterwards.</summary>
    public void Dispose()
    {
        ClearCache();
        _disposed = true;
    }

    private Tensor SingleLevel(int level, GridKey key)
    {
        if (key.Height < 0 || key.Width < 0)
        {
            throw new ArgumentException($"feature map {level} has a negative size ({key.Height}, {key.Width})");
        }

        using var scope = Engine.NewDisposeScope();
        float[] baseData = _baseAnchors[level];
        var baseAnchors = Tensor.FromArray(baseData, baseData.Length / 4, 4).To(key.Device);
        var shiftX = Tensor.Arange(0, key.Width, 1, ScalarType.Float32, key.Device) * key.StrideWidth;
        var shiftY = Tensor.Arange(0, key.Height, 1, ScalarType.Float32, key.Device) * key.StrideHeight;
        var grid = Tensor.Meshgrid([shiftY, shiftX], "ij");
        var yy = grid[0].Reshape(-1);
        var xx = grid[1].Reshape(-1);
        var shifts = Tensor.Stack([xx, yy, xx, yy], 1);
        var anchors = (shifts.Unsqueeze(1) + baseAnchors.Unsqueeze(0)).Reshape(-1, 4);
        return scope.MoveToOuter(anchors);
    }

    private static float[][] BuildBaseAnchors(AnchorGeneratorOptions o)
    {
        if (o.Strides.Count == 0 || o.Ratios.Count == 0)
        {
            throw new ArgumentException("the anchor generator needs at least one stride and one ratio");
        }

        if (o.Strides.Any(s => s <= 0) || o.Ratios.Any(r => !(r > 0)))
        {
            throw new ArgumentException("anchor strides and ratios must be positive");
        }

        float[] scales = Scales(o);
        double[] baseSizes = o.BaseSizes is null ? o.Strides.Select(s => (double)s).ToArray() : [.. o.BaseSizes];
        if (baseSizes.Length != o.Strides.Count)
        {
            throw new ArgumentException($"{baseSizes.Length} anchor base sizes for {o.Strides.Count} strides");
        }

        // float32 throughout, in the references' operation order, so the anchors match bit for bit.
        float[] hRatios = o.Ratios.Select(r => MathF.Sqrt((float)r)).ToArray();
        float[] wRatios = hRatios.Select(h => 1f / h).ToArray();
        var levels = new float[baseSizes.Length][];
        for (int l = 0; l < levels.Length; l++)
        {
            levels[l] = o.Style == AnchorStyle.MMDetection
                ? MMDetectionLevel((float)baseSizes[l], (float)(o.CenterOffset * baseSizes[l]), scales, hRatios, wRatios, o.ScaleMajor)
                : TorchVisionLevel(TorchVisionSizes(o, l, baseSizes, scales), hRatios, wRatios, o.ScaleMajor);
        }

        return levels;
    }

    private static float[] Scales(AnchorGeneratorOptions o)
    {
        bool octave = o.OctaveBaseScale is not null || o.ScalesPerOctave is not null;
        if (o.Style == AnchorStyle.TorchVision && o.Sizes is not null)
        {
            return [];
        }

        if (o.Scales is not null == octave)
        {
            throw new ArgumentException("give the anchor generator either Scales or OctaveBaseScale with ScalesPerOctave");
        }

        if (o.Scales is not null)
        {
            return o.Scales.Count == 0 || o.Scales.Any(s => !(s > 0))
                ? throw new ArgumentException("anchor scales must be positive (and at least one)")
                : o.Scales.Select(s => (float)s).ToArray();
        }

        if (o.OctaveBaseScale is not { } baseScale || o.ScalesPerOctave is not { } perOctave || perOctave < 1 || !(baseScale > 0))
        {
            throw new ArgumentException("octave anchors need OctaveBaseScale > 0 and ScalesPerOctave ≥ 1");
        }

        // numpy: 2 ** (i / n) in float64, times the base scale, then torch.Tensor → float32.
        return Enumerable.Range(0, perOctave).Select(i => (float)(Math.Pow(2, i / (double)perOctave) * baseScale)).ToArray();
    }

    private static float[] TorchVisionSizes(AnchorGeneratorOptions o, int level, double[] baseSizes, float[] scales)
    {
        if (o.Sizes is null)
        {
            return scales.Select(s => (float)(baseSizes[level] * s)).ToArray();
        }

        if (o.Sizes.Count != baseSizes.Length || o.Sizes[level].Count == 0)
        {
            throw new ArgumentException($"torchvision anchor sizes: need a non-empty list for each of the {baseSizes.Length} levels");
        }

        return o.Sizes[level].Select(s => (float)s).ToArray();
    }

    // mmdet gen_single_level_base_anchors: ws = w * w_ratios[:, None] * scales[None, :] (scale_major), then
    // (cx − 0.5·ws, cy − 0.5·hs, cx + 0.5·ws, cy + 0.5·hs).
    private static float[] MMDetectionLevel(float baseSize, float center, float[] scales, float[] hRatios, float[] wRatios,
        bool scaleMajor)
    {
        int a = scales.Length * hRatios.Length;
        var anchors = new float[a * 4];
        for (int k = 0; k < a; k++)
        {
            int r = scaleMajor ? k / scales.Length : k % hRatios.Length;
            int s = scaleMajor ? k % scales.Length : k / hRatios.Length;
            float ws = scaleMajor ? baseSize * wRatios[r] * scales[s] : baseSize * scales[s] * wRatios[r];
            float hs = scaleMajor ? baseSize * hRatios[r] * scales[s] : baseSize * scales[s] * hRatios[r];
            anchors[(4 * k) + 0] = center - (0.5f * ws);
            anchors[(4 * k) + 1] = center - (0.5f * hs);
            anchors[(4 * k) + 2] = center + (0.5f * ws);
            anchors[(4 * k) + 3] = center + (0.5f * hs);
        }

        return anchors;
    }

    // torchvision generate_anchors: ws = w_ratios[:, None] * scales[None, :]; round(stack(−ws, −hs, ws, hs) / 2).
    private static float[] TorchVisionLevel(float[] sizes, float[] hRatios, float[] wRatios, bool scaleMajor)
    {
        int a = sizes.Length * hRatios.Length;
        var anchors = new float[a * 4];
        for (int k = 0; k < a; k++)
        {
            int r = scaleMajor ? k / sizes.Length : k % hRatios.Length;
            int s = scaleMajor ? k % sizes.Length : k / hRatios.Length;
            float ws = wRatios[r] * sizes[s];
            float hs = hRatios[r] * sizes[s];
            anchors[(4 * k) + 0] = MathF.Round(-ws / 2, MidpointRounding.ToEven);
            anchors[(4 * k) + 1] = MathF.Round(-hs / 2, MidpointRounding.ToEven);
            anchors[(4 * k) + 2] = MathF.Round(ws / 2, MidpointRounding.ToEven);
            anchors[(4 * k) + 3] = MathF.Round(hs / 2, MidpointRounding.ToEven);
        }

        return anchors;
    }

    private readonly record struct GridKey(int Level, long Height, long Width, long StrideHeight, long StrideWidth, Device Device);
}
