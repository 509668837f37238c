using System.Text.Json;
using DynDet.Evaluation;

namespace DynDet.Tests.Evaluation;

/// <summary>Reads an expected.json of the COCO fixtures and compares evaluations with it.</summary>
internal static class CocoExpected
{
    public static readonly string[] ContractKeys =
        ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl", "AP60", "AP70", "AP80", "AP90"];

    /// <summary>The numbers of an expected.json (top-level keys) and its per_class map, if any.</summary>
    public static (Dictionary<string, double> Metrics, Dictionary<string, double>? PerClass) Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return Split(doc.RootElement);
    }

    /// <summary>Splits a `dyndet eval --json` object (or an expected.json) into metrics and per_class.</summary>
    public static (Dictionary<string, double> Metrics, Dictionary<string, double>? PerClass) Split(JsonElement root)
    {
        var metrics = new Dictionary<string, double>();
        Dictionary<string, double>? perClass = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "per_class")
            {
                perClass = [];
                foreach (var c in property.Value.EnumerateObject())
                {
                    perClass[c.Name] = c.Value.GetDouble();
                }
            }
            else
            {
                metrics[property.Name] = property.Value.GetDouble();
            }
        }

        return (metrics, perClass);
    }

    /// <summary>Asserts that every expected number is within <paramref name="tolerance"/> of the evaluation's.</summary>
    public static void AssertClose(string expectedPath, CocoEvaluation evaluation, double tolerance)
    {
        var (metrics, perClass) = Read(expectedPath);
        var actual = evaluation.Metrics.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(ContractKeys.Order(), metrics.Keys.Order());
        foreach (var (key, value) in metrics)
        {
            Assert.True(Math.Abs(actual[key] - value) <= tolerance, $"{key}: {actual[key]} vs pycocotools {value}");
        }

        if (perClass is not null)
        {
            var classes = evaluation.PerClass.ToDictionary(c => c.Name, c => c.AP);
            Assert.Equal(perClass.Keys.Order(), classes.Keys.Order());
            foreach (var (name, value) in perClass)
            {
                Assert.True(Math.Abs(classes[name] - value) <= tolerance, $"per_class {name}: {classes[name]} vs {value}");
            }
        }
    }
}
