using DynDet.Evaluation;
using DynDet.Training;

namespace DynDet.Demo;

/// <summary>One of the demo's two trainings.</summary>
/// <param name="Label">Row label in the table.</param>
/// <param name="Preset">The preset trained.</param>
/// <param name="Directory">Its output folder (checkpoint, metrics.json, config.json).</param>
/// <param name="Training">The trainer's result.</param>
/// <param name="Evaluation">Its final evaluation on the validation data.</param>
public sealed record DemoRun(string Label, string Preset, string Directory, TrainingResult Training, EvaluationReport Evaluation);
