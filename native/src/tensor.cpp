// Tensor handles: creation from managed buffers, copies back, metadata, autograd hooks.
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/generated/variable_factories.h>

#include <cstring>

#include "common.h"

namespace {

at::Tensor contiguous_cpu(const at::Tensor& t) {
  at::Tensor c = t.detach();
  if (!c.device().is_cpu()) c = c.to(at::kCPU);
  return c.contiguous();
}

}  // namespace

extern "C" {

void dd_tensor_free(dd_tensor t) {
  if (t == nullptr) return;
  delete static_cast<at::Tensor*>(t);
  dd::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

int dd_tensor_from_data(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim, dd_tensor* out) {
  DD_TRY
  if (ndim < 0) throw std::invalid_argument("negative number of dimensions");
  std::vector<int64_t> sizes(shape, shape + ndim);
  for (int64_t s : sizes)
    if (s < 0) throw std::invalid_argument("negative dimension size");
  auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  at::Tensor t = at::empty(sizes, options);
  if (data != nullptr && t.numel() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
  *out = dd::wrap(std::move(t));
  DD_CATCH
}

int dd_tensor_copy_to(dd_tensor t, void* dst, int64_t nbytes) {
  DD_TRY
  at::Tensor c = contiguous_cpu(dd::unwrap(t));
  if (static_cast<int64_t>(c.nbytes()) != nbytes)
    throw std::invalid_argument("copy_to: buffer has " + std::to_string(nbytes) + " bytes, tensor has " +
                                std::to_string(c.nbytes()));
  if (nbytes > 0) std::memcpy(dst, c.data_ptr(), nbytes);
  DD_CATCH
}

int dd_tensor_clone_handle(dd_tensor t, dd_tensor* out) {
  DD_TRY
  *out = dd::wrap(dd::unwrap(t));
  DD_CATCH
}

int32_t dd_tensor_dtype(dd_tensor t) { return static_cast<int32_t>(dd::unwrap(t).scalar_type()); }

int32_t dd_tensor_dim(dd_tensor t) { return static_cast<int32_t>(dd::unwrap(t).dim()); }

int dd_tensor_shape(dd_tensor t, int64_t* out, int32_t cap) {
  DD_TRY
  auto sizes = dd::unwrap(t).sizes();
  if (static_cast<int32_t>(sizes.size()) > cap) throw std::invalid_argument("shape buffer too small");
  for (size_t k = 0; k < sizes.size(); ++k) out[k] = sizes[k];
  DD_CATCH
}

int dd_tensor_strides(dd_tensor t, int64_t* out, int32_t cap) {
  DD_TRY
  auto strides = dd::unwrap(t).strides();
  if (static_cast<int32_t>(strides.size()) > cap) throw std::invalid_argument("stride buffer too small");
  for (size_t k = 0; k < strides.size(); ++k) out[k] = strides[k];
  DD_CATCH
}

int64_t dd_tensor_numel(dd_tensor t) { return dd::unwrap(t).numel(); }

int64_t dd_tensor_storage_offset(dd_tensor t) { return dd::unwrap(t).storage_offset(); }

void dd_tensor_device(dd_tensor t, int32_t* type, int32_t* index) {
  auto device = dd::unwrap(t).device();
  *type = static_cast<int32_t>(device.type());
  *index = device.has_index() ? device.index() : -1;
}

int dd_tensor_is_contiguous(dd_tensor t) { return dd::unwrap(t).is_contiguous() ? 1 : 0; }

void* dd_tensor_data_ptr(dd_tensor t) {
  try {
    return dd::unwrap(t).data_ptr();
  } catch (...) {
    return nullptr;
  }
}

int dd_tensor_item_double(dd_tensor t, double* out) {
  DD_TRY
  *out = dd::unwrap(t).item<double>();
  DD_CATCH
}

int dd_tensor_item_long(dd_tensor t, int64_t* out) {
  DD_TRY
  *out = dd::unwrap(t).item<int64_t>();
  DD_CATCH
}

int dd_tensor_same(dd_tensor a, dd_tensor b) { return dd::unwrap(a).is_same(dd::unwrap(b)) ? 1 : 0; }

// ---- autograd ----

int dd_tensor_requires_grad(dd_tensor t) { return dd::unwrap(t).requires_grad() ? 1 : 0; }

int dd_tensor_set_requires_grad(dd_tensor t, int value) {
  DD_TRY
  dd::unwrap(t).set_requires_grad(value != 0);
  DD_CATCH
}

int dd_tensor_grad(dd_tensor t, dd_tensor* out) {
  DD_TRY
  const at::Tensor& g = dd::unwrap(t).grad();
  *out = g.defined() ? dd::wrap(g) : nullptr;
  DD_CATCH
}

int dd_tensor_set_grad(dd_tensor t, dd_tensor grad) {
  DD_TRY
  dd::unwrap(t).mutable_grad() = grad == nullptr ? at::Tensor() : dd::unwrap(grad);
  DD_CATCH
}

int dd_tensor_is_leaf(dd_tensor t) { return dd::unwrap(t).is_leaf() ? 1 : 0; }

int dd_backward(dd_tensor t, dd_tensor grad, int retain_graph) {
  DD_TRY
  at::Tensor g = grad == nullptr ? at::Tensor() : dd::unwrap(grad);
  dd::unwrap(t).backward(g, retain_graph != 0);
  DD_CATCH_PREFIX("backward: ")
}

int dd_autograd_grad(const dd_tensor* outputs, const dd_tensor* grad_outputs, int32_t n_out,
                     const dd_tensor* inputs, int32_t n_in, int retain_graph, int create_graph,
                     dd_tensor* out_grads) {
  DD_TRY
  torch::autograd::variable_list outs, grads, ins;
  for (int32_t k = 0; k < n_out; ++k) {
    outs.push_back(dd::unwrap(outputs[k]));
    grads.push_back(grad_outputs == nullptr || grad_outputs[k] == nullptr ? at::Tensor()
                                                                          : dd::unwrap(grad_outputs[k]));
  }
  for (int32_t k = 0; k < n_in; ++k) ins.push_back(dd::unwrap(inputs[k]));
  auto result = torch::autograd::grad(outs, ins, grads, retain_graph != 0, create_graph != 0, true);
  for (int32_t k = 0; k < n_in; ++k) out_grads[k] = result[k].defined() ? dd::wrap(result[k]) : nullptr;
  DD_CATCH_PREFIX("autograd.grad: ")
}

int dd_tensor_detach(dd_tensor t, dd_tensor* out) {
  DD_TRY
  *out = dd::wrap(dd::unwrap(t).detach());
  DD_CATCH
}

int dd_tensor_set_data(dd_tensor t, dd_tensor data) {
  DD_TRY
  dd::unwrap(t).set_data(dd::unwrap(data));
  DD_CATCH
}

int dd_grad_enabled(void) { return at::GradMode::is_enabled() ? 1 : 0; }

void dd_set_grad_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }

}  // extern "C"
