using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Assignment;

/// <summary>Loads the packs of tests/fixtures/gen_assign.py and compares integer tensors exactly.</summary>
internal static class AssignFixtures
{
    /// <summary>The tensors of <c>assign/NAME.pack</c>; they follow the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> Load(string name) => FixturePack.Load(TestPaths.Fixture("assign", name + ".pack"));

    /// <summary>One element as a double.</summary>
    public static double At(Tensor t, params long[] index)
    {
        using var scope = Engine.NewDisposeScope();
        var x = t;
        foreach (long i in index)
        {
            x = x.Select(0, i);
        }

        return x.ToDouble();
    }

    /// <summary>Asserts equal shapes and equal int64 values.</summary>
    public static void SameLongs(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.AsSpan().SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}] differs from expected [{string.Join(", ", expected.Shape)}]");
        using var e = expected.To(ScalarType.Int64);
        using var a = actual.To(ScalarType.Int64);
        long[] ev = e.ToArray<long>();
        long[] av = a.ToArray<long>();
        int at = FirstDifference(ev, av);
        Assert.True(at < 0, at < 0 ? string.Empty : $"{what}: element {at}: expected {ev[at]}, got {av[at]} ({Count(ev, av)} differ)");
    }

    private static int FirstDifference(long[] e, long[] a)
    {
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] != a[i])
            {
                return i;
            }
        }

        return -1;
    }

    private static int Count(long[] e, long[] a)
    {
        int n = 0;
        for (int i = 0; i < e.Length; i++)
        {
            n += e[i] != a[i] ? 1 : 0;
        }

        return n;
    }
}
