using DynDet.TestSupport;
using Xunit.Sdk;

namespace DynDet.Torch.Tests;

/// <summary>TensorAssert.Close is exact about non-finite values and tolerant about finite ones.</summary>
public sealed class TensorAssertTests : TorchTest
{
    [Theory]
    [InlineData(double.PositiveInfinity, double.NegativeInfinity)]
    [InlineData(double.NegativeInfinity, double.PositiveInfinity)]
    [InlineData(double.PositiveInfinity, 5.0)]
    [InlineData(5.0, double.PositiveInfinity)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.NaN)]
    [InlineData(double.NaN, double.PositiveInfinity)]
    public void Different_non_finite_or_finite_values_fail(double expected, double actual)
    {
        using var e = Tensor.FromArray(new[] { 1.0, expected }, 2);
        using var a = Tensor.FromArray(new[] { 1.0, actual }, 2);
        var failure = Assert.ThrowsAny<XunitException>(() => TensorAssert.Close(e, a));
        Assert.Contains("element 1", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void The_same_non_finite_value_passes(double value)
    {
        using var e = Tensor.FromArray(new[] { value, 2.0 }, 2);
        using var a = Tensor.FromArray(new[] { value, 2.0 + 1e-7 }, 2);
        TensorAssert.Close(e, a);
    }
}
