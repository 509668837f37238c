namespace DynDet.Torch.Ops;

/// <summary>
/// torchvision's C++ ops (<c>roi_align</c>, <c>nms</c>), registered by loading its extension library from
/// Debian's <c>python3-torchvision</c> on first use.
/// </summary>
internal static class TorchVision
{
    /// <summary>Where Debian's python3-torchvision puts the library; DYNDET_TORCHVISION overrides.</summary>
    public const string DefaultLibrary = "/usr/lib/python3/dist-packages/torchvision/_C.cpython-311-x86_64-linux-gnu.so";

    // Declared before the ops: static fields initialise in textual order.
    private static readonly Lock Gate = new();
    private static bool s_loaded;

    public static readonly Op RoiAlign = Load("torchvision::roi_align");

    public static readonly Op Nms = Load("torchvision::nms");

    /// <summary>True when the library is loaded (loading it if needed).</summary>
    public static bool IsAvailable
    {
        get
        {
            EnsureLoaded();
            return s_loaded;
        }
    }

    private static Op Load(string name)
    {
        EnsureLoaded();
        return Op.Get(name);
    }

    private static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_loaded)
            {
                return;
            }

            string path = Environment.GetEnvironmentVariable("DYNDET_TORCHVISION") ?? DefaultLibrary;
            if (!File.Exists(path))
            {
                throw new TorchException(
                    $"torchvision's ops library is not at {path}; run 'make setup' (installs python3-torchvision)");
            }

            if (!Engine.LoadLibrary(path))
            {
                throw new TorchException($"loading torchvision's ops from {path} failed: {Engine.LastNativeError}");
            }

            s_loaded = true;
        }
    }
}
