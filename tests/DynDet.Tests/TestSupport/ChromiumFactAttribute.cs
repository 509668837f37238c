namespace DynDet.TestSupport;

/// <summary>A fact that needs headless Chromium: skipped, saying why, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Path is null)
        {
            Skip = "Chromium is not installed (make setup installs Debian's chromium)";
        }
    }
}
