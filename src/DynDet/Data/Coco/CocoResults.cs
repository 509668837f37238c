namespace DynDet.Data.Coco;

/// <summary>
/// The records of a COCO result file (a JSON list of <c>{"image_id", "category_id", "bbox", "score"}</c>), in file
/// order. Read one with <see cref="CocoJsonReader.ReadResults"/>, build one with <see cref="CocoResultsBuilder"/>,
/// write one with <see cref="CocoJsonWriter.WriteResults(CocoResults, string)"/>.
/// </summary>
/// <remarks>
/// Each record must have a finite box of non-negative width and height and a finite score; zero-size boxes are
/// accepted, as pycocotools accepts them (they count as unmatched detections). Whether image and category ids exist
/// is checked against the ground truth by the evaluator. Records are named in errors by their 0-based position,
/// e.g. <c>dt.json: record [17]: ...</c>. As pycocotools' <c>loadRes</c>, the evaluator gives record <c>i</c> the
/// id <c>i + 1</c> and area <c>w · h</c>.
/// </remarks>
public sealed class CocoResults
{
    private readonly CocoDetection[] _detections;

    /// <summary>Validates and holds the given detections.</summary>
    /// <param name="detections">The records, in order.</param>
    /// <param name="source">Where they came from (a file path, or <c>&lt;memory&gt;</c>), for messages.</param>
    /// <exception cref="InputException">A record has a non-finite or negative-size box or a non-finite score.</exception>
    public CocoResults(IEnumerable<CocoDetection> detections, string source = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        _detections = [.. detections];
        for (int i = 0; i < _detections.Length; i++)
        {
            ref readonly var d = ref _detections[i];
            if (d.Box.Problem() is { } problem)
            {
                throw new InputException($"{source}: {RecordName(i)}: {problem}");
            }

            if (!double.IsFinite(d.Score))
            {
                throw new InputException($"{source}: {RecordName(i)}: score {d.Score} is not a finite number");
            }
        }
    }

    /// <summary>Where the records came from; error messages start with it.</summary>
    public string Source { get; }

    /// <summary>The records, in order.</summary>
    public IReadOnlyList<CocoDetection> Detections => _detections;

    /// <summary>The number of records.</summary>
    public int Count => _detections.Length;

    /// <summary>The records as a span (no copy).</summary>
    public ReadOnlySpan<CocoDetection> AsSpan() => _detections;

    /// <summary>How errors name record <paramref name="index"/> (0-based): <c>record [17]</c>.</summary>
    public static string RecordName(int index) => $"record [{index}]";
}
