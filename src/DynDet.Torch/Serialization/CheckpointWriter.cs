using System.Globalization;
using DynDet.Torch.Native;

namespace DynDet.Torch.Serialization;

/// <summary>
/// Writes a file Python's <c>torch.load</c> reads, laid out as <c>torch.save</c> (1.13) lays it out:
/// <c>archive/data.pkl</c>, <c>archive/data/0</c>…, <c>archive/version</c> ("3"), stored, 64-byte aligned.
/// The file appears atomically (<see cref="DurableFile"/>): everything goes to a temporary file in the target's
/// folder, which is flushed to disk, renamed over the target, and the folder fsynced; on any failure the target is
/// untouched.
/// </summary>
internal static class CheckpointWriter
{
    private const string Archive = "archive";

    public static void Write(string path, object? value, bool forceZip64 = false) =>
        DurableFile.Write(path, stream => WriteArchive(stream, value, forceZip64));

    private static void WriteArchive(Stream stream, object? value, bool forceZip64)
    {
        using var noGrad = Engine.NoGrad();
        var pickler = new PickleWriter();
        byte[] pickle = pickler.Pickle(value);
        var zip = new StoredZipWriter(stream, forceZip64);
        zip.Add(Archive + "/data.pkl", pickle);
        for (int key = 0; key < pickler.Storages.Count; key++)
        {
            WriteStorage(zip, Archive + "/data/" + key.ToString(CultureInfo.InvariantCulture), pickler.Storages[key]);
        }

        zip.Add(Archive + "/version", "3\n"u8);
        zip.Finish();
    }

    private static unsafe void WriteStorage(StoredZipWriter zip, string name, Tensor tensor)
    {
        using var cpu = tensor.Device.Type == DeviceType.Cpu ? tensor.Alias() : tensor.To(Device.Cpu);
        using var contiguous = cpu.Contiguous();
        long bytes = contiguous.NumElements * contiguous.Dtype.ElementSize();
        byte* data = bytes == 0 ? null : (byte*)NativeMethods.dd_tensor_data_ptr(contiguous.RawHandle);
        zip.Add(name, data, bytes);
        GC.KeepAlive(contiguous);
    }
}
