using DynDet.Config;

namespace DynDet.Pretraining;

/// <summary>
/// How <see cref="BackbonePretrainer"/> pretrains a detector's backbone as a classifier of object crops: the data,
/// the crops and the SGD schedule (linear warm-up, then cosine decay to 0).
/// </summary>
public sealed record PretrainOptions
{
    /// <summary>The backbone to pretrain (depth and width; the classifier always trains with batch norm).</summary>
    public BackboneConfig Backbone { get; init; } = new();

    /// <summary>Crop classification steps (default 2000; ≥ 1).</summary>
    public int Iterations { get; init; } = 2000;

    /// <summary>Images whose crops make one batch (default 8; ≥ 1).</summary>
    public int ImagesPerBatch { get; init; } = 8;

    /// <summary>Crops taken from each image of a batch (default 8; ≥ 1): its objects at random, and backgrounds.</summary>
    public int CropsPerImage { get; init; } = 8;

    /// <summary>Side of the square crops in pixels (default 48; in [16, 512]).</summary>
    public int CropSize { get; init; } = 48;

    /// <summary>Share of the crops that are background (no object above 0.3 IoU; default 0.25; in [0, 1)).</summary>
    public double BackgroundFraction { get; init; } = 0.25;

    /// <summary>
    /// How much context an object crop has: its box grown by a factor drawn from [1, this] per side length (default
    /// 1.5; ≥ 1), its centre moved by up to a tenth of its size.
    /// </summary>
    public double MaxContext { get; init; } = 1.5;

    /// <summary>Peak learning rate (default 0.05; &gt; 0).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum (default 0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay (default 1e-4).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Linear warm-up iterations (default 100; ≥ 0).</summary>
    public int WarmupIterations { get; init; } = 100;

    /// <summary>Seed of the weights' initialisation and of the crops drawn (default 0).</summary>
    public ulong Seed { get; init; }

    /// <summary>Crops of the validation data the accuracy is measured on (default 2000; ≥ 1).</summary>
    public int ValidationCrops { get; init; } = 2000;

    /// <summary>Throws <see cref="ArgumentException"/> when an option is out of range.</summary>
    public void Validate()
    {
        Require(Iterations >= 1, "iterations must be >= 1");
        Require(ImagesPerBatch >= 1, "images per batch must be >= 1");
        Require(CropsPerImage >= 1, "crops per image must be >= 1");
        Require(CropSize is >= 16 and <= 512, "crop size must be in [16, 512]");
        Require(BackgroundFraction is >= 0 and < 1, "background fraction must be in [0, 1)");
        Require(MaxContext >= 1, "max context must be >= 1");
        Require(LearningRate > 0, "learning rate must be > 0");
        Require(WarmupIterations >= 0, "warm-up iterations must be >= 0");
        Require(ValidationCrops >= 1, "validation crops must be >= 1");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"pretrain: {message}");
        }
    }
}
