namespace DynDet.Tests;

/// <summary>Runs <c>dyndet</c> in process, capturing its output (tests run one at a time, so swapping Console is safe).</summary>
internal static class CliHarness
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        TextWriter oldOut = Console.Out, oldError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = DynDet.Cli.Program.Main(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
