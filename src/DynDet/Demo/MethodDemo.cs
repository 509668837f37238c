namespace DynDet.Demo;

/// <summary>
/// One method's demo for <c>dyndet demo --all</c>: some rows of a built-in study (<see cref="StudyRecord"/>),
/// rerun with the study's first seed, data and schedule, so the run can be read against the study's seed spread.
/// </summary>
/// <param name="Key">The demo's name and output subfolder (e.g. <c>dynamic-atss</c>).</param>
/// <param name="StudyKey">The built-in study it draws its rows and schedule from.</param>
/// <param name="RowSpecs">The rows it runs, by their specs in the study; the first is the baseline.</param>
public sealed record MethodDemo(string Key, string StudyKey, IReadOnlyList<string> RowSpecs)
{
    /// <summary>
    /// The one-stage and balancer demos, in the order <c>demo --all</c> runs them after the main job: 8 runs of 2000
    /// iterations, about 50 min on 2 cores (the sum of the studies' times for those cells).
    /// </summary>
    public static IReadOnlyList<MethodDemo> OneStage { get; } =
    [
        new("dynamic-atss", "dynamic-atss", ["atss_r18_cpu", "dynamic_atss_r18_cpu"]),
        new("balancers-retinanet", "balancers-retinanet", ["retinanet_r18_cpu", "retinanet_r18_cpu_avw", "retinanet_r18_cpu_rlo"]),
        new("balancers-faster-rcnn", "balancers-faster-rcnn",
            ["faster_rcnn_r18_cpu", "faster_rcnn_r18_cpu@model.rpn.balancer={\"method\":\"avw\"}@model.roi_head.balancer={\"method\":\"avw\"}", "faster_rcnn_r18_cpu_rlo"]),
    ];
}
