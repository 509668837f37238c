/*
 * dyndet_native: the thin C ABI between DynDet's C# code and libtorch.
 *
 * Rules every export follows (see ../shared/ENGINE.md):
 *  - returns an int status (0 = ok, non-zero = error); values come back through out-pointers. The few
 *    exceptions say what they return on failure (a null pointer, 0), and two cannot fail at all;
 *  - catches std::exception and "..." so no C++ exception crosses into .NET;
 *  - on failure leaves a one-line message in a thread-local buffer read by dd_last_error();
 *  - a null handle or pointer argument is such a failure, never a crash; caller buffers come with their
 *    length in bytes (or elements, where named so), checked before they are read or written;
 *  - a failed call that would have returned handles returns none: what it made is freed again.
 * Tensor handles are heap-allocated at::Tensor objects; each one counts in dd_live_tensors()
 * until dd_tensor_free releases it.
 */
#ifndef DYNDET_NATIVE_H
#define DYNDET_NATIVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DD_API __attribute__((visibility("default")))

typedef void* dd_tensor; /* owning handle: at::Tensor* */
typedef void* dd_op;     /* cached operator: never freed, lives as long as the process */

/* Kinds of a dd_value, the one blittable argument/result cell of generic op calls. */
enum dd_kind {
  DD_DEFAULT = 0,         /* argument only: use the schema's default */
  DD_NONE = 1,            /* None / nullopt */
  DD_TENSOR = 2,          /* p = dd_tensor (argument: borrowed; result: new owning handle) */
  DD_INT = 3,             /* i */
  DD_DOUBLE = 4,          /* d */
  DD_BOOL = 5,            /* i != 0 */
  DD_INT_LIST = 6,        /* p = int64_t*, n */
  DD_TENSOR_LIST = 7,     /* p = dd_tensor*, n (result: array valid until the next call on this thread) */
  DD_SCALAR_INT = 8,      /* Scalar holding an integer i */
  DD_SCALAR_DOUBLE = 9,   /* Scalar holding a floating value d */
  DD_STRING = 10,         /* p = UTF-8 bytes, n = length */
  DD_DOUBLE_LIST = 11,    /* p = double*, n */
  DD_OPT_TENSOR_LIST = 12,/* p = dd_tensor* with null entries for None, n */
  DD_DEVICE = 13,         /* i = device type (0 cpu, 1 cuda), n = index (-1 = current) */
  DD_BOOL_LIST = 14,      /* p = uint8_t*, n */
  DD_SCALAR_BOOL = 15     /* Scalar holding a bool i */
};

typedef struct dd_value {
  int32_t kind;
  int32_t reserved;
  int64_t i;
  double d;
  void* p;
  int64_t n;
} dd_value;

/* ---- errors, runtime ---- */
DD_API const char* dd_last_error(void);
DD_API int64_t dd_live_tensors(void);
DD_API int dd_set_num_threads(int32_t n); /* n >= 1 */
DD_API int dd_get_num_threads(int32_t* out);
DD_API int dd_manual_seed(uint64_t seed);
DD_API int dd_get_rng_state(dd_tensor* out);
DD_API int dd_set_rng_state(dd_tensor state);
/* Loads torchvision's C++ ops (roi_align, nms) when the library is found; 1 if loaded, 0 if not (message set). */
DD_API int dd_load_library(const char* path);
/* 1 or 0; 0 (with a message) also when libtorch cannot tell. */
DD_API int dd_cuda_is_available(void);
DD_API int dd_cuda_device_count(void);

/* ---- tensors ---- */
DD_API void dd_tensor_free(dd_tensor t); /* NULL: nothing to free */
/* A new CPU tensor holding a copy of data: nbytes must equal numel(shape) x element size of dtype
 * (sizes >= 0, product within int64), checked before data is read; data may be NULL only when nbytes is 0. */
DD_API int dd_tensor_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape, int32_t ndim,
                               dd_tensor* out);
/* Copies the elements (row-major, to the CPU) into dst, which must hold exactly the tensor's nbytes. */
DD_API int dd_tensor_copy_to(dd_tensor t, void* dst, int64_t nbytes);
DD_API int dd_tensor_clone_handle(dd_tensor t, dd_tensor* out);
DD_API int dd_tensor_dtype(dd_tensor t, int32_t* out);
DD_API int dd_tensor_dim(dd_tensor t, int32_t* out);
DD_API int dd_tensor_shape(dd_tensor t, int64_t* out, int32_t cap);   /* cap: elements of out */
DD_API int dd_tensor_strides(dd_tensor t, int64_t* out, int32_t cap); /* cap: elements of out */
DD_API int dd_tensor_numel(dd_tensor t, int64_t* out);
DD_API int dd_tensor_storage_offset(dd_tensor t, int64_t* out);
DD_API int dd_tensor_device(dd_tensor t, int32_t* type, int32_t* index);
DD_API int dd_tensor_is_contiguous(dd_tensor t, int32_t* out);
/* The first element's address; NULL for a tensor without elements, and NULL with a message on failure. */
DD_API void* dd_tensor_data_ptr(dd_tensor t);
DD_API int dd_tensor_item_double(dd_tensor t, double* out);
DD_API int dd_tensor_item_long(dd_tensor t, int64_t* out);
DD_API int dd_tensor_same(dd_tensor a, dd_tensor b, int32_t* out);

/* ---- autograd ---- */
DD_API int dd_tensor_requires_grad(dd_tensor t, int32_t* out);
DD_API int dd_tensor_set_requires_grad(dd_tensor t, int value);
DD_API int dd_tensor_grad(dd_tensor t, dd_tensor* out); /* *out = NULL when undefined */
DD_API int dd_tensor_set_grad(dd_tensor t, dd_tensor grad); /* grad NULL clears it */
/* The gradients of n tensors: out[k] a new handle, NULL when tensor k has none; all or nothing. */
DD_API int dd_tensor_grads(const dd_tensor* tensors, int64_t n, dd_tensor* out);
/* Clears the gradients of n tensors (set to none); nothing changes when a handle is bad. */
DD_API int dd_tensor_clear_grads(const dd_tensor* tensors, int64_t n);
DD_API int dd_tensor_is_leaf(dd_tensor t, int32_t* out);
DD_API int dd_backward(dd_tensor t, dd_tensor grad /* may be NULL */, int retain_graph);
DD_API int dd_autograd_grad(const dd_tensor* outputs, const dd_tensor* grad_outputs /* entries may be NULL */,
                            int32_t n_out, const dd_tensor* inputs, int32_t n_in, int retain_graph,
                            int create_graph, dd_tensor* out_grads /* n_in handles, NULL if unused */);
DD_API int dd_tensor_detach(dd_tensor t, dd_tensor* out);
DD_API int dd_tensor_set_data(dd_tensor t, dd_tensor data);
/* Grad mode is a thread-local flag: these two cannot fail. */
DD_API int dd_grad_enabled(void);
DD_API void dd_set_grad_enabled(int enabled);

/* ---- generic operator calls through the c10 dispatcher ---- */
DD_API int dd_op_find(const char* name, const char* overload, dd_op* out);
DD_API const char* dd_op_schema(dd_op op); /* NULL with a message for a null op */
DD_API int dd_op_call(dd_op op, const dd_value* args, int32_t nargs, dd_value* results, int32_t cap,
                      int32_t* nresults);

/* ---- detection ops ----
 * RoIAlign with the exact arithmetic of torchvision 0.14's CPU kernel (bit-identical outputs and input
 * gradients), parallel over channel chunks in both passes, as an autograd function.
 * input (N, C, H, W) float32/float64; rois (K, 5) = (batch index, x1, y1, x2, y2) of the same dtype;
 * sampling_ratio <= 0 = adaptive (ceil(roi size / pooled size)); aligned != 0 shifts by -0.5 pixel.
 * *out = (K, C, pooled_h, pooled_w). Non-CPU inputs go to torchvision's kernel (dd_load_library first). */
DD_API int dd_roi_align(dd_tensor input, dd_tensor rois, double spatial_scale, int64_t pooled_h, int64_t pooled_w,
                        int64_t sampling_ratio, int aligned, dd_tensor* out);

/* ---- images: JPEG (libjpeg-turbo: baseline, progressive, greyscale, CMYK) and PNG (libpng) ----
 * Inputs are whole encoded files in memory; the format is detected from the first bytes. A truncated
 * or corrupt file is an error (status 1, one-line message), never a crash.
 * The EXIF Orientation tag (JPEG APP1 Exif, PNG eXIf; values 1..8) is applied as PIL's
 * ImageOps.exif_transpose does unless flags has DD_IMAGE_IGNORE_ORIENTATION. The decoders refuse, from the
 * header and before allocating any pixel buffer, an image of more than max_pixels (>= 1) pixels; libjpeg's
 * memory limit and libpng's size and chunk limits are derived from it. */
#define DD_IMAGE_IGNORE_ORIENTATION 1
/* Size of the decoded image (after orientation), its channel count as stored (1 grey, 3 colour, 4 CMYK
 * or RGBA, ...) and the orientation applied (1 when none). Reads the header only; no pixel limit. */
DD_API int dd_image_info(const void* data, int64_t size, int32_t flags, int32_t* width, int32_t* height,
                         int32_t* channels, int32_t* orientation);
/* Decodes to 8-bit RGB, row-major height x width x 3, into dst of exactly width*height*3 bytes. */
DD_API int dd_image_decode_rgb(const void* data, int64_t size, int64_t max_pixels, int32_t flags, uint8_t* dst,
                               int64_t dst_size);
/* Decodes to a new height x width x 3 uint8 tensor (RGB). */
DD_API int dd_image_decode(const void* data, int64_t size, int64_t max_pixels, int32_t flags, dd_tensor* out);
/* Encodes row-major 8-bit pixels (channels 1 grey or 3 RGB; 4 RGBA for PNG). format 1 = PNG (level =
 * zlib compression 0..9), 2 = JPEG (level = quality 1..100). *out is malloc'ed: release with dd_image_free. */
DD_API int dd_image_encode(const uint8_t* pixels, int32_t width, int32_t height, int32_t channels, int32_t format,
                           int32_t level, void** out, int64_t* out_size);
DD_API void dd_image_free(void* buffer);

/* ---- detection ops ---- */
/* Greedy NMS with torchvision's decisions; keeps at most max_keep boxes (<= 0: all). Indices by score. */
DD_API int dd_nms(dd_tensor boxes, dd_tensor scores, double iou_threshold, int64_t max_keep, dd_tensor* out);

/* ---- data-parallel process groups (c10d: TCPStore + ProcessGroupGloo, as torch.distributed's gloo backend) ----
 * A group of world_size processes meeting at host:port (rank 0 serves the store there). Collectives are
 * synchronous: they return when this rank's part is done, or fail with a one-line message naming the operation
 * and this rank when a peer is gone or timeout_ms passes. Tensors must be dense CPU tensors of the same shape and
 * dtype on every rank. */
typedef void* dd_process_group;
DD_API int dd_pg_create(const char* host, int32_t port, int32_t rank, int32_t world_size, int64_t timeout_ms,
                        dd_process_group* out);
DD_API void dd_pg_free(dd_process_group group);
/* In place; op 0 = sum, 1 = max, 2 = min. */
DD_API int dd_pg_all_reduce(dd_process_group group, dd_tensor tensor, int32_t op);
/* In place: every rank gets root's tensor. */
DD_API int dd_pg_broadcast(dd_process_group group, dd_tensor tensor, int32_t root);
/* out: world_size new tensors, rank order, each like input (caller frees each). */
DD_API int dd_pg_all_gather(dd_process_group group, dd_tensor input, dd_tensor* out);
DD_API int dd_pg_barrier(dd_process_group group);

#ifdef __cplusplus
}
#endif

#endif /* DYNDET_NATIVE_H */
