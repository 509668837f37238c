using System.Globalization;

namespace DynDet.Torch;

/// <summary>Where a tensor lives: a <see cref="DeviceType"/> and an index (−1 = the current device).</summary>
/// <param name="Type">The kind of device.</param>
/// <param name="Index">Device ordinal, or −1 for the current one; always −1 for the CPU.</param>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu => new(DeviceType.Cpu);

    /// <summary>The first CUDA device.</summary>
    public static Device Cuda => new(DeviceType.Cuda, 0);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu")
        {
            return Cpu;
        }

        if (t == "cuda")
        {
            return Cuda;
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return new Device(DeviceType.Cuda, index);
        }

        throw new FormatException($"unknown device '{text}' (expected cpu, cuda or cuda:N)");
    }

    /// <inheritdoc />
    public override string ToString() =>
        Type == DeviceType.Cpu ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
