namespace DynDet.Torch;

/// <summary>
/// An error raised by libtorch or by the native bridge. The message is one line and, for operator
/// calls, starts with the operator's name (e.g. <c>aten::conv2d: ...</c>). The process keeps running.
/// </summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public TorchException()
    {
    }
}
