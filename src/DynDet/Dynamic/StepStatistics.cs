using DynDet.Torch;

namespace DynDet.Dynamic;

/// <summary>
/// The named, detached statistics the heads publish during one training step (e.g. <c>roi_head.max_overlaps</c>),
/// for the dynamic strategies to read after the forward pass. Names are prefixed by the publishing component, so
/// two heads never collide. The published tensors belong to this object (they outlive the head's dispose scope)
/// and are freed with it at the end of the step; publishing reads nothing from the device.
/// </summary>
public sealed class StepStatistics : IDisposable
{
    private readonly Dictionary<string, Tensor[]> _values = new(StringComparer.Ordinal);

    /// <summary>Creates the statistics of a step over <paramref name="images"/> images.</summary>
    /// <param name="images">Images in the step's batch (at least 0).</param>
    public StepStatistics(int images)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        Images = images;
    }

    /// <summary>Images in the step's batch.</summary>
    public int Images { get; }

    /// <summary>The names published so far.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>
    /// Publishes <paramref name="values"/> (detached aliases are kept; the caller keeps its own tensors) under
    /// <paramref name="name"/>; a name can be published once per step.
    /// </summary>
    public void Publish(string name, params IReadOnlyList<Tensor> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        if (_values.ContainsKey(name))
        {
            throw new InvalidOperationException($"statistic {name} was already published in this step");
        }

        _values[name] = values.Select(v => v.Detach().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Whether <paramref name="name"/> was published.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The tensors published under <paramref name="name"/> (owned by this object).</summary>
    /// <exception cref="InvalidOperationException">Nothing was published under that name: a strategy was attached
    /// to a component that does not publish what it needs.</exception>
    public IReadOnlyList<Tensor> Get(string name) => _values.TryGetValue(name, out var values)
        ? values
        : throw new InvalidOperationException(
            $"no statistic {name} in this step (published: {(_values.Count == 0 ? "none" : string.Join(", ", _values.Keys))})");

    /// <summary>The single tensor published under <paramref name="name"/>.</summary>
    public Tensor GetSingle(string name) => Get(name) is [var single]
        ? single
        : throw new InvalidOperationException($"statistic {name} holds {Get(name).Count} tensors, not one");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _values.Values.SelectMany(v => v))
        {
            tensor.Dispose();
        }

        _values.Clear();
    }
}
