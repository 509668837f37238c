using DynDet.Torch.Native;

namespace DynDet.Torch;

/// <summary>
/// A number passed by value to an op, as PyTorch's <c>Scalar</c>: an integer, a floating value or a
/// bool. The kind matters for type promotion: <c>intTensor + 1</c> stays integer, <c>intTensor + 1.0</c>
/// becomes floating. No native object is created for it.
/// </summary>
public readonly struct Scalar : IEquatable<Scalar>
{
    private readonly long _integer;
    private readonly double _floating;

    private Scalar(long integer, double floating, ScalarKind kind)
    {
        _integer = integer;
        _floating = floating;
        Kind = kind;
    }

    /// <summary>Which of integer, floating or bool this scalar holds.</summary>
    public ScalarKind Kind { get; }

    /// <summary>An integer scalar.</summary>
    public static implicit operator Scalar(long value) => new(value, 0, ScalarKind.Integer);

    /// <summary>An integer scalar.</summary>
    public static implicit operator Scalar(int value) => new(value, 0, ScalarKind.Integer);

    /// <summary>A floating scalar.</summary>
    public static implicit operator Scalar(double value) => new(0, value, ScalarKind.Floating);

    /// <summary>A floating scalar.</summary>
    public static implicit operator Scalar(float value) => new(0, value, ScalarKind.Floating);

    /// <summary>A bool scalar.</summary>
    public static implicit operator Scalar(bool value) => new(value ? 1 : 0, 0, ScalarKind.Boolean);

    /// <summary>An integer scalar (named alternative to the implicit conversion).</summary>
    public static Scalar FromInt64(long value) => value;

    /// <summary>A floating scalar (named alternative to the implicit conversion).</summary>
    public static Scalar FromDouble(double value) => value;

    /// <summary>A bool scalar (named alternative to the implicit conversion).</summary>
    public static Scalar FromBoolean(bool value) => value;

    /// <summary>The value as a double.</summary>
    public double ToDouble() => Kind == ScalarKind.Floating ? _floating : _integer;

    /// <summary>The value as a long (floating values are truncated).</summary>
    public long ToInt64() => Kind == ScalarKind.Floating ? (long)_floating : _integer;

    internal DdValue ToValue() => Kind switch
    {
        ScalarKind.Integer => new DdValue { Kind = DdKind.ScalarInt, I = _integer },
        ScalarKind.Boolean => new DdValue { Kind = DdKind.ScalarBool, I = _integer },
        _ => new DdValue { Kind = DdKind.ScalarDouble, D = _floating },
    };

    /// <inheritdoc />
    public bool Equals(Scalar other) =>
        Kind == other.Kind && _integer == other._integer && _floating.Equals(other._floating);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Scalar other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _floating);

    /// <summary>Equality of kind and value.</summary>
    public static bool operator ==(Scalar left, Scalar right) => left.Equals(right);

    /// <summary>Inequality of kind or value.</summary>
    public static bool operator !=(Scalar left, Scalar right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind == ScalarKind.Floating
        ? _floating.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Kind == ScalarKind.Boolean ? (_integer != 0).ToString() : _integer.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
