using System.CommandLine;
using System.Text.Json;
using DynDet.Data.Coco;
using DynDet.Evaluation;

namespace DynDet.Cli.Commands;

/// <summary>
/// <c>dyndet eval --gt GT.json --dt DT.json [--json]</c>: COCO box evaluation of a result file against ground truth,
/// with the numbers of pycocotools' <c>COCO.loadRes</c> + <c>COCOeval(…, 'bbox')</c> (CONTRACT.md).
/// </summary>
/// <remarks>
/// Human-readable output: pycocotools' 12 summary lines, AP at IoU 0.60–0.90 and a table of AP per category.
/// <c>--json</c>: one object with the keys of CONTRACT.md. Model evaluation (<c>--checkpoint</c>, <c>--data</c>) is a
/// second way to obtain the detections and is not built yet; without <c>--gt</c> and <c>--dt</c> the command says so
/// and exits 2.
/// </remarks>
public static class EvalCommand
{
    /// <summary>Creates the <c>eval</c> command.</summary>
    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "COCO annotation file with the ground truth.", HelpName = "GT.json" };
        var dt = new Option<string>("--dt")
        {
            Description = "COCO result file: a JSON list of {image_id, category_id, bbox [x,y,w,h], score}.",
            HelpName = "DT.json",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the report." };
        var command = new Command("eval", "COCO-style box evaluation of a result file (the numbers of pycocotools).")
        {
            gt,
            dt,
            json,
        };
        command.SetAction(parse => Run(parse.GetValue(gt), parse.GetValue(dt), parse.GetValue(json), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Evaluates and prints; returns the exit status.</summary>
    /// <exception cref="InputException">A file is missing or invalid.</exception>
    internal static int Run(string? gtPath, string? dtPath, bool json, TextWriter output, TextWriter errors)
    {
        if (string.IsNullOrEmpty(gtPath) || string.IsNullOrEmpty(dtPath))
        {
            errors.WriteLine(
                "error: dyndet eval needs --gt GT.json and --dt DT.json (evaluating a model with --checkpoint and "
                + "--data is not built yet in this version of DynDet)");
            return CliRunner.BadInput;
        }

        // The two files are independent: read the ground truth on another core while this one reads the results.
        // A problem in the ground truth is reported first, as if the files were read one after the other.
        var reading = Task.Run(() => CocoJsonReader.ReadDataset(gtPath));
        CocoResults? results = null;
        InputException? resultsProblem = null;
        try
        {
            results = CocoJsonReader.ReadResults(dtPath);
        }
        catch (InputException e)
        {
            resultsProblem = e;
        }

        var groundTruth = reading.GetAwaiter().GetResult();
        foreach (string warning in groundTruth.Warnings)
        {
            errors.WriteLine($"warning: {warning}");
        }

        if (resultsProblem is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(resultsProblem).Throw();
        }

        var evaluation = CocoEvaluator.Evaluate(groundTruth, results!);
        if (evaluation.DetectionsBeyondMaxDets > 0)
        {
            errors.WriteLine(
                $"note: {evaluation.DetectionsBeyondMaxDets} detections were not evaluated: their image already had 100 "
                + "higher-scoring detections of their category (pycocotools' maxDets=100 cut)");
        }

        if (json)
        {
            output.WriteLine(ToJson(evaluation));
        }
        else
        {
            output.Write(evaluation.FormatSummary());
        }

        return CliRunner.Ok;
    }

    /// <summary>The <c>--json</c> object of CONTRACT.md: the 16 numbers, then <c>per_class</c> by category name.</summary>
    public static string ToJson(CocoEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (key, value) in evaluation.Metrics)
            {
                w.WriteNumber(key, value);
            }

            w.WriteStartObject("per_class");
            foreach (var (name, ap) in PerClassKeys(evaluation))
            {
                w.WriteNumber(name, ap);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Category names as keys; a name shared by several categories gets its id appended (<c>car#3</c>).</summary>
    private static List<(string Name, double AP)> PerClassKeys(CocoEvaluation evaluation)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in evaluation.PerClass)
        {
            counts[c.Name] = counts.GetValueOrDefault(c.Name) + 1;
        }

        var keys = new List<(string, double)>(evaluation.PerClass.Count);
        foreach (var c in evaluation.PerClass)
        {
            keys.Add((counts[c.Name] > 1 ? $"{c.Name}#{c.CategoryId}" : c.Name, c.AP));
        }

        return keys;
    }
}
