using DynDet.TestSupport;
using DynDet.Torch.NN;

namespace DynDet.Torch.Tests;

/// <summary>The network of tests/fixtures/gen_engine.py: conv, batch norm, relu, max pool, group norm, linear.</summary>
internal sealed class SmallNet : Module<Tensor, Tensor>
{
    public SmallNet()
    {
        Conv = RegisterModule("conv", new Conv2d(3, 8, 3, padding: 1));
        Bn = RegisterModule("bn", new BatchNorm2d(8));
        Gn = RegisterModule("gn", new GroupNorm(2, 8));
        Fc = RegisterModule("fc", new Linear(8 * 4 * 4, 5));
    }

    public Conv2d Conv { get; }

    public BatchNorm2d Bn { get; }

    public GroupNorm Gn { get; }

    public Linear Fc { get; }

    public override Tensor Forward(Tensor input)
    {
        using var scope = Engine.NewDisposeScope();
        var x = Functional.MaxPool2d(Bn.Forward(Conv.Forward(input)).Relu(), 2);
        x = Gn.Forward(x);
        return scope.MoveToOuter(Fc.Forward(x.Flatten(1)));
    }
}
