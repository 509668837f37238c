namespace DynDet.Cli.Commands;

/// <summary>What <c>dyndet eval --checkpoint</c> evaluates.</summary>
/// <param name="Checkpoint">The checkpoint file (<c>--checkpoint</c>); null with <paramref name="Config"/>.</param>
/// <param name="DataSpec">The dataset SPEC (<c>--data</c>).</param>
/// <param name="Split">The VOC split (<c>--split</c>); null: <c>val</c>.</param>
/// <param name="ImagesFolder">Where a COCO JSON's images are (<c>--images</c>); null: beside the JSON.</param>
/// <param name="ResultFile">Where to write the COCO result file (<c>--out</c>); null: not written.</param>
/// <param name="Config">Instead of a checkpoint, a preset or config file whose <c>load_from</c> names the weights (<c>--config</c>);
/// the classes are the dataset's.</param>
internal sealed record ModelEvalRequest(string? Checkpoint, string DataSpec, string? Split, string? ImagesFolder, string? ResultFile,
    string? Config = null)
{
    /// <summary>What the model comes from, for messages: the checkpoint or the config's weights.</summary>
    public string Source => Checkpoint ?? $"config {Config}";
}
