using DynDet.TestSupport;
using DynDet.Torch.Native;
using DynDet.Torch.Ops;

namespace DynDet.Torch.Tests;

/// <summary>
/// The C ABI's promises (native/include/dyndet_native.h): buffers come with byte counts checked before they
/// are read, bad handles are errors rather than crashes, and a failed call leaves no tensor behind. Every
/// test ends with zero live tensors (<see cref="TorchTest"/>), so a leak on any failure path fails it.
/// </summary>
public sealed unsafe class NativeBoundaryTests : TorchTest
{
    [Fact]
    public void From_data_refuses_a_buffer_whose_byte_count_differs_from_the_shape_and_creates_no_tensor()
    {
        long before = Engine.LiveTensors;
        float[] data = [1, 2, 3];
        long[] shape = [2, 2];
        int status;
        IntPtr handle;
        fixed (float* d = data)
        fixed (long* s = shape)
        {
            status = NativeMethods.dd_tensor_from_data(d, data.Length * sizeof(float), (int)ScalarType.Float32, s,
                shape.Length, out handle);
        }

        Assert.NotEqual(0, status);
        Assert.Equal(IntPtr.Zero, handle);
        string message = Check.LastError();
        Assert.Contains("buffer has 12 bytes", message, StringComparison.Ordinal);
        Assert.Contains("needs 16", message, StringComparison.Ordinal);
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void From_span_with_fewer_elements_than_the_shape_is_an_argument_exception_and_leaves_no_tensor()
    {
        long before = Engine.LiveTensors;
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromSpan<float>([1, 2, 3], 2, 2));
        Assert.Contains("[2, 2] holds 4 elements but data has 3", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void A_shape_whose_element_count_overflows_is_a_clear_exception_on_both_sides()
    {
        long before = Engine.LiveTensors;
        var managed = Assert.Throws<ArgumentException>(() => Tensor.FromSpan<float>([], 1L << 32, 1L << 32));
        Assert.Contains("more elements than a long can count", managed.Message, StringComparison.Ordinal);

        // 2^31 x 2^31 elements x 8 bytes wraps int64 to 0, which would match an empty buffer if unchecked.
        long[] shape = [1L << 31, 1L << 31, 2];
        int status;
        fixed (long* s = shape)
        {
            status = NativeMethods.dd_tensor_from_data(null, 0, (int)ScalarType.Float64, s, shape.Length, out _);
        }

        Assert.NotEqual(0, status);
        Assert.Contains("more bytes than int64 can count", Check.LastError(), StringComparison.Ordinal);

        // Factories go through aten, which checks the same product itself.
        var factory = Assert.Throws<TorchException>(() => Tensor.Zeros(1L << 32, 1L << 32));
        Assert.Contains("overflow", factory.Message, StringComparison.Ordinal);
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void Negative_sizes_and_unknown_dtypes_are_refused_by_the_native_side()
    {
        long[] negative = [2, -1];
        long[] ok = [1];
        fixed (long* n = negative)
        fixed (long* s = ok)
        {
            Assert.NotEqual(0, NativeMethods.dd_tensor_from_data(null, 0, (int)ScalarType.Float32, n, 2, out _));
            Assert.Contains("negative", Check.LastError(), StringComparison.Ordinal);
            float value = 1;
            Assert.NotEqual(0, NativeMethods.dd_tensor_from_data(&value, 4, 1000, s, 1, out _));
            Assert.Contains("unknown dtype code 1000", Check.LastError(), StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentException>(() => Tensor.FromSpan<float>([], 0, -3));
    }

    [Fact]
    public void A_shape_with_a_zero_size_is_empty_even_when_other_sizes_are_huge()
    {
        using var t = Tensor.FromSpan<float>([], 0, long.MaxValue / 2);
        Assert.Equal(0, t.NumElements);
        Assert.Empty(t.ToArray<float>());
    }

    [Fact]
    public void Copy_to_refuses_a_destination_of_the_wrong_byte_count()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4 });
        var e = Assert.Throws<TorchException>(() => t.CopyTo<float>(new float[3]));
        Assert.Contains("buffer has 12 bytes, tensor has 16", e.Message, StringComparison.Ordinal);
        var bytes = new byte[20];
        fixed (byte* p = bytes)
        {
            Assert.NotEqual(0, NativeMethods.dd_tensor_copy_to(t.RawHandle, p, bytes.Length));
            Assert.NotEqual(0, NativeMethods.dd_tensor_copy_to(t.RawHandle, null, 16));
            Assert.Contains("null destination", Check.LastError(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_null_handle_passed_to_any_query_is_an_error_with_a_message_not_a_crash()
    {
        void AssertNullHandleError(int status, string what)
        {
            Assert.True(status != 0, $"{what} accepted a null handle");
            Assert.Contains("null", Check.LastError(), StringComparison.Ordinal);
        }

        IntPtr none = IntPtr.Zero;
        AssertNullHandleError(NativeMethods.dd_tensor_dtype(none, out _), "dtype");
        AssertNullHandleError(NativeMethods.dd_tensor_dim(none, out _), "dim");
        AssertNullHandleError(NativeMethods.dd_tensor_numel(none, out _), "numel");
        AssertNullHandleError(NativeMethods.dd_tensor_storage_offset(none, out _), "storage_offset");
        AssertNullHandleError(NativeMethods.dd_tensor_device(none, out _, out _), "device");
        AssertNullHandleError(NativeMethods.dd_tensor_is_contiguous(none, out _), "is_contiguous");
        AssertNullHandleError(NativeMethods.dd_tensor_same(none, none, out _), "same");
        AssertNullHandleError(NativeMethods.dd_tensor_requires_grad(none, out _), "requires_grad");
        AssertNullHandleError(NativeMethods.dd_tensor_is_leaf(none, out _), "is_leaf");
        AssertNullHandleError(NativeMethods.dd_tensor_set_requires_grad(none, 1), "set_requires_grad");
        AssertNullHandleError(NativeMethods.dd_tensor_grad(none, out _), "grad");
        AssertNullHandleError(NativeMethods.dd_tensor_set_grad(none, none), "set_grad");
        AssertNullHandleError(NativeMethods.dd_tensor_clone_handle(none, out _), "clone_handle");
        AssertNullHandleError(NativeMethods.dd_tensor_detach(none, out _), "detach");
        AssertNullHandleError(NativeMethods.dd_tensor_set_data(none, none), "set_data");
        AssertNullHandleError(NativeMethods.dd_tensor_item_double(none, out _), "item_double");
        AssertNullHandleError(NativeMethods.dd_tensor_item_long(none, out _), "item_long");
        AssertNullHandleError(NativeMethods.dd_backward(none, none, 0), "backward");
        AssertNullHandleError(NativeMethods.dd_tensor_copy_to(none, null, 0), "copy_to");
        AssertNullHandleError(NativeMethods.dd_tensor_shape(none, null, 0), "shape");
        AssertNullHandleError(NativeMethods.dd_tensor_strides(none, null, 0), "strides");
        AssertNullHandleError(NativeMethods.dd_set_rng_state(none), "set_rng_state");
        AssertNullHandleError(NativeMethods.dd_nms(none, none, 0.5, 0, out _), "nms");
        AssertNullHandleError(NativeMethods.dd_roi_align(none, none, 1, 2, 2, 0, 0, out _), "roi_align");
        AssertNullHandleError(NativeMethods.dd_op_call(none, null, 0, null, 0, out _), "op_call");
        Assert.True(NativeMethods.dd_tensor_data_ptr(none) == null);
        Assert.Contains("null tensor handle", Check.LastError(), StringComparison.Ordinal);
        Assert.Equal(IntPtr.Zero, NativeMethods.dd_op_schema(none));
        Assert.Contains("null operator handle", Check.LastError(), StringComparison.Ordinal);
        NativeMethods.dd_tensor_free(none); // like free(NULL): nothing to do, no error

        using var t = Tensor.Ones(2);
        AssertNullHandleError(NativeMethods.dd_tensor_same(t.RawHandle, none, out _), "same (second)");
        AssertNullHandleError(NativeMethods.dd_tensor_set_data(t.RawHandle, none), "set_data (data)");
    }

    [Fact]
    public void Queries_on_a_disposed_tensor_throw_object_disposed_instead_of_reaching_native_code()
    {
        var t = Tensor.Ones(2, 3);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Dtype);
        Assert.Throws<ObjectDisposedException>(() => t.Dim);
        Assert.Throws<ObjectDisposedException>(() => t.NumElements);
        Assert.Throws<ObjectDisposedException>(() => t.Shape);
        Assert.Throws<ObjectDisposedException>(() => t.IsContiguous);
        Assert.Throws<ObjectDisposedException>(() => t.Device);
        Assert.Throws<ObjectDisposedException>(() => t.RequiresGrad);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
    }

    [Fact]
    public void Set_num_threads_below_one_is_refused_by_the_native_side_and_the_old_value_stays()
    {
        int threads = Engine.NumThreads;
        Assert.NotEqual(0, NativeMethods.dd_set_num_threads(0));
        Assert.Contains("at least 1", Check.LastError(), StringComparison.Ordinal);
        Assert.Equal(threads, Engine.NumThreads);
    }

    [Fact]
    public void A_list_returning_op_that_fails_in_its_kernel_leaves_no_tensor()
    {
        long before = Engine.LiveTensors;
        using var x = Tensor.Ones(2, 3);
        var e = Assert.Throws<TorchException>(() => x.Unbind(5));
        Assert.StartsWith("aten::unbind.int: ", e.Message, StringComparison.Ordinal);
        Assert.Throws<TorchException>(() => x.Split(0, 1));
        Assert.Equal(before + 1, Engine.LiveTensors);
    }

    [Fact]
    public void A_tensor_list_result_the_caller_cannot_take_is_freed_whole()
    {
        long before = Engine.LiveTensors;
        using var x = Tensor.Ones(4, 3);
        // aten::unbind returns one Tensor[] of 4 tensors: asked for as one tensor or as two, the call fails
        // after the op has run, and all 4 handles must be released again.
        var one = Assert.Throws<TorchException>(() => Aten.UnbindInt.Call1([DdValue.Of(x), DdValue.Of(0L)], x));
        Assert.Contains("expected a tensor result", one.Message, StringComparison.Ordinal);
        var two = Assert.Throws<TorchException>(() => Aten.UnbindInt.Call2([DdValue.Of(x), DdValue.Of(0L)], x));
        Assert.Contains("expected 2 results, got 1", two.Message, StringComparison.Ordinal);
        Assert.Equal(before + 1, Engine.LiveTensors);
    }

    [Fact]
    public void A_tensor_and_tensor_list_result_asked_for_as_a_list_frees_both()
    {
        long before = Engine.LiveTensors;
        using var x = Tensor.Rand(10, 2);
        // histogramdd returns (Tensor hist, Tensor[] bin_edges): 1 + 2 handles once the op has run.
        var histogram = Op.Get("aten::histogramdd", "int_bins");
        DdValue[] args = [DdValue.Of(x), DdValue.Of(3L)];
        var e = Assert.Throws<TorchException>(() => histogram.CallList(args, x));
        Assert.Contains("expected a tensor list result", e.Message, StringComparison.Ordinal);
        var pair = Assert.Throws<TorchException>(() => histogram.Call2(args, x));
        Assert.Contains("result 1 is not a tensor", pair.Message, StringComparison.Ordinal);
        Assert.Equal(before + 1, Engine.LiveTensors);
    }

    [Fact]
    public void An_op_returning_more_results_than_the_caller_has_room_for_fails_without_making_handles()
    {
        long before = Engine.LiveTensors;
        using var x = Tensor.Rand(10, 2);
        var histogram = Op.Get("aten::histogramdd", "int_bins");
        DdValue[] args = [DdValue.Of(x), DdValue.Of(3L)];
        var results = new DdValue[1];
        var e = Assert.Throws<TorchException>(() => histogram.Call(args, results));
        Assert.Contains("op returned 2 results, caller expected at most 1", e.Message, StringComparison.Ordinal);
        GC.KeepAlive(x);
        Assert.Equal(before + 1, Engine.LiveTensors);
    }
}
