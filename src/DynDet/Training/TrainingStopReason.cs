namespace DynDet.Training;

/// <summary>Why a training run ended.</summary>
public enum TrainingStopReason
{
    /// <summary>All iterations done.</summary>
    Completed,

    /// <summary>Interrupted (Ctrl-C or cancellation); a checkpoint was written.</summary>
    Interrupted,
}
