using System.Globalization;
using System.Text.RegularExpressions;
using DynDet.Torch;

namespace DynDet.Models.Detectors;

/// <summary>
/// The state-dict names torchvision's detection models give the weights DynDet names as MMDetection does: the
/// backbone under <c>backbone.body.</c>, the FPN's lateral and output convs as <c>backbone.fpn.inner_blocks.i.0</c> and
/// <c>layer_blocks.i.0</c>, its extra levels as <c>extra_blocks.p6</c>/<c>p7</c>, and RetinaNet's head as
/// <c>head.classification_head</c> / <c>head.regression_head</c>, Faster R-CNN's RPN as <c>rpn.head</c> and its R-CNN
/// head as <c>roi_heads.box_head.fc6</c>/<c>fc7</c> and <c>roi_heads.box_predictor</c>. Used to load a torchvision checkpoint into a
/// torchvision-style preset and to export one.
/// </summary>
public static partial class TorchVisionNames
{
    /// <summary>
    /// torchvision's name of the DynDet weight <paramref name="name"/>, or null when torchvision's model has no such
    /// weight (e.g. a batch-norm's <c>num_batches_tracked</c>, which its frozen batch norm lacks).
    /// </summary>
    /// <param name="name">A DynDet state-dict name.</param>
    /// <param name="backboneLevels">How many FPN outputs come from backbone stages (3 for C3–C5, 4 for C2–C5).</param>
    public static string? ToTorchVision(string name, int backboneLevels)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
        {
            return null;
        }

        if (name.StartsWith("backbone.", StringComparison.Ordinal))
        {
            return "backbone.body." + name["backbone.".Length..];
        }

        if (Lateral().Match(name) is { Success: true } lateral)
        {
            return $"backbone.fpn.inner_blocks.{lateral.Groups[1].Value}.0.{lateral.Groups[2].Value}";
        }

        if (Output().Match(name) is { Success: true } output)
        {
            int i = int.Parse(output.Groups[1].Value, CultureInfo.InvariantCulture);
            string rest = output.Groups[2].Value;
            return i < backboneLevels
                ? $"backbone.fpn.layer_blocks.{i}.0.{rest}"
                : $"backbone.fpn.extra_blocks.p{i - backboneLevels + 6}.{rest}";
        }

        if (Tower().Match(name) is { Success: true } tower)
        {
            string branch = tower.Groups[1].Value == "cls" ? "classification_head" : "regression_head";
            return $"head.{branch}.conv.{tower.Groups[2].Value}.0.{tower.Groups[3].Value}";
        }

        return name switch
        {
            _ when name.StartsWith("rpn_head.rpn_conv.", StringComparison.Ordinal) => "rpn.head.conv.0.0." + name["rpn_head.rpn_conv.".Length..],
            _ when name.StartsWith("rpn_head.rpn_cls.", StringComparison.Ordinal) => "rpn.head.cls_logits." + name["rpn_head.rpn_cls.".Length..],
            _ when name.StartsWith("rpn_head.rpn_reg.", StringComparison.Ordinal) => "rpn.head.bbox_pred." + name["rpn_head.rpn_reg.".Length..],
            _ when name.StartsWith("roi_head.bbox_head.shared_fcs.0.", StringComparison.Ordinal) =>
                "roi_heads.box_head.fc6." + name["roi_head.bbox_head.shared_fcs.0.".Length..],
            _ when name.StartsWith("roi_head.bbox_head.shared_fcs.1.", StringComparison.Ordinal) =>
                "roi_heads.box_head.fc7." + name["roi_head.bbox_head.shared_fcs.1.".Length..],
            _ when name.StartsWith(RcnnClassifier, StringComparison.Ordinal) =>
                "roi_heads.box_predictor.cls_score." + name[RcnnClassifier.Length..],
            _ when name.StartsWith(RcnnRegressor, StringComparison.Ordinal) =>
                "roi_heads.box_predictor.bbox_pred." + name[RcnnRegressor.Length..],
            _ when name.StartsWith("bbox_head.retina_cls.", StringComparison.Ordinal) =>
                "head.classification_head.cls_logits." + name["bbox_head.retina_cls.".Length..],
            _ when name.StartsWith("bbox_head.retina_reg.", StringComparison.Ordinal) =>
                "head.regression_head.bbox_reg." + name["bbox_head.retina_reg.".Length..],
            _ => name,
        };
    }

    /// <summary>
    /// A torchvision tensor in DynDet's layout. Only the R-CNN classifier differs: torchvision puts the background
    /// class first (C + 1 rows, background at 0; boxes for all C + 1 classes), MMDetection last (background at C;
    /// boxes for the C foreground classes only).
    /// </summary>
    /// <param name="name">The DynDet name the tensor is for.</param>
    /// <param name="value">The tensor as torchvision stores it (not consumed).</param>
    /// <returns>A new tensor (caller's scope).</returns>
    public static Tensor FromTorchVision(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.StartsWith(RcnnClassifier, StringComparison.Ordinal))
        {
            long rows = value.Size(0);
            return Tensor.Cat([value.Narrow(0, 1, rows - 1), value.Narrow(0, 0, 1)]);
        }

        return name.StartsWith(RcnnRegressor, StringComparison.Ordinal) ? value.Narrow(0, 4, value.Size(0) - 4).Clone() : value.Clone();
    }

    /// <summary>
    /// A DynDet tensor in torchvision's layout (the inverse of <see cref="FromTorchVision"/>; the background class's
    /// box rows, which MMDetection's head does not have and torchvision never uses, are zeros).
    /// </summary>
    /// <param name="name">The DynDet name of the tensor.</param>
    /// <param name="value">The tensor (not consumed).</param>
    /// <returns>A new tensor (caller's scope).</returns>
    public static Tensor ToTorchVision(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.StartsWith(RcnnClassifier, StringComparison.Ordinal))
        {
            long rows = value.Size(0);
            return Tensor.Cat([value.Narrow(0, rows - 1, 1), value.Narrow(0, 0, rows - 1)]);
        }

        if (name.StartsWith(RcnnRegressor, StringComparison.Ordinal))
        {
            long[] shape = value.Shape;
            shape[0] = 4;
            return Tensor.Cat([Tensor.Zeros(shape, value.Dtype, value.Device), value]);
        }

        return value.Clone();
    }

    private const string RcnnClassifier = "roi_head.bbox_head.fc_cls.";
    private const string RcnnRegressor = "roi_head.bbox_head.fc_reg.";

    /// <summary>
    /// torchvision's name of the weight <paramref name="name"/> of a DynDet FCOS (style torchvision: no <c>scales</c>),
    /// or null where torchvision has none. The backbone and FPN map as <see cref="ToTorchVision(string, int)"/>; the head's towers
    /// are <c>head.classification_head.conv.{3i}</c> (conv) and <c>.conv.{3i+1}</c> (group norm), likewise under
    /// <c>head.regression_head</c>, then <c>cls_logits</c>, <c>bbox_reg</c> and <c>bbox_ctrness</c>.
    /// </summary>
    /// <param name="name">A DynDet state-dict name.</param>
    /// <param name="backboneLevels">How many FPN outputs come from backbone stages (3 for C3–C5).</param>
    public static string? FcosToTorchVision(string name, int backboneLevels)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (FcosTower().Match(name) is { Success: true } tower)
        {
            string branch = tower.Groups[1].Value == "cls" ? "classification_head" : "regression_head";
            int i = int.Parse(tower.Groups[2].Value, CultureInfo.InvariantCulture);
            int index = 3 * i + (tower.Groups[3].Value == "gn" ? 1 : 0);
            return $"head.{branch}.conv.{index}.{tower.Groups[4].Value}";
        }

        return name switch
        {
            _ when name.StartsWith("bbox_head.conv_cls.", StringComparison.Ordinal) =>
                "head.classification_head.cls_logits." + name["bbox_head.conv_cls.".Length..],
            _ when name.StartsWith("bbox_head.conv_reg.", StringComparison.Ordinal) =>
                "head.regression_head.bbox_reg." + name["bbox_head.conv_reg.".Length..],
            _ when name.StartsWith("bbox_head.conv_centerness.", StringComparison.Ordinal) =>
                "head.regression_head.bbox_ctrness." + name["bbox_head.conv_centerness.".Length..],
            _ when name.StartsWith("bbox_head.scales.", StringComparison.Ordinal) => null,
            _ => ToTorchVision(name, backboneLevels),
        };
    }

    [GeneratedRegex(@"^bbox_head\.(cls|reg)_convs\.(\d+)\.(conv|gn)\.(\w+)$")]
    private static partial Regex FcosTower();

    [GeneratedRegex(@"^neck\.lateral_convs\.(\d+)\.conv\.(\w+)$")]
    private static partial Regex Lateral();

    [GeneratedRegex(@"^neck\.fpn_convs\.(\d+)\.conv\.(\w+)$")]
    private static partial Regex Output();

    [GeneratedRegex(@"^bbox_head\.(cls|reg)_convs\.(\d+)\.conv\.(\w+)$")]
    private static partial Regex Tower();
}
