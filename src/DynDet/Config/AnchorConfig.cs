namespace DynDet.Config;

/// <summary>Anchor generator (SPEC §2.2 "Anchors").</summary>
public sealed record AnchorConfig
{
    /// <summary>
    /// Anchor scales in units of the stride (default [8]; at least one, each &gt; 0; ignored when
    /// <see cref="OctaveBaseScale"/> is set).
    /// </summary>
    [ConfigRange(0, MinExclusive = true, MinEntries = 1)]
    public IReadOnlyList<double> Scales { get; init; } = [8];

    /// <summary>Height/width ratios (default [0.5, 1, 2]; at least one, each &gt; 0).</summary>
    [ConfigRange(0, MinExclusive = true, MinEntries = 1)]
    public IReadOnlyList<double> Ratios { get; init; } = [0.5, 1.0, 2.0];

    /// <summary>
    /// Strides of the levels (default P2–P6: [4, 8, 16, 32, 64]; each in [1, 1024], one per FPN level, so as many as
    /// <c>model.neck.num_outs</c>).
    /// </summary>
    [ConfigRange(1, 1024, MinEntries = 1)]
    public IReadOnlyList<int> Strides { get; init; } = [4, 8, 16, 32, 64];

    /// <summary>
    /// RetinaNet/ATSS anchors: scales <c>octave_base_scale · 2^(i / scales_per_octave)</c>, i = 0 … scales_per_octave − 1,
    /// instead of <see cref="Scales"/> (default null: use the scales; &gt; 0).
    /// </summary>
    [ConfigRange(0, MinExclusive = true)]
    public double? OctaveBaseScale { get; init; }

    /// <summary>Octave scales per level with <see cref="OctaveBaseScale"/> (default 1; in [1, 16]).</summary>
    [ConfigRange(1, 16)]
    public int ScalesPerOctave { get; init; } = 1;

    /// <summary>The scales in effect: the octave scales when <see cref="OctaveBaseScale"/> is set, else <see cref="Scales"/>.</summary>
    public IReadOnlyList<double> EffectiveScales() => OctaveBaseScale is double baseScale
        ? Enumerable.Range(0, ScalesPerOctave).Select(i => baseScale * Math.Pow(2, i / (double)ScalesPerOctave)).ToArray()
        : Scales;
}
