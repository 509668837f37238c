using DynDet.Structures;
using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// Encodes ground-truth boxes as (dx, dy, dw, dh) deltas relative to reference boxes (anchors, proposals) and
/// decodes predicted deltas back to boxes: MMDetection's <c>DeltaXYWHBBoxCoder</c> (SPEC §0.1) or, with
/// <see cref="BoxCoderStyle.TorchVision"/>, torchvision's <c>BoxCoder</c>. Stateless apart from its options;
/// batched; every result is a new tensor on the inputs' device, owned by the caller's dispose scope.
/// </summary>
public sealed class DeltaXywhBoxCoder
{
    private readonly double[] _means;
    private readonly double[] _stds;
    private readonly double[] _weights;

    /// <summary>Creates a coder (default: MMDetection's RPN coder, means 0, stds 1).</summary>
    public DeltaXywhBoxCoder(DeltaXywhBoxCoderOptions? options = null)
    {
        Options = options ?? new DeltaXywhBoxCoderOptions();
        _means = [.. Options.Means];
        _stds = [.. Options.Stds];
        if (_means.Length != 4 || _stds.Length != 4)
        {
            throw new ArgumentException("box coder means and stds need 4 values each (dx, dy, dw, dh)", nameof(options));
        }

        if (Array.Exists(_stds, s => !(s > 0) || double.IsInfinity(s)))
        {
            throw new ArgumentException($"box coder stds must be positive and finite, got ({string.Join(", ", _stds)})", nameof(options));
        }

        if (!(Options.WhRatioClip > 0 && Options.WhRatioClip < 1))
        {
            throw new ArgumentException($"WhRatioClip must be in (0, 1), got {Options.WhRatioClip}", nameof(options));
        }

        if (Options.Style == BoxCoderStyle.TorchVision && Array.Exists(_means, m => m != 0))
        {
            throw new ArgumentException("torchvision's box coder has no means: they must be 0", nameof(options));
        }

        _weights = Array.ConvertAll(_stds, s => 1 / s);
        MaxRatio = Math.Abs(Math.Log(Options.WhRatioClip));
    }

    /// <summary>The options this coder was built with.</summary>
    public DeltaXywhBoxCoderOptions Options { get; }

    /// <summary>The clamp on decoded dw and dh, <c>|ln(WhRatioClip)|</c> (≈ 4.135 by default).</summary>
    public double MaxRatio { get; }

    /// <summary>
    /// Deltas <c>(N, 4)</c> that move <paramref name="boxes"/> <c>(N, 4)</c> onto <paramref name="gtBoxes"/>
    /// <c>(N, 4)</c>: <c>dx = (gx − px)/pw, dy = (gy − py)/ph, dw = ln(gw/pw), dh = ln(gh/ph)</c>, then
    /// <c>(d − mean)/std</c>. Zero-sized reference boxes give non-finite deltas, as in the references.
    /// </summary>
    public Tensor Encode(Tensor boxes, Tensor gtBoxes)
    {
        BoxOps.CheckBoxes(boxes, nameof(boxes), multipleOfFour: false);
        BoxOps.CheckBoxes(gtBoxes, nameof(gtBoxes), multipleOfFour: false);
        if (boxes.Size(0) != gtBoxes.Size(0))
        {
            throw new ArgumentException($"encode needs one gt box per box ({boxes.Size(0)} boxes, {gtBoxes.Size(0)} gts)", nameof(gtBoxes));
        }

        using var scope = Engine.NewDisposeScope();
        var p1 = boxes.Narrow(-1, 0, 2);
        var p2 = boxes.Narrow(-1, 2, 2);
        var g1 = gtBoxes.Narrow(-1, 0, 2);
        var g2 = gtBoxes.Narrow(-1, 2, 2);
        var pwh = p2 - p1;
        var gwh = g2 - g1;
        Tensor dxy, dwh;
        if (Options.Style == BoxCoderStyle.MMDetection)
        {
            var pxy = (p1 + p2) * 0.5;
            var gxy = (g1 + g2) * 0.5;
            dxy = (gxy - pxy) / pwh;
            dwh = (gwh / pwh).Log();
            dxy = Div(Sub(dxy, _means[0], _means[1]), _stds[0], _stds[1]);
            dwh = Div(Sub(dwh, _means[2], _means[3]), _stds[2], _stds[3]);
        }
        else
        {
            var pctr = p1 + pwh * 0.5;
            var gctr = g1 + gwh * 0.5;
            dxy = Mul(gctr - pctr, _weights[0], _weights[1]) / pwh;
            dwh = Mul((gwh / pwh).Log(), _weights[2], _weights[3]);
        }

        return scope.MoveToOuter(Tensor.Cat([dxy, dwh], -1));
    }

    /// <summary>
    /// Boxes from <paramref name="deltas"/> applied to <paramref name="boxes"/> <c>(R, 4)</c>. Deltas are
    /// <c>(R, 4)</c> or class-specific <c>(R, 4·C)</c> (decoded by reshaping to <c>(R·C, 4)</c>); the result has
    /// the deltas' shape. dw and dh are clamped (see <see cref="DeltaXywhBoxCoderOptions.WhRatioClip"/>); when
    /// <paramref name="maxShape"/> (image height, width after resize) is given and
    /// <see cref="DeltaXywhBoxCoderOptions.ClipBorder"/> is set, boxes are clamped to the image.
    /// </summary>
    public Tensor Decode(Tensor boxes, Tensor deltas, (double Height, double Width)? maxShape = null)
    {
        BoxOps.CheckBoxes(boxes, nameof(boxes), multipleOfFour: false);
        BoxOps.CheckBoxes(deltas, nameof(deltas), multipleOfFour: true);
        long[] shape = deltas.Shape;
        long rows = boxes.Size(0);
        if (boxes.Dim != 2 || shape.Length != 2 || shape[0] != rows)
        {
            throw new ArgumentException(
                $"decode needs boxes (R, 4) and deltas (R, 4C); got [{string.Join(", ", boxes.Shape)}] and [{string.Join(", ", shape)}]",
                nameof(deltas));
        }

        using var scope = Engine.NewDisposeScope();
        var d = deltas.Reshape(rows, shape[1] / 4, 4);
        var b = boxes.To(deltas.Dtype).Unsqueeze(1);
        var p1 = b.Narrow(-1, 0, 2);
        var p2 = b.Narrow(-1, 2, 2);
        var pwh = p2 - p1;
        var dxy = d.Narrow(-1, 0, 2);
        var dwh = d.Narrow(-1, 2, 2);
        Tensor gxy, half;
        if (Options.Style == BoxCoderStyle.MMDetection)
        {
            dxy = Add(Mul(dxy, _stds[0], _stds[1]), _means[0], _means[1]);
            dwh = Add(Mul(dwh, _stds[2], _stds[3]), _means[2], _means[3]);
            var pxy = (p1 + p2) * 0.5;
            gxy = pxy + pwh * dxy;
            half = pwh * dwh.Clamp(-MaxRatio, MaxRatio).Exp() * 0.5;
        }
        else
        {
            dxy = Div(dxy, _weights[0], _weights[1]);
            dwh = Div(dwh, _weights[2], _weights[3]).ClampMax(MaxRatio);
            var pctr = p1 + pwh * 0.5;
            gxy = dxy * pwh + pctr;
            half = dwh.Exp() * pwh * 0.5;
        }

        var decoded = Tensor.Cat([gxy - half, gxy + half], -1).Reshape(shape);
        if (maxShape is { } size && Options.ClipBorder)
        {
            decoded = BoxOps.Clip(decoded, size.Height, size.Width);
        }

        return scope.MoveToOuter(decoded);
    }

    // Per-axis constants of an (..., 2) tensor: a scalar op when both axes agree (every shipped config),
    // else a 2-element constant on the tensor's device. The identities are skipped.
    private static Tensor Mul(Tensor t, double x, double y) =>
        x == y ? (x == 1 ? t : t * x) : t * Pair(t, x, y);

    private static Tensor Div(Tensor t, double x, double y) =>
        x == y ? (x == 1 ? t : t / x) : t / Pair(t, x, y);

    private static Tensor Add(Tensor t, double x, double y) =>
        x == y ? (x == 0 ? t : t + x) : t + Pair(t, x, y);

    private static Tensor Sub(Tensor t, double x, double y) =>
        x == y ? (x == 0 ? t : t - x) : t - Pair(t, x, y);

    private static Tensor Pair(Tensor like, double x, double y)
    {
        using var cpu = Tensor.FromArray<double>([x, y]);
        return cpu.To(like.Device, like.Dtype);
    }
}
