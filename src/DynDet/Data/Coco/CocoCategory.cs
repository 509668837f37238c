namespace DynDet.Data.Coco;

/// <summary>An entry of a COCO file's <c>categories</c> list.</summary>
/// <param name="Id">The category id (unique in the file; COCO's are 1..90 with gaps).</param>
/// <param name="Name">Its name, e.g. <c>person</c>.</param>
/// <param name="Supercategory">Its <c>supercategory</c>, or null when the file has none.</param>
public sealed record CocoCategory(int Id, string Name, string? Supercategory = null);
