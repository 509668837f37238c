using System.Text.Json;

namespace DynDet.Data;

/// <summary>
/// Writes any <see cref="IDetectionDataset"/>'s annotations as a COCO instances JSON that pycocotools reads:
/// <c>info</c>, <c>licenses</c>, <c>images</c> (<c>id</c>, <c>file_name</c>, <c>width</c>, <c>height</c>),
/// <c>annotations</c> (<c>id</c> 1..M, <c>image_id</c>, <c>category_id</c>, <c>bbox</c> [x, y, w, h],
/// <c>area</c> = w × h, <c>iscrowd</c>) and <c>categories</c> (<c>id</c>, <c>name</c>, <c>supercategory</c>).
/// Pascal VOC's difficult objects are written with <c>iscrowd</c> 1 (and <c>"difficult": 1</c>) so COCO
/// evaluation ignores them, as VOC evaluation does. Floats are written in their shortest round-trip form.
/// </summary>
public static class CocoInstancesWriter
{
    /// <summary>Writes the JSON to <paramref name="path"/> (atomically: a temporary file, then a rename).</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="path">The JSON file.</param>
    /// <param name="fileName">The <c>file_name</c> of image k (relative to where a reader finds images).</param>
    /// <param name="supercategory">The <c>supercategory</c> of every category; default <c>object</c>.</param>
    public static void Write(IDetectionDataset dataset, string path, Func<int, string> fileName,
        string supercategory = "object")
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp";
        using (var stream = File.Create(temporary))
        {
            Write(dataset, stream, fileName, supercategory);
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Writes the JSON to <paramref name="stream"/>.</summary>
    public static void Write(IDetectionDataset dataset, Stream stream, Func<int, string> fileName,
        string supercategory = "object")
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteStartObject("info");
        json.WriteString("description", dataset.Description);
        json.WriteString("version", "1.0");
        json.WriteString("contributor", "DynDet");
        json.WriteEndObject();
        json.WriteStartArray("licenses");
        json.WriteEndArray();

        json.WriteStartArray("images");
        for (int i = 0; i < dataset.Count; i++)
        {
            DetectionRecord r = dataset.GetRecord(i);
            json.WriteStartObject();
            json.WriteNumber("id", r.ImageId);
            json.WriteString("file_name", fileName(i));
            json.WriteNumber("width", r.Width);
            json.WriteNumber("height", r.Height);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("annotations");
        long annotationId = 1;
        for (int i = 0; i < dataset.Count; i++)
        {
            DetectionRecord r = dataset.GetRecord(i);
            foreach (BoxAnnotation o in r.Objects)
            {
                float w = o.X2 - o.X1, h = o.Y2 - o.Y1;
                json.WriteStartObject();
                json.WriteNumber("id", annotationId++);
                json.WriteNumber("image_id", r.ImageId);
                json.WriteNumber("category_id", dataset.CategoryIds[o.Label]);
                json.WriteStartArray("bbox");
                json.WriteNumberValue(o.X1);
                json.WriteNumberValue(o.Y1);
                json.WriteNumberValue(w);
                json.WriteNumberValue(h);
                json.WriteEndArray();
                json.WriteNumber("area", (double)w * h);
                json.WriteNumber("iscrowd", o.IsIgnored ? 1 : 0);
                if (o.IsDifficult)
                {
                    json.WriteNumber("difficult", 1);
                }

                json.WriteEndObject();
            }
        }

        json.WriteEndArray();

        json.WriteStartArray("categories");
        for (int k = 0; k < dataset.CategoryNames.Count; k++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", dataset.CategoryIds[k]);
            json.WriteString("name", dataset.CategoryNames[k]);
            json.WriteString("supercategory", supercategory);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
