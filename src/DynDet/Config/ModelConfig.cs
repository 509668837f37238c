using System.Reflection;
using System.Text.Json.Serialization;

namespace DynDet.Config;

/// <summary>
/// The detector, polymorphic on its <c>type</c> key (MMDetection's detector names): <c>faster_rcnn</c>
/// (<see cref="TwoStageModelConfig"/>, the default when a config gives no type), <c>retinanet</c>
/// (<see cref="RetinaNetModelConfig"/>), <c>fcos</c> (<see cref="FcosModelConfig"/>) or <c>atss</c> (<see cref="AtssModelConfig"/>).
/// Each type has its own sections; a key of another type's section is an
/// unknown key. What every detector has: the implementation style, the class count, the backbone and the neck.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = TypeKey)]
[JsonDerivedType(typeof(TwoStageModelConfig), "faster_rcnn")]
[JsonDerivedType(typeof(RetinaNetModelConfig), "retinanet")]
[JsonDerivedType(typeof(FcosModelConfig), "fcos")]
[JsonDerivedType(typeof(AtssModelConfig), "atss")]
public abstract record ModelConfig
{
    /// <summary>The JSON key that selects the detector type.</summary>
    public const string TypeKey = "type";

    /// <summary>The type a config that names none gets (<c>faster_rcnn</c>).</summary>
    public const string DefaultType = "faster_rcnn";

    /// <summary>The <c>type</c> values and the config record of each, in declaration order.</summary>
    public static IReadOnlyDictionary<string, Type> Types { get; } = typeof(ModelConfig)
        .GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType, StringComparer.Ordinal);

    /// <summary>Detector type: <c>faster_rcnn</c> (default), <c>retinanet</c>, <c>fcos</c> or <c>atss</c>.</summary>
    [JsonIgnore]
    public abstract string Type { get; }

    /// <summary>
    /// Whose conventions the building blocks follow: MMDetection's (default) or torchvision's (anchors rounded
    /// and placed by image/grid strides, torchvision's box coder and RoI level mapping, its low-quality matches,
    /// its loss normalisers) — the latter for configs that mirror torchvision, such as the benchmark's:
    /// <c>mmdetection</c> or <c>torchvision</c>.
    /// </summary>
    public ImplementationStyle Style { get; init; } = ImplementationStyle.Mmdetection;

    /// <summary>Foreground classes (default 0: taken from the training data; in [0, 100000]).</summary>
    [ConfigRange(0, 100_000)]
    public int NumClasses { get; init; }

    /// <summary>Backbone.</summary>
    public BackboneConfig Backbone { get; init; } = new();

    /// <summary>Neck.</summary>
    public NeckConfig Neck { get; init; } = new();
}
