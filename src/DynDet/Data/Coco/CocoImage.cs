namespace DynDet.Data.Coco;

/// <summary>An entry of a COCO file's <c>images</c> list.</summary>
/// <param name="Id">The image id (unique in the file; any 64-bit integer).</param>
/// <param name="FileName">Its <c>file_name</c>, relative to the image folder (may contain sub-folders); null when the file has none.</param>
/// <param name="Width">Width in pixels (&gt; 0); null when the file has none.</param>
/// <param name="Height">Height in pixels (&gt; 0); null when the file has none.</param>
public sealed record CocoImage(long Id, string? FileName = null, int? Width = null, int? Height = null);
