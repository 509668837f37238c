namespace DynDet.Benchmarking;

/// <summary>Mean milliseconds of a training step and of an inference pass.</summary>
/// <param name="TrainMs">Forward + backward + SGD step.</param>
/// <param name="InferMs">Forward in evaluation mode without autograd, post-processing included.</param>
public sealed record BenchmarkResult(double TrainMs, double InferMs);
