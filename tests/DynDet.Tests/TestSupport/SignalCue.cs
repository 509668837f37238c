namespace DynDet.TestSupport;

/// <summary>
/// A signal <see cref="DyndetProcess"/> sends the child when something it does is observed: a line of its stderr
/// containing <see cref="ErrorLineContains"/>, or a file matching <see cref="FilePattern"/> appearing in
/// <see cref="Folder"/> (events, not delays, so a test does not depend on timing). Cues are armed in order: the
/// second is looked for only after the first has fired.
/// </summary>
public sealed record SignalCue
{
    /// <summary>SIGINT (Ctrl-C).</summary>
    public const int Interrupt = 2;

    /// <summary>SIGTERM (what schedulers and <c>docker stop</c> send).</summary>
    public const int Terminate = 15;

    private SignalCue(int signal) => Signal = signal;

    /// <summary>The signal's number, <see cref="Interrupt"/> or <see cref="Terminate"/>.</summary>
    public int Signal { get; }

    /// <summary>Text of the stderr line that triggers the signal (ordinal match), or null for a file cue.</summary>
    public string? ErrorLineContains { get; private init; }

    /// <summary>The folder watched by a file cue.</summary>
    public string? Folder { get; private init; }

    /// <summary>The file name pattern (as <see cref="Directory.GetFiles(string, string)"/> takes it) of a file cue.</summary>
    public string? FilePattern { get; private init; }

    /// <summary>Sends <paramref name="signal"/> when a stderr line contains <paramref name="text"/>.</summary>
    public static SignalCue OnErrorLine(string text, int signal) => new(signal) { ErrorLineContains = text };

    /// <summary>Sends <paramref name="signal"/> as soon as a file matching <paramref name="pattern"/> exists in <paramref name="folder"/>.</summary>
    public static SignalCue OnFile(string folder, string pattern, int signal) => new(signal) { Folder = folder, FilePattern = pattern };

    /// <summary>Whether the file this cue waits for exists now (false for a stderr cue).</summary>
    public bool FileSeen() =>
        Folder is not null && Directory.Exists(Folder) && Directory.GetFiles(Folder, FilePattern!).Length > 0;
}
