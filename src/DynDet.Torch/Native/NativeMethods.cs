using System.Runtime.InteropServices;

namespace DynDet.Torch.Native;

/// <summary>P/Invoke declarations of the C ABI in <c>native/include/dyndet_native.h</c>.</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "dyndet_native";

    // ---- errors, runtime ----
    [LibraryImport(Library)]
    internal static partial IntPtr dd_last_error();

    [LibraryImport(Library)]
    internal static partial long dd_live_tensors();

    [LibraryImport(Library)]
    internal static partial int dd_set_num_threads(int n);

    [LibraryImport(Library)]
    internal static partial int dd_get_num_threads(out int n);

    [LibraryImport(Library)]
    internal static partial int dd_manual_seed(ulong seed);

    [LibraryImport(Library)]
    internal static partial int dd_get_rng_state(out IntPtr state);

    [LibraryImport(Library)]
    internal static partial int dd_set_rng_state(IntPtr state);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dd_load_library(string path);

    [LibraryImport(Library)]
    internal static partial int dd_cuda_is_available();

    [LibraryImport(Library)]
    internal static partial int dd_cuda_device_count();

    // ---- detection ops ----
    [LibraryImport(Library)]
    internal static partial int dd_roi_align(IntPtr input, IntPtr rois, double spatialScale, long pooledHeight,
        long pooledWidth, long samplingRatio, int aligned, out IntPtr output);

    [LibraryImport(Library)]
    internal static partial int dd_nms(IntPtr boxes, IntPtr scores, double iouThreshold, long maxKeep, out IntPtr keep);

    // ---- process groups ----
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dd_pg_create(string host, int port, int rank, int worldSize, long timeoutMs, out IntPtr group);

    [LibraryImport(Library)]
    internal static partial void dd_pg_free(IntPtr group);

    [LibraryImport(Library)]
    internal static partial int dd_pg_all_reduce(IntPtr group, IntPtr tensor, int op);

    [LibraryImport(Library)]
    internal static partial int dd_pg_broadcast(IntPtr group, IntPtr tensor, int root);

    [LibraryImport(Library)]
    internal static partial int dd_pg_all_gather(IntPtr group, IntPtr input, [Out] IntPtr[] output);

    [LibraryImport(Library)]
    internal static partial int dd_pg_barrier(IntPtr group);

    // ---- tensors ----
    [LibraryImport(Library)]
    internal static partial void dd_tensor_free(IntPtr tensor);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_from_data(void* data, long bytes, int dtype, long* shape, int ndim,
        out IntPtr tensor);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_copy_to(IntPtr tensor, void* destination, long bytes);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_clone_handle(IntPtr tensor, out IntPtr clone);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_dtype(IntPtr tensor, out int dtype);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_dim(IntPtr tensor, out int dim);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_shape(IntPtr tensor, long* shape, int capacity);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_strides(IntPtr tensor, long* strides, int capacity);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_numel(IntPtr tensor, out long numel);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_storage_offset(IntPtr tensor, out long offset);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_device(IntPtr tensor, out int type, out int index);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_is_contiguous(IntPtr tensor, out int contiguous);

    [LibraryImport(Library)]
    internal static partial void* dd_tensor_data_ptr(IntPtr tensor);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_item_double(IntPtr tensor, out double value);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_item_long(IntPtr tensor, out long value);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_same(IntPtr a, IntPtr b, out int same);

    // ---- autograd ----
    [LibraryImport(Library)]
    internal static partial int dd_tensor_requires_grad(IntPtr tensor, out int requiresGrad);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_set_requires_grad(IntPtr tensor, int value);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_grad(IntPtr tensor, out IntPtr grad);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_set_grad(IntPtr tensor, IntPtr grad);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_grads(IntPtr* tensors, long count, IntPtr* grads);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_clear_grads(IntPtr* tensors, long count);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_is_leaf(IntPtr tensor, out int leaf);

    [LibraryImport(Library)]
    internal static partial int dd_backward(IntPtr tensor, IntPtr grad, int retainGraph);

    [LibraryImport(Library)]
    internal static partial int dd_autograd_grad(IntPtr* outputs, IntPtr* gradOutputs, int outputCount,
        IntPtr* inputs, int inputCount, int retainGraph, int createGraph, IntPtr* inputGrads);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_detach(IntPtr tensor, out IntPtr detached);

    [LibraryImport(Library)]
    internal static partial int dd_tensor_set_data(IntPtr tensor, IntPtr data);

    [LibraryImport(Library)]
    internal static partial int dd_grad_enabled();

    [LibraryImport(Library)]
    internal static partial void dd_set_grad_enabled(int enabled);

    // ---- operators ----
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int dd_op_find(string name, string overload, out IntPtr op);

    [LibraryImport(Library)]
    internal static partial IntPtr dd_op_schema(IntPtr op);

    [LibraryImport(Library)]
    internal static partial int dd_op_call(IntPtr op, DdValue* args, int argCount, DdValue* results, int capacity,
        out int resultCount);
}
