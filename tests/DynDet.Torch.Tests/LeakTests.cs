using System.Diagnostics;
using DynDet.TestSupport;
using DynDet.Torch.NN;
using DynDet.Torch.Optim;

namespace DynDet.Torch.Tests;

public sealed class LeakTests : TorchTest
{
    [Fact]
    public void A_thousand_training_iterations_keep_live_tensors_and_memory_flat()
    {
        Engine.ManualSeed(3);
        using var net = new SmallNet();
        using var sgd = new Sgd(net.Parameters(), 0.01, 0.9, 1e-4);
        using var x = Tensor.Randn(4, 3, 8, 8);
        using var target = Tensor.FromArray(new long[] { 0, 1, 2, 3 });
        long liveAtWarm = 0;
        long memoryAtWarm = 0;
        using var process = Process.GetCurrentProcess();
        for (int it = 0; it < 1000; it++)
        {
            using (Engine.NewDisposeScope())
            {
                sgd.ZeroGrad();
                var loss = Functional.CrossEntropy(net.Forward(x), target);
                loss.Backward();
                sgd.Step();
            }

            if (it == 99)
            {
                liveAtWarm = Engine.LiveTensors;
                GC.Collect();
                process.Refresh();
                memoryAtWarm = process.WorkingSet64;
            }
        }

        Assert.Equal(liveAtWarm, Engine.LiveTensors);
        GC.Collect();
        process.Refresh();
        long growth = process.WorkingSet64 - memoryAtWarm;
        Assert.True(growth < 16L << 20, $"resident memory grew by {growth >> 20} MiB over 900 iterations");
    }
}
