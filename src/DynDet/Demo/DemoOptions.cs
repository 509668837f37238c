namespace DynDet.Demo;

/// <summary>Settings of the main job (<c>dyndet demo</c>, <c>make demo</c>).</summary>
public sealed record DemoOptions
{
    /// <summary>Output folder (default <c>runs/demo</c>).</summary>
    public string OutputDirectory { get; init; } = Path.Combine("runs", "demo");

    /// <summary>The baseline preset (default <c>faster_rcnn_r18_cpu</c>).</summary>
    public string BaselinePreset { get; init; } = "faster_rcnn_r18_cpu";

    /// <summary>The same preset with Dynamic R-CNN (default <c>dynamic_rcnn_r18_cpu</c>).</summary>
    public string DynamicPreset { get; init; } = "dynamic_rcnn_r18_cpu";

    /// <summary>
    /// Overrides applied to both configs (e.g. <c>train.max_iters=300</c> for a quick look); those of
    /// <c>model.dynamic_rcnn.*</c> apply to the dynamic run only.
    /// </summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>
    /// The committed study of this comparison (default: the built-in <see cref="DefaultStudyKey"/>, when there is one).
    /// The demo then trains with the study's overrides and first seed, so its run is one of the study's draws, and its
    /// table shows the study's mean ± std over seeds and its finding beside the run's numbers. Null: the presets as
    /// they are, seed from the config, no study columns.
    /// </summary>
    public StudyRecord? Study { get; init; } = StudyRecord.Find(DefaultStudyKey);

    /// <summary>The built-in study the main job reads itself against.</summary>
    public const string DefaultStudyKey = "dynamic-rcnn";

    /// <summary>Validation images drawn with both models' detections in the report (default 4).</summary>
    public int PreviewImages { get; init; } = 4;

    /// <summary>Where progress goes (default standard error).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Show progress lines (default true).</summary>
    public bool ShowProgress { get; init; } = true;
}
