using DynDet.Comparison;

namespace DynDet.Tests.Comparison;

public sealed class SeedStatisticsTests
{
    [Fact]
    public void Mean_and_sample_std_over_seeds_match_hand_numbers()
    {
        Assert.Equal(2.5, SeedStatistics.Mean([1, 2, 3, 4]), 12);
        // ((1.5² + 0.5²) · 2) / (4 − 1) = 5/3
        Assert.Equal(Math.Sqrt(5.0 / 3.0), SeedStatistics.StandardDeviation([1, 2, 3, 4]), 12);
        Assert.Equal(0, SeedStatistics.StandardDeviation([0.7]));
        Assert.True(double.IsNaN(SeedStatistics.Mean([])));
    }

    [Fact]
    public void Paired_differences_use_only_the_seeds_both_rows_ran_in_seed_order()
    {
        var row = new Dictionary<int, double> { [3] = 0.35, [1] = 0.30, [2] = 0.40 };
        var baseline = new Dictionary<int, double> { [1] = 0.25, [2] = 0.41, [3] = 0.30, [4] = 0.50 };
        var d = SeedStatistics.PairedDifferences(row, baseline);
        Assert.Equal([0.05, -0.01, 0.05], d.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.03, SeedStatistics.Mean(d), 12);
        // deviations 0.02, −0.04, 0.02: sqrt(0.0024 / 2)
        Assert.Equal(Math.Sqrt(0.0012), SeedStatistics.StandardDeviation(d), 12);
    }

    [Fact]
    public void The_table_shows_mean_and_std_times_100_and_signed_paired_differences()
    {
        CompareRow baseline = CompareRow.Parse("faster_rcnn_r18_cpu"), dynamic = CompareRow.Parse("dynamic_rcnn_r18_cpu@train.lr=0.01");
        Assert.Equal(["train.lr=0.01"], dynamic.Overrides);
        var cells = new List<CompareCell>();
        double[] baseAp = [0.40, 0.38, 0.39], dynAp = [0.41, 0.38, 0.36];
        for (int s = 0; s < 3; s++)
        {
            cells.Add(new CompareCell(0, s + 1, "", new Dictionary<string, double> { ["AP"] = baseAp[s], ["APs"] = -1 }, 1));
            cells.Add(new CompareCell(1, s + 1, "", new Dictionary<string, double> { ["AP"] = dynAp[s], ["APs"] = -1 }, 1));
        }

        var result = new CompareResult([baseline, dynamic], cells);
        var (mean, std, n) = result.Summary(0, "AP");
        Assert.Equal((0.39, 0.01, 3), (Math.Round(mean, 12), Math.Round(std, 12), n));
        var (dm, ds, pairs) = result.Difference(1, "AP");
        // differences +0.01, 0, −0.03: mean −0.00667, std sqrt((0.01667² + 0.00667² + 0.02333²) / 2) = 0.02082
        Assert.Equal(3, pairs);
        Assert.Equal(-0.02 / 3, dm, 12);
        Assert.Equal(0.0208167, ds, 6);
        string table = CompareTable.Format(result);
        Assert.Contains("| faster_rcnn_r18_cpu | 3 | 39.0 ± 1.0 |", table);
        Assert.Contains("| dynamic_rcnn_r18_cpu@train.lr=0.01 | 3 | -0.7 ± 2.1 |", table);
        // An undefined metric (−1: no small objects) is shown as such, not averaged.
        Assert.Contains("| – |", table);
    }

    [Theory]
    [InlineData("@train.lr=1")]
    [InlineData("faster_rcnn_r18_cpu@lr")]
    [InlineData("faster_rcnn_r18_cpu@=1")]
    public void A_bad_row_spec_is_refused_with_one_line(string spec)
    {
        var e = Assert.Throws<InputException>(() => CompareRow.Parse(spec));
        Assert.Contains($"compare row '{spec}'", e.Message);
    }
}
