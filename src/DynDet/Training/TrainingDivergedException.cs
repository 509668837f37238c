namespace DynDet.Training;

/// <summary>
/// A loss became NaN or infinite: training stopped before the bad step changed the weights, and the last good
/// checkpoint (if any) was left as it was. The message is one line naming the loss term and the iteration.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public TrainingDivergedException()
    {
    }
}
