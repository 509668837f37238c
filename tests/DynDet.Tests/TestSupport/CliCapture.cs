namespace DynDet.TestSupport;

/// <summary>Runs <c>dyndet</c>'s entry point in-process with stdout and stderr captured.</summary>
public static class CliCapture
{
    /// <summary>The exit status and the text written to stdout and stderr.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>Deconstructs into (exit, stdout, stderr).</summary>
        public void Deconstruct(out int exit, out string output, out string error) =>
            (exit, output, error) = (ExitCode, Output, Error);
    }

    /// <summary>Runs <c>DynDet.Cli.Program.Main(args)</c>.</summary>
    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var oldOut = Console.Out;
        var oldError = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = DynDet.Cli.Program.Main(args);
            return new Result(code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
