using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Losses;

/// <summary>Loads the packs of tests/fixtures/gen_onestage_losses.py.</summary>
internal static class OneStageLossFixtures
{
    /// <summary>The tensors of <c>onestage_losses/NAME.pack</c>; they follow the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> Load(string name) =>
        FixturePack.Load(TestPaths.Fixture("onestage_losses", name + ".pack"));

    /// <summary>The gradient <paramref name="leaf"/> received; fails when it has none.</summary>
    public static Tensor GradOf(Tensor leaf) => leaf.Grad ?? throw new InvalidOperationException("no gradient reached the input");
}
