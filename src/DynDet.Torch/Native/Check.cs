using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <summary>Turns a non-zero native status into a <see cref="TorchException"/> carrying the native message.</summary>
internal static class Check
{
    public static void Status(int status)
    {
        if (status != 0)
        {
            throw new TorchException(LastError());
        }
    }

    public static string LastError() => Marshal.PtrToStringUTF8(NativeMethods.dd_last_error()) ?? "native error";
}
