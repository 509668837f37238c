using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

/// <summary>Loads the packs of tests/fixtures/gen_onestage_assign.py (<c>onestage/NAME.pack</c>).</summary>
internal static class OneStageFixtures
{
    /// <summary>The tensors of <c>onestage/NAME.pack</c>; they follow the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> Load(string name) => FixturePack.Load(TestPaths.Fixture("onestage", name + ".pack"));

    /// <summary>An int64 tensor of per-level counts as the ints the assigners take.</summary>
    public static int[] Ints(Tensor counts) => Array.ConvertAll(counts.ToArray<long>(), c => checked((int)c));
}
