using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Data.Transforms;
using DynDet.Models.Detectors;
using DynDet.Models.RoIHeads;
using DynDet.Torch;
using DynDet.Torch.Serialization;
using DynDet.Training;

namespace DynDet;

/// <summary>
/// A trained detector for applications: load a DynDet checkpoint, detect objects in images.
/// <code>
/// using var detector = Detector.Load("runs/demo/latest.pth");
/// ImageDetections found = detector.Predict("photo.jpg");
/// </code>
/// The model is rebuilt from the config and class names stored in the checkpoint; images go through the
/// config's test transform and detections come back in the image's own pixels.
/// </summary>
public sealed class Detector : IDisposable
{
    private readonly DetectionTransform _transform;

    private Detector(DetectionModel model)
    {
        Model = model;
        _transform = DatasetInference.TestTransform(model.Config.Data);
        model.Eval();
    }

    /// <summary>The network.</summary>
    public DetectionModel Model { get; }

    /// <summary>Class names by label.</summary>
    public IReadOnlyList<string> ClassNames => Model.ClassNames;

    /// <summary>Loads a checkpoint written by <c>dyndet train</c>; a bad file gives an <see cref="InputException"/>.</summary>
    public static Detector Load(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        if (!File.Exists(checkpointPath))
        {
            throw new InputException($"{checkpointPath}: no such checkpoint");
        }

        using var checkpoint = TorchSerializer.Load(checkpointPath);
        var info = TrainingCheckpoint.ReadInfo(checkpoint);
        var model = DetectorFactory.CreateModel(info.Config, info.ClassNames);
        try
        {
            model.LoadStateDict(checkpoint.GetStateDict("state_dict"), strict: true, source: checkpointPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return new Detector(model);
    }

    /// <summary>
    /// What <see cref="FromConfig"/> loaded from the config's <c>load_from</c> (every weight, by name); null for a
    /// detector loaded from a checkpoint.
    /// </summary>
    public WeightImportReport? WeightReport { get; private init; }

    /// <summary>
    /// A detector from a config and the weights its <c>load_from</c> names, without training: a torchvision detection
    /// <c>state_dict</c> (e.g. downloaded weights, into a torchvision-style preset such as <c>retinanet_r50</c>), an
    /// MMDetection model-zoo file or a DynDet checkpoint, loaded by name (<see cref="DetectorWeights.LoadFrom"/>).
    /// Unlike training's lenient <c>load_from</c>, every weight of the model must come from the file and every entry of
    /// the file must be used: a detector with weights left at their initialisation would predict noise.
    /// </summary>
    /// <param name="config">The config; its <c>load_from</c> must be set.</param>
    /// <param name="classNames">Class names by label (their count is the classifier's).</param>
    /// <exception cref="InputException">No <c>load_from</c>, an unreadable file, or a file that does not fit the model exactly
    /// (the message lists the differences by name).</exception>
    public static Detector FromConfig(DetectorConfig config, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(classNames);
        if (string.IsNullOrEmpty(config.LoadFrom))
        {
            throw new InputException($"config {config.Name}: load_from is not set (a detector from a config needs the weights file; "
                + "a checkpoint written by 'dyndet train' loads with its config instead)");
        }

        var model = DetectorFactory.CreateModel(config, classNames);
        try
        {
            var report = DetectorWeights.LoadFrom(model, config.LoadFrom);
            if (!report.IsExact)
            {
                throw new InputException($"load_from {config.LoadFrom} does not fit config {config.Name} with {classNames.Count} classes: "
                    + string.Join("; ", report.Lines(config.LoadFrom).Skip(1).Select(l => l.Trim())));
            }

            return new Detector(model) { WeightReport = report };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Detections in an image file (JPEG or PNG).</summary>
    public ImageDetections Predict(string imagePath) => Predict([imagePath])[0];

    /// <summary>Detections in several image files, batched by the config's images per batch.</summary>
    public IReadOnlyList<ImageDetections> Predict(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var results = new List<ImageDetections>(imagePaths.Count);
        int batchSize = Math.Max(1, Model.Config.Data.ImagesPerBatch);
        var decoding = ImageDecodeOptions.FromConfig(Model.Config.Data);
        for (int start = 0; start < imagePaths.Count; start += batchSize)
        {
            var images = imagePaths.Skip(start).Take(batchSize)
                .Select((path, k) => (Image: ImageCodec.Load(path, decoding), Name: Path.GetFileName(path), Id: (long)(start + k), Path: (string?)path))
                .ToList();
            results.AddRange(PredictImages(images));
        }

        return results;
    }

    /// <summary>Detections in a decoded image.</summary>
    public ImageDetections Predict(RgbImage image, long imageId = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PredictImages([(image, $"image_{imageId}", imageId, null)])[0];
    }

    /// <summary>
    /// Detections in several decoded images, batched by the config's images per batch (for callers that also need
    /// the pixels, e.g. to draw the detections, and so decode each file once); image ids are the list indices.
    /// </summary>
    public IReadOnlyList<ImageDetections> Predict(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<ImageDetections>(images.Count);
        int batchSize = Math.Max(1, Model.Config.Data.ImagesPerBatch);
        for (int start = 0; start < images.Count; start += batchSize)
        {
            var batch = new List<(RgbImage Image, string Name, long Id, string? Path)>(batchSize);
            for (int k = start; k < Math.Min(images.Count, start + batchSize); k++)
            {
                ArgumentNullException.ThrowIfNull(images[k], nameof(images));
                batch.Add((images[k], $"image_{k}", k, null));
            }

            results.AddRange(PredictImages(batch));
        }

        return results;
    }

    private IReadOnlyList<ImageDetections> PredictImages(IReadOnlyList<(RgbImage Image, string Name, long Id, string? Path)> images)
    {
        var transformed = new List<TransformedImage>(images.Count);
        var rng = new Pcg32(0, 0);
        for (int k = 0; k < images.Count; k++)
        {
            var (image, name, id, path) = images[k];
            var record = new DetectionRecord(id, name, path, image.Width, image.Height, []);
            transformed.Add(_transform.Apply(image, record, k, rng));
        }

        using var batch = BatchCollator.Collate(transformed, _transform.Options);
        using var scope = Engine.NewDisposeScope();
        return Model.Predict(batch);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
