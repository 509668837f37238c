namespace DynDet.Config;

/// <summary>
/// The parts of a config that make training dynamic, and the same config without them: Dynamic R-CNN's strategies
/// (<c>model.dynamic_rcnn</c>), every head's level balancer (<c>model.rpn|roi_head|bbox_head.balancer</c>) and Dynamic
/// ATSS's combined-IoU assignment (<c>model.bbox_head.assigner.combined_ious</c>). Everything else stays, so the two
/// configs differ by exactly the dynamic work (what <c>dyndet bench --compare-dynamic</c> times).
/// </summary>
public static class DynamicParts
{
    /// <summary>The config keys of <paramref name="config"/>'s dynamic parts that are on (empty when there are none).</summary>
    public static IReadOnlyList<string> Of(DetectorConfig config) => Strip(config).Removed;

    /// <summary>
    /// <paramref name="config"/> with every dynamic part off: no <c>dynamic_rcnn</c>, no balancer on any head, ATSS's
    /// assignment on anchor IoUs alone (with its balance back to <c>sum</c>, the only one valid then); and the keys
    /// turned off, in config order.
    /// </summary>
    public static (DetectorConfig Baseline, IReadOnlyList<string> Removed) Strip(DetectorConfig config)
    {
        var removed = new List<string>();
        ModelConfig model = config.Model switch
        {
            TwoStageModelConfig m => m with
            {
                Rpn = m.Rpn with { Balancer = Off(m.Rpn.Balancer, "model.rpn.balancer", removed) },
                RoiHead = m.RoiHead with { Balancer = Off(m.RoiHead.Balancer, "model.roi_head.balancer", removed) },
                DynamicRcnn = Off(m.DynamicRcnn, "model.dynamic_rcnn", removed),
            },
            RetinaNetModelConfig m => m with { BboxHead = m.BboxHead with { Balancer = Off(m.BboxHead.Balancer, "model.bbox_head.balancer", removed) } },
            FcosModelConfig m => m with { BboxHead = m.BboxHead with { Balancer = Off(m.BboxHead.Balancer, "model.bbox_head.balancer", removed) } },
            AtssModelConfig m => m with
            {
                BboxHead = m.BboxHead with
                {
                    Balancer = Off(m.BboxHead.Balancer, "model.bbox_head.balancer", removed),
                    Assigner = m.BboxHead.Assigner.CombinedIous
                        ? Recorded(m.BboxHead.Assigner with { CombinedIous = false, Balance = CombinedIouBalance.Sum },
                            "model.bbox_head.assigner.combined_ious", removed)
                        : m.BboxHead.Assigner,
                },
            },
            _ => config.Model,
        };
        return (config with { Model = model }, removed);
    }

    private static T? Off<T>(T? part, string key, List<string> removed)
        where T : class
    {
        if (part is not null)
        {
            removed.Add(key);
        }

        return null;
    }

    private static T Recorded<T>(T value, string key, List<string> removed)
    {
        removed.Add(key);
        return value;
    }
}
