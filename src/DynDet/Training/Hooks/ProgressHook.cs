using System.Globalization;
using System.Text;
using DynDet.Diagnostics;
using DynDet.Dynamic;

namespace DynDet.Training.Hooks;

/// <summary>The progress line: iteration, ETA, the step's loss terms, learning rate and every strategy's values.</summary>
public sealed class ProgressHook(ProgressReporter progress, IReadOnlyList<ITrainingStrategy> strategies) : ITrainingHook
{
    /// <inheritdoc />
    public bool AfterStep(TrainingLoopState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        progress.Report(state.Iteration, Describe(state.Outcome.Losses, state.LearningRate, strategies));
        return true;
    }

    /// <summary>The text after the counters: <c>loss 1.234 (rpn_cls 0.1 ...) lr 0.02 T 0.500 β 1.000</c>.</summary>
    public static string Describe(IReadOnlyDictionary<string, double> losses, double lr, IReadOnlyList<ITrainingStrategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(strategies);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"loss {losses["loss"]:F3} (");
        text.AppendJoin(' ', losses.Where(l => l.Key != "loss").Select(l =>
            string.Create(CultureInfo.InvariantCulture, $"{l.Key.Replace("loss_", string.Empty, StringComparison.Ordinal)} {l.Value:F3}")));
        text.Append(") ");
        text.Append(CultureInfo.InvariantCulture, $"lr {lr:G3}");
        foreach (var (name, value) in StrategyValues.Of(strategies))
        {
            string label = name switch { "iou_threshold" => "T", "beta" => "β", _ => name };
            text.Append(CultureInfo.InvariantCulture, $" {label} {value:F3}");
        }

        return text.ToString();
    }
}
