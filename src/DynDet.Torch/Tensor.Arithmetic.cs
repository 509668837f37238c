using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch;

/// <content>Element-wise arithmetic and math functions, with broadcasting as in PyTorch.</content>
public sealed partial class Tensor
{
    private Tensor Unary(Op op) => op.Call1([DdValue.Of(this)], this);

    private Tensor Binary(Op op, Tensor other) => op.Call1([DdValue.Of(this), DdValue.Of(other)], this, other);

    private Tensor Binary(Op op, Scalar other) => op.Call1([DdValue.Of(this), DdValue.Of(other)], this);

    private Tensor InPlace(Op op)
    {
        op.CallVoid([DdValue.Of(this)], this);
        return this;
    }

    /// <summary><c>this + alpha·other</c>.</summary>
    public Tensor Add(Tensor other, Scalar? alpha = null) =>
        Aten.AddTensor.Call1([DdValue.Of(this), DdValue.Of(other), alpha is null ? DdValue.Default : DdValue.Of(alpha.Value)], this, other);

    /// <summary><c>this + other</c>.</summary>
    public Tensor Add(Scalar other) => Binary(Aten.AddScalar, other);

    /// <summary><c>this − alpha·other</c>.</summary>
    public Tensor Sub(Tensor other, Scalar? alpha = null) =>
        Aten.SubTensor.Call1([DdValue.Of(this), DdValue.Of(other), alpha is null ? DdValue.Default : DdValue.Of(alpha.Value)], this, other);

    /// <summary><c>this − other</c>.</summary>
    public Tensor Sub(Scalar other) => Binary(Aten.SubScalar, other);

    /// <summary>Element-wise product.</summary>
    public Tensor Mul(Tensor other) => Binary(Aten.MulTensor, other);

    /// <summary>Product with a number.</summary>
    public Tensor Mul(Scalar other) => Binary(Aten.MulScalar, other);

    /// <summary>True division (integers give floats).</summary>
    public Tensor Div(Tensor other) => Binary(Aten.DivTensor, other);

    /// <summary>True division by a number.</summary>
    public Tensor Div(Scalar other) => Binary(Aten.DivScalar, other);

    /// <summary>Division rounded as <paramref name="roundingMode"/> says: <c>"trunc"</c> or <c>"floor"</c>.</summary>
    public unsafe Tensor Div(Tensor other, string roundingMode)
    {
        ArgumentNullException.ThrowIfNull(roundingMode);
        byte[] mode = System.Text.Encoding.UTF8.GetBytes(roundingMode);
        fixed (byte* m = mode)
        {
            return Aten.DivTensorMode.Call1([DdValue.Of(this), DdValue.Of(other), DdValue.String(m, mode.Length)], this, other);
        }
    }

    /// <summary>Remainder of division by a number, with the sign of the divisor (Python's <c>%</c>).</summary>
    public Tensor Remainder(Scalar other) => Binary(Aten.RemainderScalar, other);

    /// <summary>Negation.</summary>
    public Tensor Neg() => Unary(Aten.Neg);

    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Unary(Aten.Abs);

    /// <summary>e to the power of each element.</summary>
    public Tensor Exp() => Unary(Aten.Exp);

    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(Aten.Log);

    /// <summary>Base-2 logarithm.</summary>
    public Tensor Log2() => Unary(Aten.Log2);

    /// <summary><c>ln(1 + x)</c>, accurate near zero.</summary>
    public Tensor Log1p() => Unary(Aten.Log1p);

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(Aten.Sqrt);

    /// <summary>Reciprocal square root.</summary>
    public Tensor Rsqrt() => Unary(Aten.Rsqrt);

    /// <summary>Element-wise square.</summary>
    public Tensor Square() => Unary(Aten.Square);

    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(Aten.Sigmoid);

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(Aten.Tanh);

    /// <summary>Rectified linear unit, <c>max(x, 0)</c>.</summary>
    public Tensor Relu() => Unary(Aten.Relu);

    /// <summary>Largest integer not above each element.</summary>
    public Tensor Floor() => Unary(Aten.Floor);

    /// <summary>Smallest integer not below each element.</summary>
    public Tensor Ceil() => Unary(Aten.Ceil);

    /// <summary>Rounds half to even, as PyTorch does.</summary>
    public Tensor Round() => Unary(Aten.Round);

    /// <summary>Rounds towards zero.</summary>
    public Tensor Trunc() => Unary(Aten.Trunc);

    /// <summary>−1, 0 or 1 by sign.</summary>
    public Tensor Sign() => Unary(Aten.Sign);

    /// <summary>1 / x.</summary>
    public Tensor Reciprocal() => Unary(Aten.Reciprocal);

    /// <summary>Each element to the power <paramref name="exponent"/>.</summary>
    public Tensor Pow(Scalar exponent) => Binary(Aten.PowTensorScalar, exponent);

    /// <summary>Each element to the power of the matching element of <paramref name="exponent"/>.</summary>
    public Tensor Pow(Tensor exponent) => Binary(Aten.PowTensorTensor, exponent);

    /// <summary>Element-wise maximum of two tensors.</summary>
    public Tensor Maximum(Tensor other) => Binary(Aten.Maximum, other);

    /// <summary>Element-wise minimum of two tensors.</summary>
    public Tensor Minimum(Tensor other) => Binary(Aten.Minimum, other);

    /// <summary>Limits every element to [min, max]; a null bound is not applied.</summary>
    public Tensor Clamp(Scalar? min = null, Scalar? max = null) =>
        Aten.Clamp.Call1([DdValue.Of(this), DdValue.Of(min), DdValue.Of(max)], this);

    /// <summary>Limits every element to the matching elements of <paramref name="min"/> and <paramref name="max"/>.</summary>
    public Tensor Clamp(Tensor? min, Tensor? max) =>
        Aten.ClampTensor.Call1([DdValue.Of(this), DdValue.Of(min, true), DdValue.Of(max, true)], this, min, max);

    /// <summary><c>max(x, min)</c>.</summary>
    public Tensor ClampMin(Scalar min) => Binary(Aten.ClampMin, min);

    /// <summary><c>min(x, max)</c>.</summary>
    public Tensor ClampMax(Scalar max) => Binary(Aten.ClampMax, max);

    // ---- in place (the trailing underscore is PyTorch's, kept so in-place stays visible) ----

    /// <summary>In place: <c>this += alpha·other</c>; returns this.</summary>
    public Tensor Add_(Tensor other, Scalar? alpha = null)
    {
        Aten.AddInplaceTensor.CallVoid([DdValue.Of(this), DdValue.Of(other), alpha is null ? DdValue.Default : DdValue.Of(alpha.Value)], this, other);
        return this;
    }

    /// <summary>In place: <c>this += other</c>; returns this.</summary>
    public Tensor Add_(Scalar other)
    {
        Aten.AddInplaceScalar.CallVoid([DdValue.Of(this), DdValue.Of(other)], this);
        return this;
    }

    /// <summary>In place: <c>this −= alpha·other</c>; returns this.</summary>
    public Tensor Sub_(Tensor other, Scalar? alpha = null)
    {
        Aten.SubInplaceTensor.CallVoid([DdValue.Of(this), DdValue.Of(other), alpha is null ? DdValue.Default : DdValue.Of(alpha.Value)], this, other);
        return this;
    }

    /// <summary>In place: <c>this *= other</c>; returns this.</summary>
    public Tensor Mul_(Tensor other)
    {
        Aten.MulInplaceTensor.CallVoid([DdValue.Of(this), DdValue.Of(other)], this, other);
        return this;
    }

    /// <summary>In place: <c>this *= other</c>; returns this.</summary>
    public Tensor Mul_(Scalar other)
    {
        Aten.MulInplaceScalar.CallVoid([DdValue.Of(this), DdValue.Of(other)], this);
        return this;
    }

    /// <summary>In place: <c>this /= other</c>; returns this.</summary>
    public Tensor Div_(Tensor other)
    {
        Aten.DivInplaceTensor.CallVoid([DdValue.Of(this), DdValue.Of(other)], this, other);
        return this;
    }

    /// <summary>In place: <c>this /= other</c>; returns this.</summary>
    public Tensor Div_(Scalar other)
    {
        Aten.DivInplaceScalar.CallVoid([DdValue.Of(this), DdValue.Of(other)], this);
        return this;
    }

    /// <summary>In place: <c>this += value·t1·t2</c>; returns this.</summary>
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        Aten.AddcmulInplace.CallVoid([DdValue.Of(this), DdValue.Of(tensor1), DdValue.Of(tensor2), value is null ? DdValue.Default : DdValue.Of(value.Value)], this, tensor1, tensor2);
        return this;
    }

    /// <summary>In place: <c>this += value·t1/t2</c>; returns this.</summary>
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        Aten.AddcdivInplace.CallVoid([DdValue.Of(this), DdValue.Of(tensor1), DdValue.Of(tensor2), value is null ? DdValue.Default : DdValue.Of(value.Value)], this, tensor1, tensor2);
        return this;
    }

    /// <summary>In place: <c>this += weight·(end − this)</c>; returns this.</summary>
    public Tensor Lerp_(Tensor end, Scalar weight)
    {
        Aten.LerpInplaceScalar.CallVoid([DdValue.Of(this), DdValue.Of(end), DdValue.Of(weight)], this, end);
        return this;
    }

    /// <summary>In place: sets every element to zero; returns this.</summary>
    public Tensor Zero_() => InPlace(Aten.ZeroInplace);

    /// <summary>In place: sets every element to <paramref name="value"/>; returns this.</summary>
    public Tensor Fill_(Scalar value)
    {
        Aten.FillInplaceScalar.CallVoid([DdValue.Of(this), DdValue.Of(value)], this);
        return this;
    }

    /// <summary>In place: copies <paramref name="source"/> (broadcast, converted) into this; returns this.</summary>
    public Tensor Copy_(Tensor source)
    {
        Aten.CopyInplace.CallVoid([DdValue.Of(this), DdValue.Of(source)], this, source);
        return this;
    }

    /// <summary>In place: clamps to [min, max]; returns this.</summary>
    public Tensor Clamp_(Scalar? min = null, Scalar? max = null)
    {
        Aten.ClampInplace.CallVoid([DdValue.Of(this), DdValue.Of(min), DdValue.Of(max)], this);
        return this;
    }

    /// <summary>In place: ReLU; returns this.</summary>
    public Tensor Relu_() => InPlace(Aten.ReluInplace);

    /// <summary>In place: negation; returns this.</summary>
    public Tensor Neg_() => InPlace(Aten.NegInplace);

    /// <summary>In place: square root; returns this.</summary>
    public Tensor Sqrt_() => InPlace(Aten.SqrtInplace);

    /// <summary>In place: fills with U(<paramref name="from"/>, <paramref name="to"/>) from the global generator; returns this.</summary>
    public Tensor Uniform_(double from = 0, double to = 1)
    {
        Aten.UniformInplace.CallVoid([DdValue.Of(this), DdValue.Of(from), DdValue.Of(to)], this);
        return this;
    }

    /// <summary>In place: fills with N(<paramref name="mean"/>, <paramref name="std"/>²) from the global generator; returns this.</summary>
    public Tensor Normal_(double mean = 0, double std = 1)
    {
        Aten.NormalInplace.CallVoid([DdValue.Of(this), DdValue.Of(mean), DdValue.Of(std)], this);
        return this;
    }

    // ---- operators ----

    /// <summary>Element-wise sum.</summary>
    public static Tensor operator +(Tensor left, Tensor right) => Checked(left).Add(right);

    /// <summary>Adds a number.</summary>
    public static Tensor operator +(Tensor left, Scalar right) => Checked(left).Add(right);

    /// <summary>Adds a number.</summary>
    public static Tensor operator +(Scalar left, Tensor right) => Checked(right).Add(left);

    /// <summary>Element-wise difference.</summary>
    public static Tensor operator -(Tensor left, Tensor right) => Checked(left).Sub(right);

    /// <summary>Subtracts a number.</summary>
    public static Tensor operator -(Tensor left, Scalar right) => Checked(left).Sub(right);

    /// <summary>A number minus each element.</summary>
    public static Tensor operator -(Scalar left, Tensor right)
    {
        using var negated = Checked(right).Neg();
        return negated.Add(left);
    }

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor value) => Checked(value).Neg();

    /// <summary>Element-wise product.</summary>
    public static Tensor operator *(Tensor left, Tensor right) => Checked(left).Mul(right);

    /// <summary>Product with a number.</summary>
    public static Tensor operator *(Tensor left, Scalar right) => Checked(left).Mul(right);

    /// <summary>Product with a number.</summary>
    public static Tensor operator *(Scalar left, Tensor right) => Checked(right).Mul(left);

    /// <summary>True division.</summary>
    public static Tensor operator /(Tensor left, Tensor right) => Checked(left).Div(right);

    /// <summary>True division by a number.</summary>
    public static Tensor operator /(Tensor left, Scalar right) => Checked(left).Div(right);

    /// <summary>A number divided by each element.</summary>
    public static Tensor operator /(Scalar left, Tensor right)
    {
        using var inverse = Checked(right).Reciprocal();
        return inverse.Mul(left);
    }

    /// <summary>Element-wise <c>&lt;</c>, giving a bool tensor.</summary>
    public static Tensor operator <(Tensor left, Tensor right) => Checked(left).Lt(right);

    /// <summary>Element-wise <c>&gt;</c>, giving a bool tensor.</summary>
    public static Tensor operator >(Tensor left, Tensor right) => Checked(left).Gt(right);

    /// <summary>Element-wise <c>&lt;=</c>, giving a bool tensor.</summary>
    public static Tensor operator <=(Tensor left, Tensor right) => Checked(left).Le(right);

    /// <summary>Element-wise <c>&gt;=</c>, giving a bool tensor.</summary>
    public static Tensor operator >=(Tensor left, Tensor right) => Checked(left).Ge(right);

    /// <summary>Element-wise <c>&lt;</c> against a number.</summary>
    public static Tensor operator <(Tensor left, Scalar right) => Checked(left).Lt(right);

    /// <summary>Element-wise <c>&gt;</c> against a number.</summary>
    public static Tensor operator >(Tensor left, Scalar right) => Checked(left).Gt(right);

    /// <summary>Element-wise <c>&lt;=</c> against a number.</summary>
    public static Tensor operator <=(Tensor left, Scalar right) => Checked(left).Le(right);

    /// <summary>Element-wise <c>&gt;=</c> against a number.</summary>
    public static Tensor operator >=(Tensor left, Scalar right) => Checked(left).Ge(right);

    /// <summary>Logical and of two bool tensors.</summary>
    public static Tensor operator &(Tensor left, Tensor right) => Checked(left).LogicalAnd(right);

    /// <summary>Logical or of two bool tensors.</summary>
    public static Tensor operator |(Tensor left, Tensor right) => Checked(left).LogicalOr(right);

    /// <summary>Logical not of a bool tensor.</summary>
    public static Tensor operator !(Tensor value) => Checked(value).LogicalNot();

    private static Tensor Checked(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor;
    }
}
