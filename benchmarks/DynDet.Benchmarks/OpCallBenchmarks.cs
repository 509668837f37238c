using BenchmarkDotNet.Attributes;
using DynDet.Torch;

namespace DynDet.Benchmarks;

/// <summary>
/// Cost of one op call across the native boundary on a tiny tensor, where the call itself dominates:
/// the bridge's overhead per op (dispatcher lookup is cached; arguments are checked against the schema).
/// </summary>
[MemoryDiagnoser]
public class OpCallBenchmarks
{
    private Tensor _a = null!;
    private Tensor _b = null!;

    /// <summary>Creates two 4-element tensors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Engine.NumThreads = 1;
        _a = Tensor.Ones(4);
        _b = Tensor.Ones(4);
    }

    /// <summary>Releases the tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }

    /// <summary>One <c>aten::add.Tensor</c> call, result disposed at once.</summary>
    [Benchmark]
    public void AddAndDispose()
    {
        using var c = _a.Add(_b);
    }

    /// <summary>One call with an int-list argument (<c>aten::view</c>).</summary>
    [Benchmark]
    public void ViewAndDispose()
    {
        using var c = _a.View(2, 2);
    }
}
