using DynDet.Torch.Serialization;

namespace DynDet.Cli;

/// <summary>
/// Writes files so that readers never see half of one (a temporary file beside the target, fsynced, renamed over
/// it, then the folder fsynced: see <see cref="DurableFile"/>); a second Ctrl-C waits for the write in flight.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically, creating its folder if missing.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        DurableFile.WriteAllBytes(path, bytes.ToArray());
    }
}
