using System.Text.Json;

namespace DynDet.Data.Coco;

/// <summary>
/// Writes COCO annotation files and COCO result files that pycocotools (and <see cref="CocoJsonReader"/>) read back
/// exactly: numbers are written in their shortest round-trip form. Files are written atomically (a temporary file
/// beside the target, then a rename).
/// </summary>
public static class CocoJsonWriter
{
    /// <summary>
    /// Writes <paramref name="dataset"/> as a COCO annotation file: <c>images</c> (<c>id</c>, and <c>file_name</c>,
    /// <c>width</c>, <c>height</c> when known), <c>annotations</c> (<c>id</c>, <c>image_id</c>, <c>category_id</c>,
    /// <c>bbox</c>, <c>area</c>, <c>iscrowd</c>, and <c>ignore</c> when set), <c>categories</c> (<c>id</c>,
    /// <c>name</c>, and <c>supercategory</c> when known).
    /// </summary>
    public static void WriteDataset(CocoDataset dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        WriteAtomically(path, stream => WriteDataset(dataset, stream));
    }

    /// <summary>Writes <paramref name="dataset"/> as a COCO annotation file to a stream (left open).</summary>
    public static void WriteDataset(CocoDataset dataset, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteStartArray("images"u8);
        foreach (var image in dataset.Images)
        {
            w.WriteStartObject();
            w.WriteNumber("id"u8, image.Id);
            if (image.FileName is not null)
            {
                w.WriteString("file_name"u8, image.FileName);
            }

            if (image.Width is { } width)
            {
                w.WriteNumber("width"u8, width);
            }

            if (image.Height is { } height)
            {
                w.WriteNumber("height"u8, height);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("annotations"u8);
        foreach (var a in dataset.Annotations)
        {
            w.WriteStartObject();
            w.WriteNumber("id"u8, a.Id);
            w.WriteNumber("image_id"u8, a.ImageId);
            w.WriteNumber("category_id"u8, a.CategoryId);
            WriteBox(w, a.Box);
            w.WriteNumber("area"u8, a.Area);
            w.WriteNumber("iscrowd"u8, a.IsCrowd ? 1 : 0);
            if (a.Ignore)
            {
                w.WriteNumber("ignore"u8, 1);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("categories"u8);
        foreach (var c in dataset.Categories)
        {
            w.WriteStartObject();
            w.WriteNumber("id"u8, c.Id);
            w.WriteString("name"u8, c.Name);
            if (c.Supercategory is not null)
            {
                w.WriteString("supercategory"u8, c.Supercategory);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="results"/> as a COCO result file (the format of CONTRACT.md).</summary>
    public static void WriteResults(CocoResults results, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        WriteAtomically(path, stream => WriteResults(results, stream));
    }

    /// <summary>Writes <paramref name="results"/> as a COCO result file to a stream (left open).</summary>
    public static void WriteResults(CocoResults results, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartArray();
        foreach (ref readonly var d in results.AsSpan())
        {
            w.WriteStartObject();
            w.WriteNumber("image_id"u8, d.ImageId);
            w.WriteNumber("category_id"u8, d.CategoryId);
            WriteBox(w, d.Box);
            w.WriteNumber("score"u8, d.Score);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteBox(Utf8JsonWriter w, CocoBox box)
    {
        w.WriteStartArray("bbox"u8);
        w.WriteNumberValue(box.X);
        w.WriteNumberValue(box.Y);
        w.WriteNumberValue(box.Width);
        w.WriteNumberValue(box.Height);
        w.WriteEndArray();
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        string temporary = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
