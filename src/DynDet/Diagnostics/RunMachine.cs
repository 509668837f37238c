using System.Globalization;
using System.Runtime.InteropServices;
using DynDet.Torch;

namespace DynDet.Diagnostics;

/// <summary>What a run ran on, in one line for reports: OS, cores, torch threads, .NET, and the GPU when there is one.</summary>
public static class RunMachine
{
    /// <summary>E.g. <c>Debian GNU/Linux 12 (bookworm), 2 cores, 2 torch threads, .NET 10.0.0, CPU</c>.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, {Engine.NumThreads} torch threads, {RuntimeInformation.FrameworkDescription}, {(Engine.CudaIsAvailable ? "CUDA available" : "CPU")}");
}
