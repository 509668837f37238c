using System.Globalization;
using System.Text;
using DynDet.Data.Coco;

namespace DynDet.Tests.Data.Coco;

public sealed class FastDoubleTests
{
    [Theory]
    [InlineData("0.4811", 0.4811)]
    [InlineData("-12", -12.0)]
    [InlineData("243.3", 243.3)]
    [InlineData("0", 0.0)]
    [InlineData("0.5700000000000001", 0.5700000000000001)]
    [InlineData("1234567890123456", 1234567890123456.0)]
    public void Parses_short_decimals_to_the_nearest_double(string text, double expected)
    {
        Assert.True(FastDouble.TryParse(Encoding.ASCII.GetBytes(text), out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("98.30109021337023")] // 16 significant digits above 2^53: the general parser
    [InlineData("12345678901234567890")]
    [InlineData("0.35000000000000003")] // 17 digits
    [InlineData("0.00000000000000000000001")]
    public void Leaves_other_numbers_to_the_general_parser(string text) =>
        Assert.False(FastDouble.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void Agrees_with_double_parse_on_many_random_decimals()
    {
        var random = new Random(7);
        int fast = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double x = (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 6));
            string text = Math.Round(x, random.Next(0, 12)).ToString("R", CultureInfo.InvariantCulture);
            if (FastDouble.TryParse(Encoding.ASCII.GetBytes(text), out double value))
            {
                Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
                fast++;
            }
        }

        Assert.True(fast > 100_000, $"only {fast} numbers took the fast path");
    }
}
