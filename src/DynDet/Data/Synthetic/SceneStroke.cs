namespace DynDet.Data.Synthetic;

/// <summary>An unannotated distractor stroke on the background: a segment with a half-width, colour and opacity.</summary>
internal readonly record struct SceneStroke(
    float X0, float Y0, float X1, float Y1, float HalfWidth, float Red, float Green, float Blue, float Opacity);
