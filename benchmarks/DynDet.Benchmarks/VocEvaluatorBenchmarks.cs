using BenchmarkDotNet.Attributes;
using DynDet.Data;
using DynDet.Evaluation;

namespace DynDet.Benchmarks;

/// <summary>
/// VOC mAP@0.5 on the raccoon validation split (40 real images, 1 class): the ground truth read from
/// ../shared/data/raccoon and 20 detections per image around it (jittered true boxes and random false
/// positives, fixed seed) — the size of a detector's output on that split.
/// </summary>
[MemoryDiagnoser]
public class VocEvaluatorBenchmarks
{
    private VocGroundTruth[] _truth = [];
    private VocDetections[] _detections = [];

    /// <summary>Reads the split and makes the detections.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string root = Environment.GetEnvironmentVariable("DYNDET_RACCOON") ?? FindRaccoon();
        var dataset = DatasetSpec.Open(Path.GetFullPath(root), "val");
        var random = new Random(7);
        _truth = new VocGroundTruth[dataset.Count];
        _detections = new VocDetections[dataset.Count];
        for (int i = 0; i < dataset.Count; i++)
        {
            var record = dataset.GetRecord(i);
            var boxes = record.Objects.SelectMany(o => new double[] { o.X1, o.Y1, o.X2, o.Y2 }).ToArray();
            _truth[i] = new VocGroundTruth(boxes, record.Objects.Select(o => o.Label).ToArray(),
                record.Objects.Select(o => o.IsDifficult).ToArray());
            var found = new List<double>();
            for (int k = 0; k < 20; k++)
            {
                if (k < record.Objects.Count * 3)
                {
                    var o = record.Objects[k % record.Objects.Count];
                    double j = (o.X2 - o.X1) * 0.1;
                    found.AddRange([o.X1 + (random.NextDouble() - 0.5) * j, o.Y1 + (random.NextDouble() - 0.5) * j,
                        o.X2 + (random.NextDouble() - 0.5) * j, o.Y2 + (random.NextDouble() - 0.5) * j]);
                }
                else
                {
                    double x = random.NextDouble() * record.Width, y = random.NextDouble() * record.Height;
                    found.AddRange([x, y, x + 20 + random.NextDouble() * 200, y + 20 + random.NextDouble() * 200]);
                }
            }

            _detections[i] = new VocDetections(found.ToArray(), Enumerable.Range(0, 20).Select(_ => random.NextDouble()).ToArray(),
                new int[20]);
        }
    }

    /// <summary>Area-method mAP of the whole split.</summary>
    [Benchmark]
    public double MeanAveragePrecision() => VocEvaluator.Evaluate(_truth, _detections, 1).MeanAP;

    // BenchmarkDotNet runs the job from its build folder: look for ../shared beside the repository upwards.
    private static string FindRaccoon()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "data", "raccoon");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("../shared/data/raccoon not found above " + Environment.CurrentDirectory +
            "; set DYNDET_RACCOON to the dataset's root");
    }
}
