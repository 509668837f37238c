using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Comparisons and logical operations, giving bool tensors.</content>
public sealed partial class Tensor
{
    /// <summary>Element-wise equality.</summary>
    public Tensor Eq(Tensor other) => Binary(Aten.EqTensor, other);

    /// <summary>Element-wise equality with a number.</summary>
    public Tensor Eq(Scalar other) => Binary(Aten.EqScalar, other);

    /// <summary>Element-wise inequality.</summary>
    public Tensor Ne(Tensor other) => Binary(Aten.NeTensor, other);

    /// <summary>Element-wise inequality with a number.</summary>
    public Tensor Ne(Scalar other) => Binary(Aten.NeScalar, other);

    /// <summary>Element-wise <c>this &lt; other</c>.</summary>
    public Tensor Lt(Tensor other) => Binary(Aten.LtTensor, other);

    /// <summary>Element-wise <c>this &lt; other</c>.</summary>
    public Tensor Lt(Scalar other) => Binary(Aten.LtScalar, other);

    /// <summary>Element-wise <c>this &lt;= other</c>.</summary>
    public Tensor Le(Tensor other) => Binary(Aten.LeTensor, other);

    /// <summary>Element-wise <c>this &lt;= other</c>.</summary>
    public Tensor Le(Scalar other) => Binary(Aten.LeScalar, other);

    /// <summary>Element-wise <c>this &gt; other</c>.</summary>
    public Tensor Gt(Tensor other) => Binary(Aten.GtTensor, other);

    /// <summary>Element-wise <c>this &gt; other</c>.</summary>
    public Tensor Gt(Scalar other) => Binary(Aten.GtScalar, other);

    /// <summary>Element-wise <c>this &gt;= other</c>.</summary>
    public Tensor Ge(Tensor other) => Binary(Aten.GeTensor, other);

    /// <summary>Element-wise <c>this &gt;= other</c>.</summary>
    public Tensor Ge(Scalar other) => Binary(Aten.GeScalar, other);

    /// <summary>Logical and (non-zero is true).</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(Aten.LogicalAnd, other);

    /// <summary>Logical or (non-zero is true).</summary>
    public Tensor LogicalOr(Tensor other) => Binary(Aten.LogicalOr, other);

    /// <summary>Logical exclusive or.</summary>
    public Tensor LogicalXor(Tensor other) => Binary(Aten.LogicalXor, other);

    /// <summary>Logical not.</summary>
    public Tensor LogicalNot() => Unary(Aten.LogicalNot);

    /// <summary>True where the element is neither infinite nor NaN.</summary>
    public Tensor IsFinite() => Unary(Aten.Isfinite);

    /// <summary>True where the element is NaN.</summary>
    public Tensor IsNaN() => Unary(Aten.Isnan);

    /// <summary>True when every element is within <c>atol + rtol·|other|</c> of <paramref name="other"/>.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNaN = false) =>
        Aten.Allclose.CallBool([DdValue.Of(this), DdValue.Of(other), DdValue.Of(rtol), DdValue.Of(atol), DdValue.Of(equalNaN)], this, other);

    /// <summary>True when shapes and all elements are equal.</summary>
    public bool Equal(Tensor other) => Aten.Equal.CallBool([DdValue.Of(this), DdValue.Of(other)], this, other);
}
