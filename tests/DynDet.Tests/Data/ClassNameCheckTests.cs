using DynDet.Data;

namespace DynDet.Tests.Data;

/// <summary><see cref="ClassNameCheck"/>: a dataset's categories must be a checkpoint's classes in order.</summary>
public sealed class ClassNameCheckTests
{
    [Fact]
    public void Same_names_in_the_same_order_pass()
    {
        // Separate but equal lists: the check compares names, not list identity.
        string[] model = ["a", "b", "c"];
        List<string> dataset = [new string(['a']), "b", "c"];
        Assert.Null(Record.Exception(() => ClassNameCheck.EnsureSame(model, "m.pth", dataset, "d.json")));
        // The same names in another order do not pass, so passing above means the order was checked too.
        Assert.Throws<InputException>(() => ClassNameCheck.EnsureSame(model, "m.pth", ["a", "c", "b"], "d.json"));
    }

    [Fact]
    public void Names_only_one_side_has_are_listed()
    {
        var e = Assert.Throws<InputException>(() => ClassNameCheck.EnsureSame(["a", "b", "c"], "m.pth", ["a", "x", "b"], "d.json"));
        Assert.Equal("dataset d.json does not have the classes of checkpoint m.pth: only the dataset has ['x']; only the checkpoint has ['c']", e.Message);
    }

    [Fact]
    public void A_different_order_names_the_first_label_that_differs()
    {
        var e = Assert.Throws<InputException>(() => ClassNameCheck.EnsureSame(["a", "b", "c"], "m.pth", ["a", "c", "b"], "d.json"));
        Assert.Equal(
            "dataset d.json does not have the classes of checkpoint m.pth in the same order: label 1 is 'c' in the dataset but 'b' in the checkpoint (dataset ['a', 'c', 'b'], checkpoint ['a', 'b', 'c'])",
            e.Message);
    }

    [Fact]
    public void Repeated_names_are_a_difference_in_count()
    {
        var e = Assert.Throws<InputException>(() => ClassNameCheck.EnsureSame(["a", "b"], "m.pth", ["a", "b", "b"], "d.json"));
        Assert.Equal("dataset d.json does not have the classes of checkpoint m.pth: the dataset has 3 classes ['a', 'b', 'b'], the checkpoint 2 ['a', 'b']", e.Message);
    }

    [Fact]
    public void Names_differing_in_case_differ()
    {
        var e = Assert.Throws<InputException>(() => ClassNameCheck.EnsureSame(["Cat"], "m.pth", ["cat"], "d.json"));
        Assert.Contains("only the dataset has ['cat']; only the checkpoint has ['Cat']", e.Message, StringComparison.Ordinal);
    }
}
