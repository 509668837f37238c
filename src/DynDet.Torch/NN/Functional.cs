using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch.NN;

/// <summary>
/// Neural-network functions with PyTorch's semantics and defaults (<c>torch.nn.functional</c>), plus
/// torchvision's detection ops. Inputs are NCHW unless said otherwise.
/// </summary>
public static unsafe class Functional
{
    /// <summary>2-D convolution. <paramref name="weight"/> is (out, in/groups, kh, kw).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1) =>
        Conv2d(input, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>2-D convolution with per-axis (height, width) stride, padding and dilation.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) dilation, int groups = 1)
    {
        long* s = stackalloc long[] { stride.H, stride.W };
        long* p = stackalloc long[] { padding.H, padding.W };
        long* d = stackalloc long[] { dilation.H, dilation.W };
        return Aten.Conv2d.Call1([DdValue.Of(input), DdValue.Of(weight), DdValue.Of(bias, true), DdValue.IntList(s, 2),
            DdValue.IntList(p, 2), DdValue.IntList(d, 2), DdValue.Of((long)groups)], input, weight, bias);
    }

    /// <summary><c>input·weightᵀ + bias</c>; <paramref name="weight"/> is (out, in).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Aten.Linear.Call1([DdValue.Of(input), DdValue.Of(weight), DdValue.Of(bias, true)], input, weight, bias);

    /// <summary>
    /// Batch normalisation. In training mode the batch statistics normalise and the running statistics are
    /// updated in place with <paramref name="momentum"/> (default 0.1); in eval mode the running ones are used.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
        Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Aten.BatchNorm.Call1([DdValue.Of(input), DdValue.Of(weight, true), DdValue.Of(bias, true),
            DdValue.Of(runningMean, true), DdValue.Of(runningVar, true), DdValue.Of(training), DdValue.Of(momentum),
            DdValue.Of(eps), DdValue.Of(true)], input, (weight, bias), (runningMean, runningVar));

    /// <summary>Group normalisation over <paramref name="numGroups"/> channel groups (eps default 1e-5).</summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null,
        double eps = 1e-5) =>
        Aten.GroupNorm.Call1([DdValue.Of(input), DdValue.Of((long)numGroups), DdValue.Of(weight, true),
            DdValue.Of(bias, true), DdValue.Of(eps)], input, weight, bias);

    /// <summary>ReLU.</summary>
    public static Tensor Relu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }

    /// <summary>2-D max pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1,
        bool ceilMode = false)
    {
        long k = kernelSize, s = stride ?? kernelSize, p = padding, d = dilation;
        return Aten.MaxPool2d.Call1([DdValue.Of(input), DdValue.IntList(&k, 1), DdValue.IntList(&s, 1),
            DdValue.IntList(&p, 1), DdValue.IntList(&d, 1), DdValue.Of(ceilMode)], input);
    }

    /// <summary>2-D average pooling; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0)
    {
        long k = kernelSize, s = stride ?? kernelSize, p = padding;
        return Aten.AvgPool2d.Call1([DdValue.Of(input), DdValue.IntList(&k, 1), DdValue.IntList(&s, 1),
            DdValue.IntList(&p, 1)], input);
    }

    /// <summary>Adaptive average pooling to (<paramref name="outputHeight"/>, <paramref name="outputWidth"/>).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputHeight, long outputWidth)
    {
        long* size = stackalloc long[] { outputHeight, outputWidth };
        return Aten.AdaptiveAvgPool2d.Call1([DdValue.Of(input), DdValue.IntList(size, 2)], input);
    }

    /// <summary>
    /// Resizes NCHW <paramref name="input"/> to (<paramref name="height"/>, <paramref name="width"/>), as
    /// <c>F.interpolate(size=...)</c>; <paramref name="alignCorners"/> applies to bilinear only.
    /// </summary>
    public static Tensor Interpolate(Tensor input, long height, long width,
        InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        long* size = stackalloc long[] { height, width };
        return mode == InterpolationMode.Nearest
            ? Aten.UpsampleNearest2dVec.Call1([DdValue.Of(input), DdValue.IntList(size, 2), DdValue.None], input)
            : Aten.UpsampleBilinear2dVec.Call1([DdValue.Of(input), DdValue.IntList(size, 2), DdValue.Of(alignCorners),
                DdValue.None], input);
    }

    /// <summary>Resizes NCHW <paramref name="input"/> by <paramref name="scaleFactor"/>, as <c>F.interpolate(scale_factor=...)</c>.</summary>
    public static Tensor Interpolate(Tensor input, double scaleFactor,
        InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        double* scales = stackalloc double[] { scaleFactor, scaleFactor };
        return mode == InterpolationMode.Nearest
            ? Aten.UpsampleNearest2dVec.Call1([DdValue.Of(input), DdValue.None, DdValue.DoubleList(scales, 2)], input)
            : Aten.UpsampleBilinear2dVec.Call1([DdValue.Of(input), DdValue.None, DdValue.Of(alignCorners),
                DdValue.DoubleList(scales, 2)], input);
    }

    /// <summary>
    /// Samples NCHW <paramref name="input"/> at the normalised (x, y) locations of <paramref name="grid"/>
    /// (N, Hout, Wout, 2), as <c>F.grid_sample</c> (defaults: bilinear, zeros, align_corners=False).
    /// </summary>
    public static Tensor GridSample(Tensor input, Tensor grid, InterpolationMode mode = InterpolationMode.Bilinear,
        PaddingMode padding = PaddingMode.Zeros, bool alignCorners = false) =>
        Aten.GridSampler.Call1([DdValue.Of(input), DdValue.Of(grid), DdValue.Of((long)mode), DdValue.Of((long)padding),
            DdValue.Of(alignCorners)], input, grid);

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, long dim) =>
        Aten.SoftmaxInt.Call1([DdValue.Of(input), DdValue.Of(dim)], input);

    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim) =>
        Aten.LogSoftmaxInt.Call1([DdValue.Of(input), DdValue.Of(dim)], input);

    /// <summary>Dropout with probability <paramref name="p"/> (identity when not <paramref name="training"/>).</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true) =>
        Aten.Dropout.Call1([DdValue.Of(input), DdValue.Of(p), DdValue.Of(training)], input);

    /// <summary>
    /// Cross-entropy of logits (N, C) against class indices (N) (int64), as <c>F.cross_entropy</c>;
    /// targets equal to <paramref name="ignoreIndex"/> (default −100) are skipped.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean, long ignoreIndex = -100, double labelSmoothing = 0) =>
        Aten.CrossEntropyLoss.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of(weight, true),
            DdValue.Of((long)reduction), DdValue.Of(ignoreIndex), DdValue.Of(labelSmoothing)], input, target, weight);

    /// <summary>Negative log-likelihood of log-probabilities (N, C) against class indices.</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100) =>
        Aten.NllLoss.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of(weight, true), DdValue.Of((long)reduction),
            DdValue.Of(ignoreIndex)], input, target, weight);

    /// <summary>Sigmoid + binary cross-entropy in one numerically stable op, as <c>F.binary_cross_entropy_with_logits</c>.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean, Tensor? posWeight = null) =>
        Aten.BinaryCrossEntropyWithLogits.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of(weight, true),
            DdValue.Of(posWeight, true), DdValue.Of((long)reduction)], input, target, (weight, posWeight));

    /// <summary>Binary cross-entropy of probabilities in [0, 1].</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean) =>
        Aten.BinaryCrossEntropy.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of(weight, true),
            DdValue.Of((long)reduction)], input, target, weight);

    /// <summary>|input − target|, reduced.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Aten.L1Loss.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of((long)reduction)], input, target);

    /// <summary>(input − target)², reduced.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Aten.MseLoss.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of((long)reduction)], input, target);

    /// <summary>
    /// Smooth L1 with threshold <paramref name="beta"/> (default 1): <c>0.5·x²/β</c> if |x| &lt; β, else
    /// <c>|x| − 0.5β</c>; β = 0 gives L1.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean,
        double beta = 1.0) =>
        Aten.SmoothL1Loss.Call1([DdValue.Of(input), DdValue.Of(target), DdValue.Of((long)reduction), DdValue.Of(beta)],
            input, target);

    // ---- torchvision ----

    /// <summary>
    /// RoIAlign (torchvision's <c>roi_align</c>): pools each RoI (K, 5) = (batch index, x1, y1, x2, y2) of
    /// <paramref name="input"/> (N, C, H, W) to (K, C, <paramref name="outputHeight"/>, <paramref name="outputWidth"/>),
    /// averaging <paramref name="samplingRatio"/>² bilinear samples per bin (≤ 0: adaptive, ceil(roi/out) per side);
    /// <paramref name="aligned"/> shifts by −0.5 pixel (MMDetection's default). RoI coordinates are multiplied by
    /// <paramref name="spatialScale"/> (1/stride). Input and RoIs must share the dtype (float32 or float64).
    /// </summary>
    /// <param name="input">Features (N, C, H, W).</param>
    /// <param name="rois">RoIs (K, 5); batch indices in [0, N).</param>
    /// <param name="spatialScale">Factor from RoI to feature coordinates.</param>
    /// <param name="outputHeight">Pooled height (≥ 1).</param>
    /// <param name="outputWidth">Pooled width (≥ 1).</param>
    /// <param name="samplingRatio">Samples per bin side; ≤ 0 adaptive (default 0).</param>
    /// <param name="aligned">Half-pixel alignment (default true).</param>
    /// <param name="implementation">
    /// <see cref="RoiAlignImplementation.Native"/> (default): DynDet's multi-threaded CPU kernel, bit-identical to
    /// torchvision's; <see cref="RoiAlignImplementation.TorchVision"/>: torchvision's own op.
    /// </param>
    public static Tensor RoiAlign(Tensor input, Tensor rois, double spatialScale, long outputHeight, long outputWidth,
        long samplingRatio = 0, bool aligned = true, RoiAlignImplementation implementation = RoiAlignImplementation.Native)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(rois);
        if (implementation == RoiAlignImplementation.TorchVision)
        {
            return TorchVision.RoiAlign.Call1([DdValue.Of(input), DdValue.Of(rois), DdValue.Of(spatialScale),
                DdValue.Of(outputHeight), DdValue.Of(outputWidth), DdValue.Of(samplingRatio), DdValue.Of(aligned)],
                input, rois);
        }

        int status = NativeMethods.dd_roi_align(input.RawHandle, rois.RawHandle, spatialScale, outputHeight, outputWidth,
            samplingRatio, aligned ? 1 : 0, out IntPtr handle);
        GC.KeepAlive(input);
        GC.KeepAlive(rois);
        Check.Status(status);
        return new Tensor(handle);
    }

    /// <summary>
    /// Greedy non-maximum suppression with torchvision's decisions: indices (int64) of the boxes (N, 4) kept at
    /// <paramref name="iouThreshold"/>, in decreasing score order. With <paramref name="maxKeep"/> &gt; 0 it stops
    /// after that many, returning exactly the first <paramref name="maxKeep"/> of the full result, faster. CPU
    /// tensors run DynDet's kernel (native/src/nms.cpp); others, or <paramref name="useTorchVision"/>, run
    /// torchvision's op (and are then cut to <paramref name="maxKeep"/>).
    /// </summary>
    public static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold, long maxKeep = -1, bool useTorchVision = false)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        if (useTorchVision || boxes.Device.Type != DeviceType.Cpu)
        {
            var all = TorchVision.Nms.Call1([DdValue.Of(boxes), DdValue.Of(scores), DdValue.Of(iouThreshold)], boxes, scores);
            if (maxKeep <= 0 || all.Size(0) <= maxKeep)
            {
                return all;
            }

            using (all)
            {
                return all.Narrow(0, 0, maxKeep);
            }
        }

        int status = NativeMethods.dd_nms(boxes.RawHandle, scores.RawHandle, iouThreshold, maxKeep, out IntPtr handle);
        GC.KeepAlive(boxes);
        GC.KeepAlive(scores);
        Check.Status(status);
        return new Tensor(handle);
    }
}
