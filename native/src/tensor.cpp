// Tensor handles: creation from managed buffers, copies back, metadata, autograd hooks.
//
// Every export catches (DD_TRY ... DD_CATCH) and reports a null handle or pointer as an error: a C++
// exception or a segfault here would take the .NET process down with it.
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/generated/variable_factories.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <vector>

#include "common.h"

namespace {

at::Tensor contiguous_cpu(const at::Tensor& t) {
  at::Tensor c = t.detach();
  if (!c.device().is_cpu()) c = c.to(at::kCPU);
  return c.contiguous();
}

std::string shape_text(const int64_t* shape, int32_t ndim) {
  std::ostringstream s;
  s << '[';
  for (int32_t k = 0; k < ndim; ++k) s << (k ? ", " : "") << shape[k];
  s << ']';
  return s.str();
}

// Bytes a contiguous tensor of this shape and dtype occupies, refusing negative sizes and any product
// beyond int64 (a wrapped product would make the check against the caller's buffer meaningless).
int64_t contiguous_bytes(at::ScalarType type, const int64_t* shape, int32_t ndim) {
  bool empty = false;
  for (int32_t k = 0; k < ndim; ++k) {
    if (shape[k] < 0)
      throw std::invalid_argument("dimension " + std::to_string(k) + " of shape " + shape_text(shape, ndim) +
                                  " is negative");
    if (shape[k] == 0) empty = true;
  }
  if (empty) return 0;
  int64_t bytes = static_cast<int64_t>(c10::elementSize(type));
  for (int32_t k = 0; k < ndim; ++k) {
    if (__builtin_mul_overflow(bytes, shape[k], &bytes))
      throw std::invalid_argument("shape " + shape_text(shape, ndim) + " of " + c10::toString(type) +
                                  " holds more bytes than int64 can count");
  }
  return bytes;
}

at::ScalarType checked_dtype(int32_t dtype) {
  if (dtype < 0 || dtype >= static_cast<int32_t>(at::ScalarType::NumOptions) ||
      static_cast<at::ScalarType>(dtype) == at::ScalarType::Undefined)
    throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
  return static_cast<at::ScalarType>(dtype);
}

}  // namespace

extern "C" {

void dd_tensor_free(dd_tensor t) {
  // Like free(NULL): releasing nothing is not an error. Destroying an at::Tensor does not throw.
  if (t == nullptr) return;
  delete static_cast<at::Tensor*>(t);
  dd::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

int dd_tensor_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape, int32_t ndim,
                        dd_tensor* out) {
  DD_TRY
  dd_tensor& result = dd::out_ref(out, "out");
  if (ndim < 0) throw std::invalid_argument("negative number of dimensions " + std::to_string(ndim));
  dd::checked_array(shape, ndim, "shape");
  at::ScalarType type = checked_dtype(dtype);
  // Everything is checked before the buffer is read: its length must be exactly what the shape needs.
  int64_t needed = contiguous_bytes(type, shape, ndim);
  if (nbytes != needed)
    throw std::invalid_argument("buffer has " + std::to_string(nbytes) + " bytes, shape " + shape_text(shape, ndim) +
                                " of " + c10::toString(type) + " needs " + std::to_string(needed));
  if (needed > 0 && data == nullptr) throw std::invalid_argument("null data pointer");
  at::Tensor t = at::empty(c10::IntArrayRef(shape, static_cast<size_t>(ndim)), at::TensorOptions().dtype(type));
  if (static_cast<int64_t>(t.nbytes()) != needed)
    throw std::logic_error("tensor of " + std::to_string(t.nbytes()) + " bytes, expected " + std::to_string(needed));
  if (needed > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(needed));
  result = dd::wrap(std::move(t));
  DD_CATCH_PREFIX("from_data: ")
}

int dd_tensor_copy_to(dd_tensor t, void* dst, int64_t nbytes) {
  DD_TRY
  const at::Tensor& source = dd::unwrap(t);
  if (nbytes < 0) throw std::invalid_argument("negative buffer length " + std::to_string(nbytes));
  if (static_cast<int64_t>(source.nbytes()) != nbytes)
    throw std::invalid_argument("buffer has " + std::to_string(nbytes) + " bytes, tensor has " +
                                std::to_string(source.nbytes()));
  if (nbytes > 0 && dst == nullptr) throw std::invalid_argument("null destination pointer");
  if (nbytes == 0) return 0;
  at::Tensor c = contiguous_cpu(source);
  std::memcpy(dst, c.data_ptr(), static_cast<size_t>(nbytes));
  DD_CATCH_PREFIX("copy_to: ")
}

int dd_tensor_clone_handle(dd_tensor t, dd_tensor* out) {
  DD_TRY
  dd_tensor& result = dd::out_ref(out, "out");
  result = dd::wrap(dd::unwrap(t));
  DD_CATCH
}

int dd_tensor_dtype(dd_tensor t, int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = static_cast<int32_t>(dd::unwrap(t).scalar_type());
  DD_CATCH_PREFIX("dtype: ")
}

int dd_tensor_dim(dd_tensor t, int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = static_cast<int32_t>(dd::unwrap(t).dim());
  DD_CATCH_PREFIX("dim: ")
}

int dd_tensor_shape(dd_tensor t, int64_t* out, int32_t cap) {
  DD_TRY
  auto sizes = dd::unwrap(t).sizes();
  dd::checked_array(out, cap, "shape buffer");
  if (static_cast<int64_t>(sizes.size()) > cap) throw std::invalid_argument("shape buffer too small");
  for (size_t k = 0; k < sizes.size(); ++k) out[k] = sizes[k];
  DD_CATCH_PREFIX("shape: ")
}

int dd_tensor_strides(dd_tensor t, int64_t* out, int32_t cap) {
  DD_TRY
  auto strides = dd::unwrap(t).strides();
  dd::checked_array(out, cap, "stride buffer");
  if (static_cast<int64_t>(strides.size()) > cap) throw std::invalid_argument("stride buffer too small");
  for (size_t k = 0; k < strides.size(); ++k) out[k] = strides[k];
  DD_CATCH_PREFIX("strides: ")
}

int dd_tensor_numel(dd_tensor t, int64_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = dd::unwrap(t).numel();
  DD_CATCH_PREFIX("numel: ")
}

int dd_tensor_storage_offset(dd_tensor t, int64_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = dd::unwrap(t).storage_offset();
  DD_CATCH_PREFIX("storage_offset: ")
}

int dd_tensor_device(dd_tensor t, int32_t* type, int32_t* index) {
  DD_TRY
  int32_t& type_out = dd::out_ref(type, "type");
  int32_t& index_out = dd::out_ref(index, "index");
  auto device = dd::unwrap(t).device();
  type_out = static_cast<int32_t>(device.type());
  index_out = device.has_index() ? device.index() : -1;
  DD_CATCH_PREFIX("device: ")
}

int dd_tensor_is_contiguous(dd_tensor t, int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = dd::unwrap(t).is_contiguous() ? 1 : 0;
  DD_CATCH_PREFIX("is_contiguous: ")
}

void* dd_tensor_data_ptr(dd_tensor t) {
  DD_TRY
  return dd::unwrap(t).data_ptr();
  DD_CATCH_RETURN("data_ptr: ", nullptr)
}

int dd_tensor_item_double(dd_tensor t, double* out) {
  DD_TRY
  double& result = dd::out_ref(out, "out");
  result = dd::unwrap(t).item<double>();
  DD_CATCH_PREFIX("item: ")
}

int dd_tensor_item_long(dd_tensor t, int64_t* out) {
  DD_TRY
  int64_t& result = dd::out_ref(out, "out");
  result = dd::unwrap(t).item<int64_t>();
  DD_CATCH_PREFIX("item: ")
}

int dd_tensor_same(dd_tensor a, dd_tensor b, int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = dd::unwrap(a).is_same(dd::unwrap(b)) ? 1 : 0;
  DD_CATCH_PREFIX("same: ")
}

// ---- autograd ----

int dd_tensor_requires_grad(dd_tensor t, int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = dd::unwrap(t).requires_grad() ? 1 : 0;
  DD_CATCH_PREFIX("requires_grad: ")
}

int dd_tensor_set_requires_grad(dd_tensor t, int value) {
  DD_TRY
  dd::unwrap(t).set_requires_grad(value != 0);
  DD_CATCH
}

int dd_tensor_grad(dd_tensor t, dd_tensor* out) {
  DD_TRY
  dd_tensor& result = dd::out_ref(out, "out");
  const at::Tensor& g = dd::unwrap(t).grad();
  result = g.defined() ? dd::wrap(g) : nullptr;
  DD_CATCH
}

int dd_tensor_set_grad(dd_tensor t, dd_tensor grad) {
  DD_TRY
  at::Tensor& target = dd::unwrap(t);
  target.mutable_grad() = grad == nullptr ? at::Tensor() : dd::unwrap(grad);
  DD_CATCH
}

// The gradients of n tensors in one call (an optimizer step asks for all of them): out[k] is a new handle, or
// NULL when tensor k has none. All or nothing: a failure half way frees the handles made so far.
int dd_tensor_grads(const dd_tensor* tensors, int64_t n, dd_tensor* out) {
  DD_TRY
  dd::checked_array(tensors, n, "tensors");
  dd::checked_array(out, n, "out");
  for (int64_t k = 0; k < n; ++k) dd::unwrap(tensors[k]);  // every handle checked before any is made
  std::vector<dd_tensor> made(static_cast<size_t>(n), nullptr);
  try {
    for (int64_t k = 0; k < n; ++k) {
      const at::Tensor& g = dd::unwrap(tensors[k]).grad();
      if (g.defined()) made[k] = dd::wrap(g);
    }
  } catch (...) {
    for (dd_tensor h : made) dd_tensor_free(h);
    throw;
  }
  std::copy(made.begin(), made.end(), out);
  DD_CATCH_PREFIX("grads: ")
}

// Clears the gradients of n tensors in one call (zero_grad(set_to_none=True)); the handles are checked first,
// so a bad one changes nothing.
int dd_tensor_clear_grads(const dd_tensor* tensors, int64_t n) {
  DD_TRY
  dd::checked_array(tensors, n, "tensors");
  for (int64_t k = 0; k < n; ++k) dd::unwrap(tensors[k]);
  for (int64_t k = 0; k < n; ++k) dd::unwrap(tensors[k]).mutable_grad().reset();
  DD_CATCH_PREFIX("clear_grads: ")
}

int dd_tensor_is_leaf(dd_tensor t, int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = dd::unwrap(t).is_leaf() ? 1 : 0;
  DD_CATCH_PREFIX("is_leaf: ")
}

int dd_backward(dd_tensor t, dd_tensor grad, int retain_graph) {
  DD_TRY
  at::Tensor& root = dd::unwrap(t);
  at::Tensor g = grad == nullptr ? at::Tensor() : dd::unwrap(grad);
  root.backward(g, retain_graph != 0);
  DD_CATCH_PREFIX("backward: ")
}

int dd_autograd_grad(const dd_tensor* outputs, const dd_tensor* grad_outputs, int32_t n_out,
                     const dd_tensor* inputs, int32_t n_in, int retain_graph, int create_graph,
                     dd_tensor* out_grads) {
  DD_TRY
  dd::checked_array(outputs, n_out, "outputs");
  dd::checked_array(inputs, n_in, "inputs");
  dd::checked_array(out_grads, n_in, "out_grads");
  torch::autograd::variable_list outs, grads, ins;
  for (int32_t k = 0; k < n_out; ++k) {
    outs.push_back(dd::unwrap(outputs[k]));
    grads.push_back(grad_outputs == nullptr || grad_outputs[k] == nullptr ? at::Tensor()
                                                                          : dd::unwrap(grad_outputs[k]));
  }
  for (int32_t k = 0; k < n_in; ++k) ins.push_back(dd::unwrap(inputs[k]));
  auto result = torch::autograd::grad(outs, ins, grads, retain_graph != 0, create_graph != 0, true);
  if (static_cast<int64_t>(result.size()) != n_in)
    throw std::logic_error("autograd returned " + std::to_string(result.size()) + " gradients for " +
                           std::to_string(n_in) + " inputs");
  // Handles are made first and handed out only when all exist, so a failure half way frees what it made.
  std::vector<dd_tensor> made(static_cast<size_t>(n_in), nullptr);
  try {
    for (int32_t k = 0; k < n_in; ++k)
      if (result[k].defined()) made[k] = dd::wrap(result[k]);
  } catch (...) {
    for (dd_tensor h : made) dd_tensor_free(h);
    throw;
  }
  for (int32_t k = 0; k < n_in; ++k) out_grads[k] = made[k];
  DD_CATCH_PREFIX("autograd.grad: ")
}

int dd_tensor_detach(dd_tensor t, dd_tensor* out) {
  DD_TRY
  dd_tensor& result = dd::out_ref(out, "out");
  result = dd::wrap(dd::unwrap(t).detach());
  DD_CATCH
}

int dd_tensor_set_data(dd_tensor t, dd_tensor data) {
  DD_TRY
  at::Tensor& target = dd::unwrap(t);
  target.set_data(dd::unwrap(data));
  DD_CATCH
}

// Grad mode is a thread-local flag: reading and setting it cannot fail, so these two return no status.
int dd_grad_enabled(void) {
  DD_TRY
  return at::GradMode::is_enabled() ? 1 : 0;
  DD_CATCH_RETURN("grad_enabled: ", 1)
}

void dd_set_grad_enabled(int enabled) {
  DD_TRY
  at::GradMode::set_enabled(enabled != 0);
  DD_CATCH_RETURN("set_grad_enabled: ", )
}

}  // extern "C"
