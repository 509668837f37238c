using DynDet.Assignment;
using DynDet.Config;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Models.DenseHeads;

/// <summary>
/// The RPN's proposal rule (SPEC §2.2 "Proposals"; MMDetection's <c>RPNHead._get_bboxes_single</c>, torchvision's
/// <c>RegionProposalNetwork.filter_proposals</c> with the preset's settings): per level the <c>nms_pre</c> anchors with
/// the highest objectness (top-k on the logits, the whole batch at once), decoded and clipped to each image, boxes not
/// wider and taller than <c>min_box_size</c> dropped, NMS within each level (batched by level id; or across levels when
/// <c>nms_per_level</c> is off), the best <c>max_per_image</c> kept. It is not <see cref="AnchorHead.PostProcess"/>:
/// proposals are class-agnostic, ranked on the raw logits, have no score threshold, lose small boxes, are grouped by
/// level rather than class and stay in network-input pixels for the R-CNN head. The anchors and the coder's decode are
/// the ones the anchor heads use.
/// </summary>
public sealed class ProposalGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="coder">The RPN's box coder (its decode clips to each image's resized shape).</param>
    public ProposalGenerator(DeltaXywhBoxCoder coder)
    {
        ArgumentNullException.ThrowIfNull(coder);
        Coder = coder;
    }

    /// <summary>The box coder proposals are decoded with.</summary>
    public DeltaXywhBoxCoder Coder { get; }

    /// <summary>
    /// Proposals per image (K ≤ max per image, 4), detached, best first, in network input pixels clipped to each image's
    /// resized shape (caller's scope).
    /// </summary>
    /// <param name="objectness">Objectness logits per level (N, A_l).</param>
    /// <param name="deltas">Deltas per level (N, A_l, 4).</param>
    /// <param name="anchors">Anchors per level (A_l, 4).</param>
    /// <param name="metas">The images' sizes.</param>
    /// <param name="config">nms_pre, NMS IoU and grouping, minimum size, max per image (training's or testing's).</param>
    public Tensor[] Generate(Tensor[] objectness, Tensor[] deltas, Tensor[] anchors, IReadOnlyList<ImageMeta> metas, ProposalConfig config)
    {
        ArgumentNullException.ThrowIfNull(objectness);
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(metas);
        ArgumentNullException.ThrowIfNull(config);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        int levels = objectness.Length;
        // Top-k per level for the whole batch at once, on the logits (the sigmoid is monotonic).
        var topScores = new Tensor[levels];
        var topDeltas = new Tensor[levels];
        var topAnchors = new Tensor[levels];
        var levelIds = new Tensor[levels];
        for (int l = 0; l < levels; l++)
        {
            long k = Math.Min(config.NmsPre, objectness[l].Size(1));
            var (values, index) = objectness[l].Detach().TopK(k, 1);
            topScores[l] = values.Sigmoid();
            var gathered = index.Unsqueeze(2).Expand(-1, -1, 4);
            topDeltas[l] = deltas[l].Detach().Gather(1, gathered);
            topAnchors[l] = anchors[l].IndexSelect(0, index.Reshape(-1)).View(index.Size(0), k, 4);
            levelIds[l] = Tensor.Full([k], l, ScalarType.Int64, objectness[l].Device);
        }

        var scores = Tensor.Cat(topScores, 1);
        var boxDeltas = Tensor.Cat(topDeltas, 1);
        var boxAnchors = Tensor.Cat(topAnchors, 1);
        var ids = Tensor.Cat(levelIds);
        var proposals = new Tensor[metas.Count];
        for (int i = 0; i < metas.Count; i++)
        {
            var boxes = Coder.Decode(boxAnchors.Select(0, i), boxDeltas.Select(0, i), (metas[i].Height, metas[i].Width));
            var s = scores.Select(0, i);
            var groups = ids;
            var width = boxes.Select(1, 2) - boxes.Select(1, 0);
            var height = boxes.Select(1, 3) - boxes.Select(1, 1);
            var keepSize = (width > config.MinBoxSize) & (height > config.MinBoxSize);
            var kept = keepSize.NonzeroFlat();
            boxes = boxes.IndexSelect(0, kept);
            s = s.IndexSelect(0, kept);
            groups = groups.IndexSelect(0, kept);
            Tensor keep;
            using (PhaseProfiler.Measure("rpn.proposals.nms"))
            {
                keep = BatchedNms.Apply(boxes, s, groups, config.NmsIou, classAgnostic: !config.NmsPerLevel, maxKeep: config.MaxPerImage);
            }

            proposals[i] = scope.MoveToOuter(boxes.IndexSelect(0, keep));
        }

        return proposals;
    }
}
