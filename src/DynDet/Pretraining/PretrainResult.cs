namespace DynDet.Pretraining;

/// <summary>What a <see cref="BackbonePretrainer"/> run did and measured.</summary>
/// <param name="WeightsPath">The backbone's <c>state_dict</c> (torchvision ResNet names, with the crop classifier's <c>fc</c>).</param>
/// <param name="Iterations">Steps trained.</param>
/// <param name="Classes">Crop classes: the dataset's categories, then background.</param>
/// <param name="FinalLoss">Mean cross-entropy over the last tenth of the steps.</param>
/// <param name="TrainAccuracy">Accuracy over the last tenth of the steps' batches (in training mode).</param>
/// <param name="ValAccuracy">Accuracy on the validation data's crops (evaluation mode).</param>
/// <param name="ChanceAccuracy">The accuracy of always answering the validation crops' most frequent class.</param>
/// <param name="Seconds">Wall time of the run.</param>
public sealed record PretrainResult(string WeightsPath, int Iterations, IReadOnlyList<string> Classes, double FinalLoss,
    double TrainAccuracy, double ValAccuracy, double ChanceAccuracy, double Seconds);
