using System.Text.Json;
using System.Text.Json.Nodes;

namespace DynDet.TestSupport;

/// <summary>
/// The bad-input table of configs: for every key with a range or a list of allowed values
/// (<see cref="Ranged"/>; a test checks none is missing) and for the rules across keys, types and names
/// (<see cref="Rules"/>), a value that must be refused and the exact one-line message. Each applies alone to
/// <see cref="BasePreset"/>, as a <c>KEY=VALUE</c> override or in a config file (<see cref="ConfigFileText"/>);
/// both give the same message. Reused by the end-to-end bad-input corpus.
/// </summary>
public static class OutOfRangeConfigKeys
{
    /// <summary>The preset every entry is applied to (valid as it is).</summary>
    public const string BasePreset = "faster_rcnn_r18_cpu";

    /// <summary>One out-of-range value per ranged key (a few keys have more: list lengths as well as entries).</summary>
    public static IReadOnlyList<OutOfRangeConfigKey> Ranged { get; } =
    [
        Bad("model.type", "retina", "config model.type: 'retina' is not one of 'faster_rcnn', 'retinanet', 'fcos', 'atss'"),
        Bad("model.num_classes", "-1", "config model.num_classes: -1 is out of range (must be in [0, 100000])"),
        Bad("model.backbone.depth", "20", "config model.backbone.depth: 20 is not one of 18, 34, 50, 101"),
        Bad("model.backbone.width", "0", "config model.backbone.width: 0 is out of range (must be in (0, 4])"),
        Bad("model.backbone.frozen_stages", "5", "config model.backbone.frozen_stages: 5 is out of range (must be in [-1, 4])"),
        Bad("model.neck.out_channels", "0", "config model.neck.out_channels: 0 is out of range (must be in [1, 4096])"),
        Bad("model.neck.num_outs", "3", "config model.neck.num_outs: 3 is out of range (must be in [4, 8])"),
        Bad("model.neck.start_level", "4", "config model.neck.start_level: 4 is out of range (must be in [0, 3])"),
        Bad("model.rpn.anchor.scales", "[8, -1]", "config model.rpn.anchor.scales[1]: -1 is out of range (must be > 0)"),
        Bad("model.rpn.anchor.scales", "[]", "config model.rpn.anchor.scales: has 0 entries (must have at least 1)"),
        Bad("model.rpn.anchor.ratios", "[0]", "config model.rpn.anchor.ratios[0]: 0 is out of range (must be > 0)"),
        Bad("model.rpn.anchor.strides", "[4, 8, 16, 32, 0]", "config model.rpn.anchor.strides[4]: 0 is out of range (must be in [1, 1024])"),
        Bad("model.rpn.anchor.octave_base_scale", "0", "config model.rpn.anchor.octave_base_scale: 0 is out of range (must be > 0)"),
        Bad("model.rpn.anchor.scales_per_octave", "0", "config model.rpn.anchor.scales_per_octave: 0 is out of range (must be in [1, 16])"),
        .. RetinaNet(),
        .. Fcos(),
        .. Atss(),
        .. Assigner("model.rpn.assigner"),
        .. Sampler("model.rpn.sampler"),
        .. BoxLoss("model.rpn.loss_box"),
        .. Proposals("model.rpn.train_proposals"),
        .. Proposals("model.rpn.test_proposals"),
        Bad("model.roi_head.roi_size", "0", "config model.roi_head.roi_size: 0 is out of range (must be in [1, 32])"),
        Bad("model.roi_head.sampling_ratio", "-1", "config model.roi_head.sampling_ratio: -1 is out of range (must be in [0, 16])"),
        Bad("model.roi_head.finest_scale", "0", "config model.roi_head.finest_scale: 0 is out of range (must be > 0)"),
        Bad("model.roi_head.fc_channels", "0", "config model.roi_head.fc_channels: 0 is out of range (must be in [1, 16384])"),
        Bad("model.roi_head.target_stds", "[0.1, 0.1, 0.2, 0]", "config model.roi_head.target_stds[3]: 0 is out of range (must be > 0)"),
        Bad("model.roi_head.target_stds", "[0.1, 0.1, 0.2]", "config model.roi_head.target_stds: has 3 entries (must have 4)"),
        .. Assigner("model.roi_head.assigner"),
        .. Sampler("model.roi_head.sampler"),
        .. BoxLoss("model.roi_head.loss_box"),
        Bad("model.roi_head.test.score_thr", "1.5", "config model.roi_head.test.score_thr: 1.5 is out of range (must be in [0, 1])"),
        Bad("model.roi_head.test.nms_iou", "-1", "config model.roi_head.test.nms_iou: -1 is out of range (must be in [0, 1])"),
        Bad("model.roi_head.test.max_per_image", "0", "config model.roi_head.test.max_per_image: 0 is out of range (must be >= 1)"),
        Bad("model.roi_head.test.min_box_size", "-1", "config model.roi_head.test.min_box_size: -1 is out of range (must be >= 0)"),
        Bad("model.dynamic_rcnn.iou_topk", "0", "config model.dynamic_rcnn.iou_topk: 0 is out of range (must be >= 1)"),
        Bad("model.dynamic_rcnn.beta_topk", "0", "config model.dynamic_rcnn.beta_topk: 0 is out of range (must be >= 1)"),
        Bad("model.dynamic_rcnn.update_interval", "0", "config model.dynamic_rcnn.update_interval: 0 is out of range (must be >= 1)"),
        Bad("model.dynamic_rcnn.initial_iou", "1.5", "config model.dynamic_rcnn.initial_iou: 1.5 is out of range (must be in [0, 1])"),
        Bad("model.dynamic_rcnn.initial_beta", "0", "config model.dynamic_rcnn.initial_beta: 0 is out of range (must be > 0)"),
        .. Balancer("model.rpn.balancer"),
        .. Balancer("model.roi_head.balancer"),
        .. Balancer("model.bbox_head.balancer").Select(e => e with { Preset = RetinaNetPreset }),
        Bad("data.train_scales", "[[0, 800]]", "config data.train_scales[0][0]: 0 is out of range (must be in [1, 8192])"),
        Bad("data.train_scales", "[[1333]]", "config data.train_scales[0]: has 1 entry (must have 2)"),
        Bad("data.train_scales", "[]", "config data.train_scales: has 0 entries (must have at least 1)"),
        Bad("data.test_scale", "[1333, 9000]", "config data.test_scale[1]: 9000 is out of range (must be in [1, 8192])"),
        Bad("data.test_scale", "[1333]", "config data.test_scale: has 1 entry (must have 2)"),
        Bad("data.flip_probability", "1.5", "config data.flip_probability: 1.5 is out of range (must be in [0, 1])"),
        Bad("data.images_per_batch", "0", "config data.images_per_batch: 0 is out of range (must be in [1, 1024])"),
        Bad("data.workers", "-1", "config data.workers: -1 is out of range (must be in [0, 256])"),
        Bad("data.max_image_pixels", "0", "config data.max_image_pixels: 0 is out of range (must be in [1, 715827863])"),
        Bad("train.max_iters", "0", "config train.max_iters: 0 is out of range (must be >= 1)"),
        Bad("train.max_epochs", "0", "config train.max_epochs: 0 is out of range (must be >= 1)"),
        Bad("train.steps", "[0]", "config train.steps[0]: 0 is out of range (must be >= 1)"),
        Bad("train.step_epochs", "[8, -11]", "config train.step_epochs[1]: -11 is out of range (must be >= 1)"),
        Bad("train.gamma", "0", "config train.gamma: 0 is out of range (must be in (0, 1])"),
        Bad("train.lr", "0", "config train.lr: 0 is out of range (must be > 0)"),
        Bad("train.lr", "1e400", "config train.lr: Infinity is out of range (must be > 0)"),
        Bad("train.lr_base_batch", "-1", "config train.lr_base_batch: -1 is out of range (must be >= 0)"),
        Bad("train.momentum", "1", "config train.momentum: 1 is out of range (must be in [0, 1))"),
        Bad("train.weight_decay", "-0.1", "config train.weight_decay: -0.1 is out of range (must be >= 0)"),
        Bad("train.warmup_iters", "-1", "config train.warmup_iters: -1 is out of range (must be >= 0)"),
        Bad("train.warmup_ratio", "0", "config train.warmup_ratio: 0 is out of range (must be in (0, 1])"),
        Bad("train.grad_clip", "0", "config train.grad_clip: 0 is out of range (must be > 0)"),
        Bad("train.checkpoint_interval", "-1", "config train.checkpoint_interval: -1 is out of range (must be >= 0)"),
        Bad("train.checkpoint_minutes", "-1", "config train.checkpoint_minutes: -1 is out of range (must be >= 0)"),
        Bad("train.checkpoint_minutes", "1e400", "config train.checkpoint_minutes: Infinity is out of range (must be >= 0)"),
        Bad("train.eval_interval", "-1", "config train.eval_interval: -1 is out of range (must be >= 0)"),
        Bad("train.log_interval", "0", "config train.log_interval: 0 is out of range (must be >= 1)"),
        Bad("train.seed", "-1", "config train.seed: -1 is out of range (must be >= 0)"),
        Bad("train.threads", "-1", "config train.threads: -1 is out of range (must be in [0, 1024])"),
    ];

    /// <summary>Rules across keys, wrong types, enum names, unknown keys and malformed overrides.</summary>
    public static IReadOnlyList<OutOfRangeConfigKey> Rules { get; } =
    [
        Bad("train.steps", "[1500, 1500]", "config train.steps: [1500, 1500] is not increasing (entry 1, 1500, must be above 1500)"),
        Bad("train.max_iters", "null", "config train.max_iters: null, and so is train.max_epochs (set one of them)"),
        Bad("model.rpn.assigner.neg_iou_thr", "0.8",
            "config model.rpn.assigner.neg_iou_thr: 0.8 is above model.rpn.assigner.pos_iou_thr 0.7 (must be <= it)"),
        Bad("model.neck.num_outs", "4", "config model.rpn.anchor.strides: has 5 entries but model.neck.num_outs is 4 (one stride per level)"),
        Bad("train.lr", "fast", "config train.lr: expected a number, got \"fast\""),
        Bad("train.log_interval", "1.5", "config train.log_interval: expected an integer, got 1.5"),
        Bad("train.warmup", "5", "config train.warmup: expected one of none, linear, constant, got 5"),
        Bad("train.warmup", "cosine", "config train.warmup: expected one of none, linear, constant, got \"cosine\""),
        Bad("model.style", "keras", "config model.style: expected one of mmdetection, torchvision, got \"keras\""),
        Bad("model.backbone.norm", "group_norm", "config model.backbone.norm: expected one of batch_norm, frozen_batch_norm, got \"group_norm\""),
        Bad("model.roi_head.loss_box.type", "giou", "config model.roi_head.loss_box.type: expected one of l1, smooth_l1, got \"giou\""),
        Bad("model.dynamic_rcnn.variant", "v2", "config model.dynamic_rcnn.variant: expected one of mmdet, original, got \"v2\""),
        Bad("model.roi_head", "null", "config model.roi_head: expected an object of keys, got null"),
        Bad("data.train_scales", "[[256, 256], null]", "config data.train_scales[1]: null is not allowed"),
        Bad("model.bbox_head.assigner.neg_iou_thr", "0.6",
            "config model.bbox_head.assigner.neg_iou_thr: 0.6 is above model.bbox_head.assigner.pos_iou_thr 0.5 (must be <= it)") with { Preset = RetinaNetPreset },
        Bad("model.bbox_head.anchor.strides", "[8, 16, 32, 64]",
            "config model.bbox_head.anchor.strides: has 4 entries but model.neck.num_outs is 5 (one stride per level)") with { Preset = RetinaNetPreset },
        Bad("model.rpn.anchor.scales", "[8]",
            "config model.rpn: unknown key (model has style, num_classes, backbone, neck, bbox_head)") with { Preset = RetinaNetPreset },
        .. FcosRules(),
        Bad("model.bbox_head.stacked_convs", "2", "config model.bbox_head: unknown key (model has style, num_classes, backbone, neck, rpn, roi_head, dynamic_rcnn)"),
        Bad("model.rpn.nms_iuo", "0.5",
            "config model.rpn.nms_iuo: unknown key (model.rpn has anchor, assigner, sampler, loss_box, train_proposals, test_proposals, balancer)"),
        Bad("model.bbox_head.norm_groups", "48",
            "config model.bbox_head.norm_groups: 48 does not divide model.bbox_head.feat_channels 64 (GroupNorm needs whole groups)") with { Preset = AtssPreset },
        Bad("model.bbox_head.anchor.strides", "[8, 16, 32]",
            "config model.bbox_head.anchor.strides: has 3 entries but model.neck.num_outs is 5 (one stride per level)") with { Preset = AtssPreset },
        Bad("model.style", "torchvision", "config model.style: torchvision has no ATSS (use mmdetection)") with { Preset = AtssPreset },
        Bad("model.bbox_head.assigner.pos_iou_thr", "0.5",
            "config model.bbox_head.assigner.pos_iou_thr: unknown key (model.bbox_head.assigner has topk, combined_ious, balance)") with { Preset = AtssPreset },
        Bad("model.roi_head.balancer.amplification", "[1, 1, 1, 1, 1]",
            "config model.roi_head.balancer.amplification: has 5 entries but the head has 4 levels (one λ per enhanced level, N <= levels)"),
        Bad("model.bbox_head.balancer.amplification", "[1, 1, 1, 1, 1, 1]",
            "config model.bbox_head.balancer.amplification: has 6 entries but the head has 5 levels (one λ per enhanced level, N <= levels)") with { Preset = FcosPreset },
        Bad("model.rpn.balancer.probability_bounds", "[0.9, 0.1]",
            "config model.rpn.balancer.probability_bounds: [0.9, 0.1] is not ordered (β_min must be <= β_max)"),
        Bad("model.rpn.balancer.actions", "[\"a1\", \"a1\"]", "config model.rpn.balancer.actions: names a1 twice (each action once)"),
        Bad("model.rpn.balancer.actions", "[]", "config model.rpn.balancer.actions: has 0 entries (must have at least 1)"),
        Bad("model.rpn.balancer", "avx", "config model.rpn.balancer.method: expected one of avw, rlo, got \"avx\""),
        Bad("model.rpn.balancer.alpha", "50",
            "config model.rpn.balancer.alpha: unknown key (model.rpn.balancer has method, interval, amplification, eps, reward_step, probability_bounds, actions)"),
        Bad("model.bbox_head.assigner.balance", "d_up",
            "config model.bbox_head.assigner.balance: d_up weighs the combined IoUs, but model.bbox_head.assigner.combined_ious is false (set it true)") with { Preset = AtssPreset },
        Bad("model.bbox_head.assigner.balance", "up",
            "config model.bbox_head.assigner.balance: expected one of sum, d_up, d_down, d_up_down, got \"up\"") with { Preset = AtssPreset },
        Bad("model.bbox_head.assigner.combined_ious", "1",
            "config model.bbox_head.assigner.combined_ious: expected true or false, got 1") with { Preset = AtssPreset },
        Bad("model.bbox_head.loss_cls.type", "gfl",
            "config model.bbox_head.loss_cls.type: expected one of focal, qfl, vfl, got \"gfl\"") with { Preset = AtssPreset },
        Bad("model.bbox_head.quality_branch", "centre",
            "config model.bbox_head.quality_branch: expected one of centerness, iou, got \"centre\"") with { Preset = AtssPreset },
        Bad("trian.lr", "0.1", "config trian: unknown key (the top level has name, load_from, model, data, train)"),
    ];

    /// <summary><see cref="Ranged"/> then <see cref="Rules"/>.</summary>
    public static IReadOnlyList<OutOfRangeConfigKey> All { get; } = [.. Ranged, .. Rules];

    /// <summary>A config file that sets the entry's key on <see cref="BasePreset"/> (a bare VALUE becomes a JSON string, as on the command line).</summary>
    public static string ConfigFileText(OutOfRangeConfigKey entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var root = new JsonObject { ["_base_"] = entry.Preset };
        JsonObject node = root;
        string[] path = entry.Key.Split('.');
        foreach (string part in path[..^1])
        {
            var next = new JsonObject();
            node[part] = next;
            node = next;
        }

        JsonNode? value;
        try
        {
            value = JsonNode.Parse(entry.Value);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(entry.Value);
        }

        node[path[^1]] = value;
        return root.ToJsonString();
    }

    private static OutOfRangeConfigKey Bad(string key, string value, string message) => new(key, value, message);

    /// <summary>The keys only a RetinaNet has, applied to <c>retinanet_r18_cpu</c>.</summary>
    private static OutOfRangeConfigKey[] RetinaNet()
    {
        OutOfRangeConfigKey[] entries =
        [
            Bad("model.bbox_head.stacked_convs", "17", "config model.bbox_head.stacked_convs: 17 is out of range (must be in [0, 16])"),
            Bad("model.bbox_head.feat_channels", "0", "config model.bbox_head.feat_channels: 0 is out of range (must be in [1, 4096])"),
            Bad("model.bbox_head.anchor.scales", "[]", "config model.bbox_head.anchor.scales: has 0 entries (must have at least 1)"),
            Bad("model.bbox_head.anchor.ratios", "[-1]", "config model.bbox_head.anchor.ratios[0]: -1 is out of range (must be > 0)"),
            Bad("model.bbox_head.anchor.strides", "[8, 16, 32, 64, 2048]",
                "config model.bbox_head.anchor.strides[4]: 2048 is out of range (must be in [1, 1024])"),
            Bad("model.bbox_head.anchor.octave_base_scale", "-4", "config model.bbox_head.anchor.octave_base_scale: -4 is out of range (must be > 0)"),
            Bad("model.bbox_head.anchor.scales_per_octave", "17", "config model.bbox_head.anchor.scales_per_octave: 17 is out of range (must be in [1, 16])"),
            Bad("model.bbox_head.loss_cls.alpha", "1.5", "config model.bbox_head.loss_cls.alpha: 1.5 is out of range (must be in [0, 1])"),
            Bad("model.bbox_head.loss_cls.gamma", "-1", "config model.bbox_head.loss_cls.gamma: -1 is out of range (must be in [0, 10])"),
            Bad("model.bbox_head.loss_cls.weight", "-1", "config model.bbox_head.loss_cls.weight: -1 is out of range (must be >= 0)"),
            Bad("model.bbox_head.test.nms_pre", "0", "config model.bbox_head.test.nms_pre: 0 is out of range (must be >= 1)"),
            Bad("model.bbox_head.test.score_thr", "2", "config model.bbox_head.test.score_thr: 2 is out of range (must be in [0, 1])"),
            Bad("model.bbox_head.test.nms_iou", "-1", "config model.bbox_head.test.nms_iou: -1 is out of range (must be in [0, 1])"),
            Bad("model.bbox_head.test.max_per_image", "0", "config model.bbox_head.test.max_per_image: 0 is out of range (must be >= 1)"),
            .. Assigner("model.bbox_head.assigner"),
            .. BoxLoss("model.bbox_head.loss_box"),
        ];
        return entries.Select(e => e with { Preset = RetinaNetPreset }).ToArray();
    }

    /// <summary>The preset the RetinaNet entries apply to.</summary>
    public const string RetinaNetPreset = "retinanet_r18_cpu";

    /// <summary>The preset the FCOS entries apply to.</summary>
    public const string FcosPreset = "fcos_r18_cpu";

    /// <summary>The keys only an FCOS has (and its own copies of the shared head sections), applied to <c>fcos_r18_cpu</c>.</summary>
    private static OutOfRangeConfigKey[] Fcos()
    {
        const string h = "model.bbox_head";
        OutOfRangeConfigKey[] entries =
        [
            Bad($"{h}.stacked_convs", "-1", $"config {h}.stacked_convs: -1 is out of range (must be in [0, 16])"),
            Bad($"{h}.feat_channels", "4097", $"config {h}.feat_channels: 4097 is out of range (must be in [1, 4096])"),
            Bad($"{h}.strides", "[8, 16, 32, 64, 0]", $"config {h}.strides[4]: 0 is out of range (must be in [1, 1024])"),
            Bad($"{h}.strides", "[]", $"config {h}.strides: has 0 entries (must have at least 1)"),
            Bad($"{h}.regress_ranges", "[[-1, 64], [64, 128], [128, 256], [256, 512], [512, 1e9]]",
                $"config {h}.regress_ranges[4][1]: 1000000000 is out of range (must be in [-1, 100000000])"),
            Bad($"{h}.regress_ranges", "[[-1, 64, 128]]", $"config {h}.regress_ranges[0]: has 3 entries (must have 2)"),
            Bad($"{h}.regress_ranges", "[]", $"config {h}.regress_ranges: has 0 entries (must have at least 1)"),
            Bad($"{h}.center_sample_radius", "0", $"config {h}.center_sample_radius: 0 is out of range (must be in (0, 16])"),
            Bad($"{h}.loss_cls.alpha", "-0.5", $"config {h}.loss_cls.alpha: -0.5 is out of range (must be in [0, 1])"),
            Bad($"{h}.loss_cls.gamma", "11", $"config {h}.loss_cls.gamma: 11 is out of range (must be in [0, 10])"),
            Bad($"{h}.loss_cls.weight", "-2", $"config {h}.loss_cls.weight: -2 is out of range (must be >= 0)"),
            Bad($"{h}.loss_bbox.weight", "-1", $"config {h}.loss_bbox.weight: -1 is out of range (must be >= 0)"),
            Bad($"{h}.loss_centerness.weight", "-1", $"config {h}.loss_centerness.weight: -1 is out of range (must be >= 0)"),
            Bad($"{h}.test.nms_pre", "-1", $"config {h}.test.nms_pre: -1 is out of range (must be >= 1)"),
            Bad($"{h}.test.score_thr", "-0.1", $"config {h}.test.score_thr: -0.1 is out of range (must be in [0, 1])"),
            Bad($"{h}.test.nms_iou", "1.1", $"config {h}.test.nms_iou: 1.1 is out of range (must be in [0, 1])"),
            Bad($"{h}.test.max_per_image", "-1", $"config {h}.test.max_per_image: -1 is out of range (must be >= 1)"),
        ];
        return entries.Select(e => e with { Preset = FcosPreset }).ToArray();
    }

    /// <summary>FCOS's rules across keys and its enums, on <c>fcos_r18_cpu</c> (and <c>fcos_r50</c> for torchvision's).</summary>
    private static OutOfRangeConfigKey[] FcosRules()
    {
        const string h = "model.bbox_head";
        OutOfRangeConfigKey[] entries =
        [
            Bad($"{h}.strides", "[8, 16, 32, 64]", $"config {h}.strides: has 4 entries but model.neck.num_outs is 5 (one stride per level)"),
            Bad($"{h}.regress_ranges", "[[-1, 64], [64, 128]]",
                $"config {h}.regress_ranges: has 2 entries but {h}.strides has 5 (one range per level)"),
            Bad($"{h}.regress_ranges", "[[-1, 64], [128, 64], [128, 256], [256, 512], [512, 1e8]]",
                $"config {h}.regress_ranges[1]: [128, 64] is not ordered (low must be <= high)"),
            Bad($"{h}.feat_channels", "48",
                $"config {h}.feat_channels: 48 is not a multiple of 32 (the group norm's groups; or set {h}.norm to none)"),
            Bad($"{h}.norm", "batch_norm", $"config {h}.norm: expected one of none, group_norm, got \"batch_norm\""),
            Bad($"{h}.loss_bbox.type", "l1", $"config {h}.loss_bbox.type: expected one of iou, giou, got \"l1\""),
            Bad($"{h}.anchor.strides", "[8]",
                $"config {h}.anchor: unknown key ({h} has stacked_convs, feat_channels, strides, regress_ranges, center_sampling, center_sample_radius, norm_on_bbox, centerness_on_reg, conv_bias, norm, loss_cls, loss_bbox, loss_centerness, test, balancer)"),
        ];
        return
        [
            .. entries.Select(e => e with { Preset = FcosPreset }),
            Bad($"{h}.norm_on_bbox", "false",
                $"config {h}.norm_on_bbox: false, but torchvision's FCOS head (model.style torchvision) predicts relu distances in strides (set it true)") with { Preset = "fcos_r50" },
            Bad($"{h}.centerness_on_reg", "false",
                $"config {h}.centerness_on_reg: false, but torchvision's FCOS head (model.style torchvision) predicts centerness from the box tower (set it true)") with { Preset = "fcos_r50" },
        ];
    }

    /// <summary>The keys only an ATSS has, applied to <c>atss_r18_cpu</c>.</summary>
    private static OutOfRangeConfigKey[] Atss()
    {
        const string h = "model.bbox_head";
        OutOfRangeConfigKey[] entries =
        [
            Bad($"{h}.stacked_convs", "-1", $"config {h}.stacked_convs: -1 is out of range (must be in [0, 16])"),
            Bad($"{h}.feat_channels", "4097", $"config {h}.feat_channels: 4097 is out of range (must be in [1, 4096])"),
            Bad($"{h}.norm_groups", "0", $"config {h}.norm_groups: 0 is out of range (must be in [1, 4096])"),
            Bad($"{h}.anchor.ratios", "[]", $"config {h}.anchor.ratios: has 0 entries (must have at least 1)"),
            Bad($"{h}.anchor.octave_base_scale", "0", $"config {h}.anchor.octave_base_scale: 0 is out of range (must be > 0)"),
            Bad($"{h}.anchor.scales_per_octave", "0", $"config {h}.anchor.scales_per_octave: 0 is out of range (must be in [1, 16])"),
            Bad($"{h}.anchor.strides", "[0, 16, 32, 64, 128]", $"config {h}.anchor.strides[0]: 0 is out of range (must be in [1, 1024])"),
            Bad($"{h}.anchor.scales", "[0]", $"config {h}.anchor.scales[0]: 0 is out of range (must be > 0)"),
            Bad($"{h}.assigner.topk", "0", $"config {h}.assigner.topk: 0 is out of range (must be in [1, 1000])"),
            Bad($"{h}.target_stds", "[0.1, 0.1, 0.2, -0.2]", $"config {h}.target_stds[3]: -0.2 is out of range (must be > 0)"),
            Bad($"{h}.target_stds", "[0.1, 0.1]", $"config {h}.target_stds: has 2 entries (must have 4)"),
            Bad($"{h}.loss_cls.alpha", "-0.5", $"config {h}.loss_cls.alpha: -0.5 is out of range (must be in [0, 1])"),
            Bad($"{h}.loss_cls.gamma", "11", $"config {h}.loss_cls.gamma: 11 is out of range (must be in [0, 10])"),
            Bad($"{h}.loss_cls.weight", "-2", $"config {h}.loss_cls.weight: -2 is out of range (must be >= 0)"),
            Bad($"{h}.loss_bbox.weight", "-1", $"config {h}.loss_bbox.weight: -1 is out of range (must be >= 0)"),
            Bad($"{h}.loss_centerness.weight", "-1", $"config {h}.loss_centerness.weight: -1 is out of range (must be >= 0)"),
            Bad($"{h}.test.nms_pre", "0", $"config {h}.test.nms_pre: 0 is out of range (must be >= 1)"),
            Bad($"{h}.test.score_thr", "-0.1", $"config {h}.test.score_thr: -0.1 is out of range (must be in [0, 1])"),
            Bad($"{h}.test.nms_iou", "1.1", $"config {h}.test.nms_iou: 1.1 is out of range (must be in [0, 1])"),
            Bad($"{h}.test.max_per_image", "0", $"config {h}.test.max_per_image: 0 is out of range (must be >= 1)"),
        ];
        return entries.Select(e => e with { Preset = AtssPreset }).ToArray();
    }

    /// <summary>The preset the ATSS entries apply to.</summary>
    public const string AtssPreset = "atss_r18_cpu";

    private static OutOfRangeConfigKey[] Balancer(string section) =>
    [
        Bad($"{section}.interval", "1", $"config {section}.interval: 1 is out of range (must be >= 2)"),
        Bad($"{section}.amplification", "[1.5, -1]", $"config {section}.amplification[1]: -1 is out of range (must be >= 0)"),
        Bad($"{section}.amplification", "[]", $"config {section}.amplification: has 0 entries (must have at least 1)"),
        Bad($"{section}.eps", "0", $"config {section}.eps: 0 is out of range (must be > 0)"),
        Bad($"{section}.reward_step", "1.5", $"config {section}.reward_step: 1.5 is out of range (must be in [0, 1])"),
        Bad($"{section}.probability_bounds", "[0, 0.9]", $"config {section}.probability_bounds[0]: 0 is out of range (must be in (0, 1))"),
        Bad($"{section}.probability_bounds", "[0.1, 0.5, 0.9]", $"config {section}.probability_bounds: has 3 entries (must have 2)"),
    ];

    private static OutOfRangeConfigKey[] Assigner(string section) =>
    [
        Bad($"{section}.pos_iou_thr", "1.5", $"config {section}.pos_iou_thr: 1.5 is out of range (must be in [0, 1])"),
        Bad($"{section}.neg_iou_thr", "-0.1", $"config {section}.neg_iou_thr: -0.1 is out of range (must be in [0, 1])"),
        Bad($"{section}.min_pos_iou", "2", $"config {section}.min_pos_iou: 2 is out of range (must be in [0, 1])"),
    ];

    private static OutOfRangeConfigKey[] Sampler(string section) =>
    [
        Bad($"{section}.num", "0", $"config {section}.num: 0 is out of range (must be >= 1)"),
        Bad($"{section}.pos_fraction", "1.1", $"config {section}.pos_fraction: 1.1 is out of range (must be in [0, 1])"),
    ];

    private static OutOfRangeConfigKey[] BoxLoss(string section) =>
    [
        Bad($"{section}.beta", "0", $"config {section}.beta: 0 is out of range (must be > 0)"),
        Bad($"{section}.weight", "-1", $"config {section}.weight: -1 is out of range (must be >= 0)"),
    ];

    private static OutOfRangeConfigKey[] Proposals(string section) =>
    [
        Bad($"{section}.nms_pre", "0", $"config {section}.nms_pre: 0 is out of range (must be >= 1)"),
        Bad($"{section}.max_per_image", "0", $"config {section}.max_per_image: 0 is out of range (must be >= 1)"),
        Bad($"{section}.nms_iou", "1.5", $"config {section}.nms_iou: 1.5 is out of range (must be in [0, 1])"),
        Bad($"{section}.min_box_size", "-1", $"config {section}.min_box_size: -1 is out of range (must be >= 0)"),
    ];
}
