using DynDet.Data.Images;

namespace DynDet.Data.Synthetic;

/// <summary>
/// DynDet's built-in data: images of simple shapes (<see cref="ShapeKind"/>) of varied colour, size, aspect and
/// rotation, overlapping and partly occluding each other on textured, noisy backgrounds, with anti-aliased
/// edges. Deterministic: the same <see cref="SyntheticOptions"/> (seed included) give the same pixels and
/// boxes bit for bit, and every image depends only on the seed and its index.
/// <para>
/// Boxes are the tight boxes of each object's full outline (the analytic extremes of the polygon or ellipse, in
/// sub-pixel float coordinates), whether or not a later object hides part of it; no object loses more than
/// <see cref="SyntheticOptions.MaxOcclusion"/> of its area, and none crosses the image border. Layouts are
/// made when the dataset is created; pixels are drawn on each <see cref="LoadImage"/> (a few milliseconds
/// at 320 px), so the dataset holds no images in memory.
/// </para>
/// </summary>
public sealed class SyntheticDataset : IDetectionDataset
{
    private static readonly string[] AllNames = ["circle", "rectangle", "triangle", "ellipse", "star", "cross"];

    private readonly Scene[] _scenes;
    private readonly DetectionRecord[] _records;

    /// <summary>Creates the dataset (validating <paramref name="options"/>; defaults when null).</summary>
    /// <exception cref="InputException">An option out of range.</exception>
    public SyntheticDataset(SyntheticOptions? options = null)
    {
        Options = options ?? new SyntheticOptions();
        Options.Validate();
        _scenes = new Scene[Options.Images];
        _records = new DetectionRecord[Options.Images];
        Parallel.For(0, Options.Images, i =>
        {
            Scene scene = SceneGenerator.Generate(Options, i);
            var objects = new BoxAnnotation[scene.Shapes.Count];
            for (int k = 0; k < objects.Length; k++)
            {
                SceneShape s = scene.Shapes[k];
                objects[k] = new BoxAnnotation(s.X1, s.Y1, s.X2, s.Y2, (int)s.Kind);
            }

            _scenes[i] = scene;
            _records[i] = new DetectionRecord(i + 1, ImageName(i), null, Options.Width, Options.Height, objects);
        });

        CategoryNames = AllNames[..Options.Classes];
        var ids = new long[Options.Classes];
        for (int k = 0; k < ids.Length; k++)
        {
            ids[k] = k + 1;
        }

        CategoryIds = ids;
    }

    /// <summary>The options in use.</summary>
    public SyntheticOptions Options { get; }

    /// <inheritdoc/>
    public string Description => Options.ToSpec();

    /// <inheritdoc/>
    public int Count => _records.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> CategoryNames { get; }

    /// <inheritdoc/>
    public IReadOnlyList<long> CategoryIds { get; }

    /// <summary>The name of image <paramref name="index"/>: <c>synth_000123</c>.</summary>
    public static string ImageName(int index) => $"synth_{index:D6}";

    /// <inheritdoc/>
    public DetectionRecord GetRecord(int index) => _records[index];

    /// <inheritdoc/>
    public RgbImage LoadImage(int index) =>
        SceneRenderer.Render(_scenes[index], Pcg32.Mix(Options.Seed, 0x91C5E15, (ulong)index));

    /// <summary>Image <paramref name="index"/> drawn without its objects (same background, strokes and noise), for tests.</summary>
    internal RgbImage LoadBackground(int index) =>
        SceneRenderer.Render(_scenes[index], Pcg32.Mix(Options.Seed, 0x91C5E15, (ulong)index), drawShapes: false);
}
