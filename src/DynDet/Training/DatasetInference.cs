using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Transforms;
using DynDet.Diagnostics;
using DynDet.Models.Detectors;
using DynDet.Models.RoIHeads;

namespace DynDet.Training;

/// <summary>Runs a detector over every image of a dataset with the config's test transform (no flip).</summary>
public static class DatasetInference
{
    /// <summary>The test-time transform of a config: resize to the test scale, normalise, pad to 32.</summary>
    public static DetectionTransform TestTransform(DataConfig data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.TestScale.Count != 2)
        {
            throw new InputException("config data.test_scale must be [long, short]");
        }

        return new DetectionTransform(TransformOptions.Testing(new ImageScale(data.TestScale[0], data.TestScale[1])) with { Resize = data.Resize });
    }

    /// <summary>
    /// Detections of every image, indexed like the dataset; shows a progress line on standard error when asked.
    /// <paramref name="cancellation"/> is observed before the first batch and after each one
    /// (<see cref="OperationCanceledException"/>; the model's training mode is restored either way).
    /// </summary>
    public static ImageDetections[] Run(DetectionModel model, IDetectionDataset dataset, bool showProgress = true,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        cancellation.ThrowIfCancellationRequested();
        var data = model.Config.Data;
        var loader = new DataLoader(dataset, TestTransform(data), new LoaderOptions
        {
            BatchSize = data.ImagesPerBatch,
            Shuffle = false,
            Workers = data.Workers,
        });
        var results = new ImageDetections[dataset.Count];
        bool wasTraining = model.IsTraining;
        model.Eval();
        using var progress = showProgress ? new ProgressReporter("eval", dataset.Count) { Unit = "img" } : null;
        long done = 0;
        try
        {
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var detections = model.Predict(batch);
                    for (int i = 0; i < batch.Count; i++)
                    {
                        results[batch.Metas[i].Index] = detections[i];
                    }

                    done += batch.Count;
                    progress?.Report(done);
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }

        for (int i = 0; i < results.Length; i++)
        {
            results[i] ??= new ImageDetections(dataset.GetRecord(i).ImageId, [], [], []);
        }

        return results;
    }
}
