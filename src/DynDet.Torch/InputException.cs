namespace DynDet;

/// <summary>
/// Bad user input: a file, record, id or option that DynDet refuses. The message is one line and
/// names what is at fault (file, line or record, id); the command line prints it as
/// <c>error: message</c> and exits with status 2.
/// </summary>
public class InputException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public InputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the error that caused it.</summary>
    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public InputException()
    {
    }
}
