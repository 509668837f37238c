using DynDet.Data.Transforms;
using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The anchors an anchor-based head works on (MMDetection's <c>prior_generator</c> plus its valid flags), shared by the
/// RPN (<see cref="RpnHead"/>) and the one-stage anchor heads (<see cref="AnchorHead"/>): the grid anchors of every
/// level (cached by the <see cref="AnchorGenerator"/>), in MMDetection's or torchvision's style, which of them an image
/// trains on, and the level of each. Owned and disposed by the head it is handed to.
/// </summary>
public sealed class AnchorPriors : IDisposable
{
    private readonly AnchorGenerator _generator;

    /// <summary>Creates the priors.</summary>
    /// <param name="options">Anchor generator options (MMDetection or torchvision style).</param>
    /// <param name="useValidFlags">
    /// Train only on anchors inside each image's padded area (MMDetection's valid flags with <c>allowed_border</c> −1);
    /// false: every anchor (torchvision).
    /// </param>
    public AnchorPriors(AnchorGeneratorOptions options, bool useValidFlags)
    {
        ArgumentNullException.ThrowIfNull(options);
        _generator = new AnchorGenerator(options);
        UseValidFlags = useValidFlags;
        AnchorsPerLocation = _generator.NumBaseAnchors(0);
    }

    /// <summary>The generator's options.</summary>
    public AnchorGeneratorOptions Options => _generator.Options;

    /// <summary>Whether images train only on the anchors inside their padded area.</summary>
    public bool UseValidFlags { get; }

    /// <summary>Anchors per grid location A (that of the first level; every level has the same).</summary>
    public int AnchorsPerLocation { get; }

    /// <summary>Pyramid levels the generator has base anchors for.</summary>
    public int NumLevels => _generator.NumLevels;

    /// <summary>
    /// Anchors of every level (H·W·A, 4) for maps of the given sizes, location-major then anchor (caller's scope; they
    /// share the generator's cached storage: do not modify them in place). torchvision's style derives each level's
    /// stride from the image and map sizes, MMDetection's uses the configured strides.
    /// </summary>
    /// <param name="sizes">(H, W) of each level's map.</param>
    /// <param name="imageSize">(H, W) of the padded batch.</param>
    /// <param name="device">Where the anchors go.</param>
    public Tensor[] Anchors(IReadOnlyList<(long Height, long Width)> sizes, (long Height, long Width) imageSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var strides = Options.Style == AnchorStyle.TorchVision ? AnchorGenerator.TorchVisionStrides(imageSize, sizes) : null;
        return _generator.GridAnchors(sizes, device, strides);
    }

    /// <summary>
    /// Indices (int64, into the levels' concatenated anchors) of the anchors one image trains on, or null when it trains
    /// on all of them (valid flags off, or every anchor inside its padded area). Shapes only: no device read.
    /// </summary>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="meta">The image's sizes.</param>
    /// <param name="device">Where the indices go.</param>
    public Tensor? ValidIndices(IReadOnlyList<(long Height, long Width)> featureSizes, ImageMeta meta, Device device) =>
        UseValidFlags ? AnchorValidity.ValidIndices(featureSizes, Options.Strides, AnchorsPerLocation, meta, device) : null;

    /// <summary>
    /// How many anchors of each level one image trains on (what <see cref="ValidIndices"/> selects, per level; every
    /// anchor of <paramref name="anchors"/> when valid flags are off), from the shapes.
    /// </summary>
    /// <param name="anchors">Anchors per level (A_l, 4).</param>
    /// <param name="featureSizes">(H, W) of each level's map.</param>
    /// <param name="meta">The image's sizes.</param>
    public int[] ValidCounts(Tensor[] anchors, IReadOnlyList<(long Height, long Width)> featureSizes, ImageMeta meta)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return UseValidFlags
            ? AnchorValidity.ValidCounts(featureSizes, Options.Strides, AnchorsPerLocation, meta)
            : anchors.Select(a => checked((int)a.Size(0))).ToArray();
    }

    /// <summary>The level id (int64, 0 … L−1) of each anchor of one image, in the concatenated order (caller's scope).</summary>
    /// <param name="anchors">Anchors per level (A_l, 4).</param>
    public static Tensor LevelIds(Tensor[] anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return Tensor.Cat([.. anchors.Select((a, l) => Tensor.Full([a.Size(0)], l, ScalarType.Int64, a.Device))]);
    }

    /// <summary>Releases the cached anchor grids.</summary>
    public void Dispose() => _generator.Dispose();
}
