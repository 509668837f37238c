namespace DynDet.Data.Synthetic;

/// <summary>The shape classes of the synthetic data, in label order (label = the enum's value).</summary>
public enum ShapeKind
{
    /// <summary>A disc.</summary>
    Circle = 0,

    /// <summary>A rectangle (sometimes a square), rotated.</summary>
    Rectangle = 1,

    /// <summary>A triangle with every angle at least 35°, rotated.</summary>
    Triangle = 2,

    /// <summary>An ellipse with axis ratio 1.6–3, rotated.</summary>
    Ellipse = 3,

    /// <summary>A five-pointed star, rotated.</summary>
    Star = 4,

    /// <summary>A plus-shaped cross, rotated.</summary>
    Cross = 5,
}
