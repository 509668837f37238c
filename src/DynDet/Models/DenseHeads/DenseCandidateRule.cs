namespace DynDet.Models.DenseHeads;

/// <summary>Which candidates an anchor head keeps per level at test time before NMS.</summary>
public enum DenseCandidateRule
{
    /// <summary>
    /// MMDetection 2.x (SPEC §3): the <c>nms_pre</c> anchors with the highest <b>maximum</b> class score, every class of
    /// them, then <c>multiclass_nms</c> (raw score &gt; <c>score_thr</c>, per-class NMS, best <c>max_per_img</c>).
    /// </summary>
    TopAnchors,

    /// <summary>
    /// torchvision: the (anchor, class) pairs scoring above <c>score_thresh</c>, at most <c>topk_candidates</c> of them by
    /// score, then batched NMS by class over all levels and the best <c>detections_per_img</c>.
    /// </summary>
    TopPairs,
}
