using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Reductions, sorting and selection.</content>
public sealed partial class Tensor
{
    private unsafe Tensor ReduceDims(Op op, ReadOnlySpan<long> dims, bool keepDim)
    {
        fixed (long* d = dims)
        {
            return op.Call1([DdValue.Of(this), DdValue.IntList(d, dims.Length), DdValue.Of(keepDim)], this);
        }
    }

    /// <summary>Sum of all elements (a 0-d tensor).</summary>
    public Tensor Sum() => Unary(Aten.Sum);

    /// <summary>Sum over dimension <paramref name="dim"/>.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => ReduceDims(Aten.SumDimIntList, [dim], keepDim);

    /// <summary>Sum over several dimensions.</summary>
    public Tensor Sum(ReadOnlySpan<long> dims, bool keepDim = false) => ReduceDims(Aten.SumDimIntList, dims, keepDim);

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Unary(Aten.Mean);

    /// <summary>Mean over dimension <paramref name="dim"/>.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => ReduceDims(Aten.MeanDim, [dim], keepDim);

    /// <summary>Mean over several dimensions.</summary>
    public Tensor Mean(ReadOnlySpan<long> dims, bool keepDim = false) => ReduceDims(Aten.MeanDim, dims, keepDim);

    /// <summary>Product of all elements.</summary>
    public Tensor Prod() => Unary(Aten.Prod);

    /// <summary>Largest element.</summary>
    public Tensor Max() => Unary(Aten.Max);

    /// <summary>Largest elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) =>
        Aten.MaxDim.Call2([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>Smallest element.</summary>
    public Tensor Min() => Unary(Aten.Min);

    /// <summary>Smallest elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) =>
        Aten.MinDim.Call2([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>Largest values over <paramref name="dim"/> (no indices; faster than <see cref="Max(long, bool)"/>).</summary>
    public Tensor Amax(long dim, bool keepDim = false) => ReduceDims(Aten.Amax, [dim], keepDim);

    /// <summary>Smallest values over <paramref name="dim"/>.</summary>
    public Tensor Amin(long dim, bool keepDim = false) => ReduceDims(Aten.Amin, [dim], keepDim);

    /// <summary>Index of the largest element, over the flattened tensor or along <paramref name="dim"/>.</summary>
    public Tensor Argmax(long? dim = null, bool keepDim = false) =>
        Aten.Argmax.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>Index of the smallest element, over the flattened tensor or along <paramref name="dim"/>.</summary>
    public Tensor Argmin(long? dim = null, bool keepDim = false) =>
        Aten.Argmin.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>Standard deviation over all elements; <paramref name="correction"/> 1 is the unbiased estimate (PyTorch's default).</summary>
    public Tensor Std(long correction = 1) =>
        Aten.StdCorrection.Call1([DdValue.Of(this), DdValue.None, DdValue.Of(correction)], this);

    /// <summary>Standard deviation along <paramref name="dim"/>; <paramref name="correction"/> 1 is unbiased.</summary>
    public unsafe Tensor Std(long dim, long correction, bool keepDim = false)
    {
        long d = dim;
        return Aten.StdCorrection.Call1([DdValue.Of(this), DdValue.IntList(&d, 1), DdValue.Of(correction), DdValue.Of(keepDim)], this);
    }

    /// <summary>Variance over all elements; <paramref name="correction"/> 1 is unbiased.</summary>
    public Tensor Var(long correction = 1) =>
        Aten.VarCorrection.Call1([DdValue.Of(this), DdValue.None, DdValue.Of(correction)], this);

    /// <summary>True (0-d bool tensor) if every element is true.</summary>
    public Tensor All() => Unary(Aten.All);

    /// <summary>True (0-d bool tensor) if any element is true.</summary>
    public Tensor Any() => Unary(Aten.Any);

    /// <summary>Whether every element along <paramref name="dim"/> is true.</summary>
    public Tensor All(long dim, bool keepDim = false) =>
        Aten.AllDim.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>Whether any element along <paramref name="dim"/> is true.</summary>
    public Tensor Any(long dim, bool keepDim = false) =>
        Aten.AnyDim.Call1([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>p-norm along <paramref name="dim"/> (default: the Euclidean norm).</summary>
    public unsafe Tensor Norm(long dim, double p = 2, bool keepDim = false)
    {
        long d = dim;
        return Aten.NormScalarOptDim.Call1([DdValue.Of(this), DdValue.Of((Scalar)p), DdValue.IntList(&d, 1), DdValue.Of(keepDim)], this);
    }

    /// <summary>Euclidean norm of all elements.</summary>
    public Tensor Norm()
    {
        using var flat = Flatten();
        return flat.Norm(0);
    }

    /// <summary>Cumulative sum along <paramref name="dim"/>.</summary>
    public Tensor Cumsum(long dim) => Aten.Cumsum.Call1([DdValue.Of(this), DdValue.Of(dim)], this);

    /// <summary>Sorts along <paramref name="dim"/>; with <paramref name="stable"/>, equal elements keep their order.</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false) =>
        stable
            ? Aten.SortStable.Call2([DdValue.Of(this), DdValue.Of(true), DdValue.Of(dim), DdValue.Of(descending)], this)
            : Aten.Sort.Call2([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(descending)], this);

    /// <summary>Indices that sort along <paramref name="dim"/>.</summary>
    public Tensor Argsort(long dim = -1, bool descending = false, bool stable = false)
    {
        var (values, indices) = Sort(dim, descending, stable);
        values.Dispose();
        return indices;
    }

    /// <summary>The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true) =>
        Aten.Topk.Call2([DdValue.Of(this), DdValue.Of(k), DdValue.Of(dim), DdValue.Of(largest), DdValue.Of(sorted)], this);

    /// <summary>The <paramref name="k"/>-th smallest element (1-based) along <paramref name="dim"/> and its index.</summary>
    public (Tensor Values, Tensor Indices) KthValue(long k, long dim = -1, bool keepDim = false) =>
        Aten.Kthvalue.Call2([DdValue.Of(this), DdValue.Of(k), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>
    /// The lower median of all elements (PyTorch's: for an even count, the smaller of the two middle values;
    /// numpy's median averages them).
    /// </summary>
    public Tensor Median() => Unary(Aten.Median);

    /// <summary>Lower medians along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) Median(long dim, bool keepDim = false) =>
        Aten.MedianDim.Call2([DdValue.Of(this), DdValue.Of(dim), DdValue.Of(keepDim)], this);

    /// <summary>Counts of each non-negative integer value (1-D int64 input); at least <paramref name="minLength"/> bins.</summary>
    public Tensor Bincount(long minLength = 0) =>
        Aten.Bincount.Call1([DdValue.Of(this), DdValue.None, DdValue.Of(minLength)], this);
}
