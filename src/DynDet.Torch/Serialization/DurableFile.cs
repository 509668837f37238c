using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Writes files so that a crash, a full disk or a kill at any moment leaves either the old file or the new one,
/// never half of one: the bytes go to a temporary file beside the target (<c>.NAME.HEX.tmp</c>), which is flushed
/// to disk (fsync), renamed over the target, and then the folder itself is fsynced so that the rename survives a
/// power loss. All such writes in the process pass one gate, so that code about to end the process at once (a
/// second Ctrl-C) can first wait for the write in flight with <see cref="HoldWrites"/>; temporary files left by a
/// process killed outright (SIGKILL) are removed by <see cref="RemoveTemporaries"/>.
/// </summary>
public static partial class DurableFile
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// Writes a file atomically: <paramref name="write"/> fills a temporary file in the target's folder (created if
    /// missing), which is then flushed, renamed over <paramref name="path"/> and, when <paramref name="sync"/>
    /// (default true), fsynced together with the folder. On any failure the target keeps its old content and the
    /// temporary file is deleted.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content into the stream it is given.</param>
    /// <param name="sync">Flush the file and the folder to disk (false for files rewritten often and cheap to lose,
    /// such as a metrics log: they still never appear half-written).</param>
    public static void Write(string path, Action<Stream> write, bool sync = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? ".";
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        lock (Gate)
        {
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                {
                    write(stream);
                    stream.Flush(flushToDisk: sync);
                }

                File.Move(temporary, target, overwrite: true);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }

            if (sync)
            {
                SyncFolder(folder);
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (see <see cref="Write"/>).</summary>
    public static void WriteAllBytes(string path, byte[] bytes, bool sync = true)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes), sync);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text, bool sync = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text), sync);
    }

    /// <summary>
    /// Waits until no write is in flight and then keeps every later write from starting, for good: call it just
    /// before ending the process abruptly, so that no temporary file is left behind. Never returns the gate.
    /// </summary>
    public static void HoldWrites() => Gate.Enter();

    /// <summary>
    /// Deletes the temporary files <see cref="Write"/> leaves when the process is killed mid-write (names
    /// <c>.NAME.HEX.tmp</c>, HEX being 12 or 32 hexadecimal digits) in <paramref name="folder"/>; returns how many.
    /// Other files are never touched. Call it only where no other process is writing into the folder.
    /// </summary>
    public static int RemoveTemporaries(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (TemporaryName().IsMatch(Path.GetFileName(file)) && TryDelete(file))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>fsyncs a folder so that a rename inside it is on disk (Linux; elsewhere a no-op).</summary>
    private static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // .NET cannot open a directory as a file (FileStream and File.OpenHandle refuse), hence open(2) itself.
        int fd = LibC.Open(folder, LibC.ReadOnly | LibC.CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"{folder}: cannot open the folder to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            // EINVAL: the file system cannot sync folders (some network and FUSE ones); the rename is as durable as it gets.
            if (LibC.FSync(fd) != 0 && Marshal.GetLastPInvokeError() is int errno && errno != LibC.InvalidArgument)
            {
                throw new IOException($"{folder}: fsync of the folder failed (errno {errno})");
            }
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\..+\.([0-9a-f]{12}|[0-9a-f]{32})\.tmp$")]
    private static partial Regex TemporaryName();

    private static partial class LibC
    {
        public const int ReadOnly = 0;
        public const int CloseOnExec = 0x80000;
        public const int InvalidArgument = 22;
        private const string Library = "libc.so.6";

        [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Open(string path, int flags);

        [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
        public static partial int FSync(int fd);

        [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
