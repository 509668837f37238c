namespace DynDet.Torch.Serialization;

/// <summary>A storage a checkpoint's pickle refers to by persistent id: <c>archive/data/&lt;Key&gt;</c>.</summary>
/// <param name="Key">The record name under <c>data/</c>.</param>
/// <param name="Dtype">The element type its storage class names (<c>torch.FloatStorage</c> → float32).</param>
/// <param name="Numel">Its number of elements.</param>
internal sealed record StorageRecord(string Key, ScalarType Dtype, long Numel);
