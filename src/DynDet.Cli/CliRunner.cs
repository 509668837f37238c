using System.CommandLine;

namespace DynDet.Cli;

/// <summary>
/// Parses and runs a command with DynDet's exit-code contract: usage errors, <see cref="InputException"/>
/// and a native library that cannot be loaded print one <c>error:</c> line and give 2; a command stopped by Ctrl-C
/// or SIGTERM gives 130 or 143; other exceptions give 1.
/// </summary>
public static class CliRunner
{
    /// <summary>Global <c>--verbose</c>: print stack traces of failures.</summary>
    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Print stack traces of failures.",
        Recursive = true,
    };

    /// <summary>Exit status for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit status for an internal failure.</summary>
    public const int InternalError = 1;

    /// <summary>Exit status for bad usage or bad input.</summary>
    public const int BadInput = 2;

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and invokes the chosen action.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {UsageErrors.Describe(parse.Errors)} (see --help)");
            return BadInput;
        }

        bool verbose = parse.GetValue(VerboseOption);
        try
        {
            // Applied when the native library loads: help, version and commands refused before their first native call
            // neither need it nor wait for it.
            ThreadDefaults.Apply();

            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (BadInputOf(e) is { } input)
        {
            Console.Error.WriteLine($"error: {OneLine(input.Message)}");
            if (verbose)
            {
                Console.Error.WriteLine(e);
            }

            return BadInput;
        }
        catch (Exception e) when (NativeLibraryFailure(e) is { } missing)
        {
            // A set-up problem, not a bug: the loader's message says what was tried and how to fix it.
            Console.Error.WriteLine($"error: {OneLine(missing.Message)}");
            if (verbose)
            {
                Console.Error.WriteLine(e);
            }

            return BadInput;
        }
        catch (OperationCanceledException e)
        {
            // Stopped by Ctrl-C or SIGTERM: the shell's 128 + signal, as train returns after saving.
            if (ConsoleCancellation.ReceivedExitCode is int signalled)
            {
                Console.Error.WriteLine($"error: interrupted: {OneLine(e.Message)}");
                return signalled;
            }

            Console.Error.WriteLine("error: cancelled");
            return InternalError;
        }
#pragma warning disable CA1031 // the command line must turn every failure into a message and an exit code
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"error: internal failure: {OneLine(e.Message)}");
            if (verbose)
            {
                Console.Error.WriteLine(e);
            }

            return InternalError;
        }
    }

    /// <summary>
    /// The <see cref="DllNotFoundException"/> of DynDet's native library loader, when it caused
    /// <paramref name="e"/> (directly, or through a type initializer that made the first native call).
    /// </summary>
    private static DllNotFoundException? NativeLibraryFailure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is DllNotFoundException missing)
            {
                return missing;
            }
        }

        return null;
    }

    /// <summary>
    /// The <see cref="InputException"/> behind <paramref name="e"/>: itself, or the one parallel work (a
    /// <see cref="AggregateException"/>) failed with, so bad input found on a worker thread is still exit 2.
    /// </summary>
    private static InputException? BadInputOf(Exception e) => e switch
    {
        InputException input => input,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.OfType<InputException>().FirstOrDefault(),
        _ => null,
    };

    /// <summary>Collapses a message onto one line.</summary>
    public static string OneLine(string message) =>
        (message ?? string.Empty).ReplaceLineEndings(" ").Trim();
}
