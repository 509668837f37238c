using System.Text.Json;

namespace DynDet.Data.Coco;

/// <summary>
/// Reads COCO annotation files and COCO result files with <see cref="Utf8JsonReader"/> (one pass, no document
/// tree), checking every record. Unknown fields (<c>segmentation</c>, <c>info</c>, <c>licenses</c>, …) are skipped.
/// </summary>
/// <remarks>
/// Every problem is an <see cref="InputException"/> with a one-line message naming the file and the record:
/// malformed JSON (with its line and byte), a missing or mistyped field, a non-finite number (JSON has no NaN; a
/// bare <c>NaN</c> is reported as such), a negative box size, a duplicate id, a reference to a missing image or
/// category. Defaults, as pycocotools and the COCO format imply: annotation <c>area</c> = <c>w · h</c>,
/// <c>iscrowd</c> = 0 and <c>ignore</c> = 0 when absent; image <c>file_name</c>, <c>width</c>, <c>height</c> and
/// category <c>supercategory</c> may be absent. An annotation file must have <c>images</c> and <c>categories</c>;
/// <c>annotations</c> may be absent (an image-info file).
/// </remarks>
public static class CocoJsonReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    /// <summary>Reads a COCO annotation file.</summary>
    /// <exception cref="InputException">The file is missing, unreadable, or not a valid COCO annotation file.</exception>
    public static CocoDataset ReadDataset(string path) => ParseDataset(ReadAllBytes(path), path);

    /// <summary>Reads a COCO result file (a JSON list of detections).</summary>
    /// <exception cref="InputException">The file is missing, unreadable, or not a valid COCO result file.</exception>
    public static CocoResults ReadResults(string path) => ParseResults(ReadAllBytes(path), path);

    /// <summary>Parses a COCO annotation file from UTF-8 bytes; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InputException">The content is not a valid COCO annotation file.</exception>
    public static CocoDataset ParseDataset(ReadOnlySpan<byte> utf8Json, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        utf8Json = SkipBom(utf8Json);
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InputException($"{source}: the file is empty");
        }

        var reader = new Utf8JsonReader(utf8Json, Options);
        List<CocoImage>? images = null;
        List<CocoAnnotation>? annotations = null;
        List<CocoCategory>? categories = null;
        var at = new RecordPosition();
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InputException(
                    $"{source}: a COCO annotation file is a JSON object with 'images', 'annotations' and 'categories'"
                    + (reader.TokenType == JsonTokenType.StartArray ? "; this one is a list (a result file?)" : ""));
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("images"u8))
                {
                    images = [];
                    at.List = "images";
                    ReadListStart(ref reader, source, "images");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        at.Index = images.Count;
                        images.Add(ReadImage(ref reader, source, images.Count));
                    }
                }
                else if (reader.ValueTextEquals("annotations"u8))
                {
                    annotations = new List<CocoAnnotation>(Math.Max(16, utf8Json.Length / 400));
                    at.List = "annotations";
                    ReadListStart(ref reader, source, "annotations");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        at.Index = annotations.Count;
                        annotations.Add(ReadAnnotation(ref reader, source, annotations.Count));
                    }
                }
                else if (reader.ValueTextEquals("categories"u8))
                {
                    categories = [];
                    at.List = "categories";
                    ReadListStart(ref reader, source, "categories");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        at.Index = categories.Count;
                        categories.Add(ReadCategory(ref reader, source, categories.Count));
                    }
                }
                else
                {
                    at.List = null;
                    reader.Read();
                    reader.Skip();
                }

                at.List = null;
            }

            EnsureEnd(ref reader, source);
        }
        catch (JsonException e)
        {
            throw SyntaxError(source, e, utf8Json, reader.BytesConsumed, at);
        }

        if (images is null)
        {
            throw new InputException($"{source}: a COCO annotation file needs an 'images' list");
        }

        if (categories is null)
        {
            throw new InputException($"{source}: a COCO annotation file needs a 'categories' list");
        }

        return CocoDataset.Create(images, annotations ?? [], categories, source);
    }

    /// <summary>Parses a COCO result file from UTF-8 bytes; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InputException">The content is not a valid COCO result file.</exception>
    public static CocoResults ParseResults(ReadOnlySpan<byte> utf8Json, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        utf8Json = SkipBom(utf8Json);
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InputException($"{source}: the file is empty");
        }

        var reader = new Utf8JsonReader(utf8Json, Options);
        var detections = new List<CocoDetection>(Math.Max(16, utf8Json.Length / 80));
        var at = new RecordPosition { List = "" };
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new InputException(
                    $"{source}: a COCO result file is a JSON list of {{\"image_id\", \"category_id\", \"bbox\", \"score\"}}"
                    + (reader.TokenType == JsonTokenType.StartObject ? "; this one is an object (an annotation file?)" : ""));
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                at.Index = detections.Count;
                detections.Add(ReadDetection(ref reader, source, detections.Count));
            }

            EnsureEnd(ref reader, source);
        }
        catch (JsonException e)
        {
            throw SyntaxError(source, e, utf8Json, reader.BytesConsumed, at);
        }

        return new CocoResults(detections, source);
    }

    /// <summary>Reads a whole file, turning I/O failures into <see cref="InputException"/>.</summary>
    internal static byte[] ReadAllBytes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read the file: {e.Message}", e);
        }
    }

    private static CocoImage ReadImage(ref Utf8JsonReader r, string source, int index)
    {
        ExpectObject(ref r, source, "images", index);
        long? id = null;
        string? fileName = null;
        int? width = null;
        int? height = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("id"u8))
            {
                r.Read();
                id = ReadInteger(ref r, source, "images", index, id, "id");
            }
            else if (r.ValueTextEquals("file_name"u8))
            {
                r.Read();
                fileName = ReadOptionalString(ref r, source, "images", index, id, "file_name");
            }
            else if (r.ValueTextEquals("width"u8))
            {
                r.Read();
                width = ReadOptionalInt32(ref r, source, "images", index, id, "width");
            }
            else if (r.ValueTextEquals("height"u8))
            {
                r.Read();
                height = ReadOptionalInt32(ref r, source, "images", index, id, "height");
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        return new CocoImage(id ?? throw Missing(source, "images", index, null, "id"), fileName, width, height);
    }

    private static CocoCategory ReadCategory(ref Utf8JsonReader r, string source, int index)
    {
        ExpectObject(ref r, source, "categories", index);
        long? id = null;
        string? name = null;
        string? supercategory = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("id"u8))
            {
                r.Read();
                id = ReadInt32(ref r, source, "categories", index, id, "id");
            }
            else if (r.ValueTextEquals("name"u8))
            {
                r.Read();
                name = ReadOptionalString(ref r, source, "categories", index, id, "name");
            }
            else if (r.ValueTextEquals("supercategory"u8))
            {
                r.Read();
                supercategory = ReadOptionalString(ref r, source, "categories", index, id, "supercategory");
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        if (id is null)
        {
            throw Missing(source, "categories", index, null, "id");
        }

        return new CocoCategory(
            (int)id.Value, name ?? throw Missing(source, "categories", index, id, "name"), supercategory);
    }

    private static CocoAnnotation ReadAnnotation(ref Utf8JsonReader r, string source, int index)
    {
        const string list = "annotations";
        ExpectObject(ref r, source, list, index);
        long? id = null;
        long? imageId = null;
        long? categoryId = null;
        CocoBox? box = null;
        double? area = null;
        bool isCrowd = false;
        bool ignore = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("id"u8))
            {
                r.Read();
                id = ReadInteger(ref r, source, list, index, id, "id");
            }
            else if (r.ValueTextEquals("image_id"u8))
            {
                r.Read();
                imageId = ReadInteger(ref r, source, list, index, id, "image_id");
            }
            else if (r.ValueTextEquals("category_id"u8))
            {
                r.Read();
                categoryId = ReadInt32(ref r, source, list, index, id, "category_id");
            }
            else if (r.ValueTextEquals("bbox"u8))
            {
                r.Read();
                box = ReadBox(ref r, source, list, index, id);
            }
            else if (r.ValueTextEquals("area"u8))
            {
                r.Read();
                area = ReadNumber(ref r, source, list, index, id, "area");
            }
            else if (r.ValueTextEquals("iscrowd"u8))
            {
                r.Read();
                isCrowd = ReadFlag(ref r, source, list, index, id, "iscrowd");
            }
            else if (r.ValueTextEquals("ignore"u8))
            {
                r.Read();
                ignore = ReadFlag(ref r, source, list, index, id, "ignore");
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        if (id is null)
        {
            throw Missing(source, list, index, null, "id");
        }

        if (imageId is null)
        {
            throw Missing(source, list, index, id, "image_id");
        }

        if (categoryId is null)
        {
            throw Missing(source, list, index, id, "category_id");
        }

        if (box is not { } b)
        {
            throw Missing(source, list, index, id, "bbox");
        }

        return new CocoAnnotation(id.Value, imageId.Value, (int)categoryId.Value, b, area ?? b.Area, isCrowd, ignore);
    }

    private static CocoDetection ReadDetection(ref Utf8JsonReader r, string source, int index)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw new InputException($"{source}: {CocoResults.RecordName(index)} is not a JSON object");
        }

        long? imageId = null;
        long? categoryId = null;
        CocoBox? box = null;
        double? score = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("image_id"u8))
            {
                r.Read();
                imageId = ReadInteger(ref r, source, null, index, null, "image_id");
            }
            else if (r.ValueTextEquals("category_id"u8))
            {
                r.Read();
                categoryId = ReadInt32(ref r, source, null, index, null, "category_id");
            }
            else if (r.ValueTextEquals("bbox"u8))
            {
                r.Read();
                box = ReadBox(ref r, source, null, index, null);
            }
            else if (r.ValueTextEquals("score"u8))
            {
                r.Read();
                score = ReadNumber(ref r, source, null, index, null, "score");
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        if (imageId is null)
        {
            throw Missing(source, null, index, null, "image_id");
        }

        if (categoryId is null)
        {
            throw Missing(source, null, index, null, "category_id");
        }

        if (box is not { } b)
        {
            throw new InputException(
                $"{source}: {CocoResults.RecordName(index)}: missing 'bbox' (DynDet evaluates boxes only)");
        }

        if (score is null)
        {
            throw Missing(source, null, index, null, "score");
        }

        return new CocoDetection(imageId.Value, (int)categoryId.Value, b, score.Value);
    }

    private static CocoBox ReadBox(ref Utf8JsonReader r, string source, string? list, int index, long? id)
    {
        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw Field(source, list, index, id, "'bbox' must be a list of 4 numbers [x, y, w, h]");
        }

        Span<double> v = stackalloc double[4];
        int n = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (n == 4 || r.TokenType != JsonTokenType.Number)
            {
                throw Field(source, list, index, id, "'bbox' must be a list of 4 numbers [x, y, w, h]");
            }

            v[n++] = GetFiniteDouble(ref r, source, list, index, id, "bbox");
        }

        if (n != 4)
        {
            throw Field(source, list, index, id, $"'bbox' has {n} numbers, not 4 [x, y, w, h]");
        }

        return new CocoBox(v[0], v[1], v[2], v[3]);
    }

    private static long ReadInteger(ref Utf8JsonReader r, string source, string? list, int index, long? id, string name)
    {
        if (r.TokenType == JsonTokenType.Number)
        {
            if (r.TryGetInt64(out long value))
            {
                return value;
            }

            // 12.0 is the integer 12 to Python's json (and pycocotools' dictionaries) too.
            if (r.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < 9.0e15)
            {
                return (long)d;
            }
        }

        throw Field(source, list, index, id, $"'{name}' must be an integer");
    }

    private static long ReadInt32(ref Utf8JsonReader r, string source, string? list, int index, long? id, string name)
    {
        long value = ReadInteger(ref r, source, list, index, id, name);
        return value is < int.MinValue or > int.MaxValue
            ? throw Field(source, list, index, id, $"'{name}' {value} does not fit a 32-bit integer")
            : value;
    }

    private static int? ReadOptionalInt32(
        ref Utf8JsonReader r, string source, string? list, int index, long? id, string name) =>
        r.TokenType == JsonTokenType.Null ? null : (int)ReadInt32(ref r, source, list, index, id, name);

    private static double ReadNumber(ref Utf8JsonReader r, string source, string? list, int index, long? id, string name)
    {
        if (r.TokenType != JsonTokenType.Number)
        {
            throw Field(source, list, index, id, $"'{name}' must be a number");
        }

        return GetFiniteDouble(ref r, source, list, index, id, name);
    }

    private static double GetFiniteDouble(
        ref Utf8JsonReader r, string source, string? list, int index, long? id, string name)
    {
        if (r.TryGetDouble(out double value) && double.IsFinite(value))
        {
            return value;
        }

        throw Field(source, list, index, id, $"'{name}' has a number that is not finite");
    }

    private static bool ReadFlag(ref Utf8JsonReader r, string source, string? list, int index, long? id, string name)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
            case JsonTokenType.Null:
                return false;
            case JsonTokenType.Number when r.TryGetInt64(out long v):
                return v != 0;
            default:
                throw Field(source, list, index, id, $"'{name}' must be 0 or 1");
        }
    }

    private static string? ReadOptionalString(
        ref Utf8JsonReader r, string source, string? list, int index, long? id, string name) =>
        r.TokenType switch
        {
            JsonTokenType.String => r.GetString(),
            JsonTokenType.Null => null,
            _ => throw Field(source, list, index, id, $"'{name}' must be a string"),
        };

    private static void ReadListStart(ref Utf8JsonReader r, string source, string list)
    {
        r.Read();
        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw new InputException($"{source}: '{list}' must be a list");
        }
    }

    private static void ExpectObject(ref Utf8JsonReader r, string source, string list, int index)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw new InputException($"{source}: {list}[{index}] is not a JSON object");
        }
    }

    private static void EnsureEnd(ref Utf8JsonReader r, string source)
    {
        // Utf8JsonReader itself refuses a second top-level value; this catches an object cut short by a stray token.
        if (r.Read())
        {
            throw new InputException($"{source}: unexpected content after the end of the JSON value");
        }
    }

    private static InputException Missing(string source, string? list, int index, long? id, string name) =>
        Field(source, list, index, id, $"missing '{name}'");

    private static InputException Field(string source, string? list, int index, long? id, string message)
    {
        string record = list is null ? CocoResults.RecordName(index) : $"{list}[{index}]";
        return new InputException(id is null ? $"{source}: {record}: {message}" : $"{source}: {record} (id {id}): {message}");
    }

    private static InputException SyntaxError(
        string source, JsonException e, ReadOnlySpan<byte> json, long consumed, RecordPosition at)
    {
        string detail = e.Message;
        int cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = detail.IndexOf(" Path:", StringComparison.Ordinal);
        }

        detail = (cut >= 0 ? detail[..cut] : detail).TrimEnd('.', ' ');

        // Python's json writes NaN/Infinity as bare words; name the cause rather than a stray letter.
        int p = (int)Math.Min(consumed, json.Length);
        while (p < json.Length && (json[p] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)',' or (byte)':'))
        {
            p++;
        }

        var rest = json[p..];
        if (rest.StartsWith("NaN"u8) || rest.StartsWith("Infinity"u8) || rest.StartsWith("-Infinity"u8))
        {
            detail = "NaN and Infinity are not JSON numbers (the record has a non-finite value)";
        }

        string where = at.List switch
        {
            null => "",
            "" => $" in {CocoResults.RecordName(at.Index)}",
            _ => $" in {at.List}[{at.Index}]",
        };
        long line = (e.LineNumber ?? 0) + 1;
        long column = (e.BytePositionInLine ?? 0) + 1;
        return new InputException($"{source}: invalid JSON at line {line}, byte {column}{where}: {detail}", e);
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> json) =>
        json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..] : json;

    /// <summary>Which record the reader is in, for syntax errors: list null = none, "" = a result record.</summary>
    private sealed class RecordPosition
    {
        public string? List { get; set; }

        public int Index { get; set; }
    }
}
