using DynDet.Torch;
using Xunit;

namespace DynDet.TestSupport;

/// <summary>
/// Base of every engine test: runs with 2 intra-op threads and fails the test if it leaves any native
/// tensor alive or let the garbage collector release one.
/// </summary>
public abstract class TorchTest : IDisposable
{
    private readonly long _finalizedAtStart;

    protected TorchTest()
    {
        Engine.NumThreads = 2;
        _finalizedAtStart = Engine.FinalizedTensors;
        Assert.Equal(0, Engine.LiveTensors);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Assert.Null(DisposeScope.Current);
            Assert.Equal(0, Engine.LiveTensors);
            Assert.Equal(_finalizedAtStart, Engine.FinalizedTensors);
        }
    }
}
