namespace DynDet.Evaluation;

/// <summary>How <see cref="VocEvaluator"/> turns a precision–recall curve into AP.</summary>
public enum VocApMethod
{
    /// <summary>
    /// The area under the monotone precision envelope, summed where recall changes ("all points", PASCAL VOC 2010
    /// and later; MMDetection's <c>'area'</c>). The default.
    /// </summary>
    Area,

    /// <summary>
    /// The mean over recall 0, 0.1, …, 1 of the best precision at that recall or above (PASCAL VOC 2007's 11-point
    /// metric; MMDetection's <c>'11points'</c>).
    /// </summary>
    ElevenPoint,
}
