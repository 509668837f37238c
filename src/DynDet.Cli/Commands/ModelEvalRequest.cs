namespace DynDet.Cli.Commands;

/// <summary>What <c>dyndet eval --checkpoint</c> evaluates.</summary>
/// <param name="Checkpoint">The checkpoint file (<c>--checkpoint</c>).</param>
/// <param name="DataSpec">The dataset SPEC (<c>--data</c>).</param>
/// <param name="Split">The VOC split (<c>--split</c>); null: <c>val</c>.</param>
/// <param name="ImagesFolder">Where a COCO JSON's images are (<c>--images</c>); null: beside the JSON.</param>
/// <param name="ResultFile">Where to write the COCO result file (<c>--out</c>); null: not written.</param>
internal sealed record ModelEvalRequest(string Checkpoint, string DataSpec, string? Split, string? ImagesFolder, string? ResultFile);
