// DynDet's RoIAlign: the arithmetic of torchvision 0.14's CPU kernel (roi_align_kernel.cpp and
// roi_align_common.h), float operation for float operation, so results are bit-identical, but
// parallel: the forward pass over RoIs, the backward pass over channels.
//
// Why a kernel of our own: torchvision's CPU kernels run on one thread, and its backward recomputes
// every sample's bilinear weights once per channel; in a Faster R-CNN training step at 320² they
// cost about a third of the step. Here each RoI's samples are computed once and then reused by every
// channel, and the backward gives each thread whole channel planes of grad_input, so there are no
// races, no atomics, and every grad_input element receives its contributions in torchvision's order
// (RoI, bin row, bin column, sample row, sample column, corner): the same sums, bit for bit.
//
// This file is compiled with -ffp-contract=off (CMakeLists.txt): a fused multiply-add would round
// differently from torchvision's separate multiply and add.
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "common.h"

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Backward RoI blocks hold at most this many samples (32 bytes each for float): they stay in L2
// while every channel of the block is processed.
constexpr int64_t kBackwardBlockSamples = 1 << 15;

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument("roi_align: " + message); }

// One RoI mapped onto the feature map, computed as torchvision computes it (in T, from a T scale).
template <typename T>
struct RoiGeometry {
  int64_t batch = 0;
  T start_h = 0, start_w = 0, bin_h = 0, bin_w = 0;
  int grid_h = 0, grid_w = 0;  // sampling points per bin along each axis; 0 = none
};

// The sample grid torchvision derives (ceil(roi size / pooled size) when adaptive), never negative:
// torchvision would fail to allocate for a negative grid; an empty grid pools zeros either way.
template <typename T>
int sample_grid(int64_t sampling_ratio, T roi_size, int64_t pooled, int64_t roi_index) {
  if (sampling_ratio > 0) return static_cast<int>(sampling_ratio);
  const T grid = std::ceil(roi_size / static_cast<T>(pooled));
  if (!(grid > 0)) return 0;  // also NaN
  if (grid > 1 << 20) {
    std::ostringstream message;
    message << "roi " << roi_index << " needs " << grid << " sampling points per bin side (adaptive sampling of a "
            << "huge RoI); pass a positive sampling_ratio";
    fail(message.str());
  }
  return static_cast<int>(grid);
}

template <typename T>
RoiGeometry<T> roi_geometry(const T* roi, T spatial_scale, bool aligned, int64_t pooled_h, int64_t pooled_w,
                            int64_t sampling_ratio, int64_t roi_index) {
  RoiGeometry<T> g;
  g.batch = static_cast<int64_t>(roi[0]);  // truncation, as torchvision's int conversion (range checked before)
  const T offset = aligned ? static_cast<T>(0.5) : static_cast<T>(0.0);
  const T start_w = roi[1] * spatial_scale - offset;
  const T start_h = roi[2] * spatial_scale - offset;
  const T end_w = roi[3] * spatial_scale - offset;
  const T end_h = roi[4] * spatial_scale - offset;
  T roi_w = end_w - start_w;
  T roi_h = end_h - start_h;
  if (!aligned) {  // torchvision forces malformed RoIs to 1x1 only in the legacy (unaligned) mode
    roi_w = std::max(roi_w, static_cast<T>(1.));
    roi_h = std::max(roi_h, static_cast<T>(1.));
  }
  g.start_h = start_h;
  g.start_w = start_w;
  g.bin_h = static_cast<T>(roi_h) / static_cast<T>(pooled_h);
  g.bin_w = static_cast<T>(roi_w) / static_cast<T>(pooled_w);
  g.grid_h = sample_grid<T>(sampling_ratio, roi_h, pooled_h, roi_index);
  g.grid_w = sample_grid<T>(sampling_ratio, roi_w, pooled_w, roi_index);
  return g;
}

// One bilinear sample: offsets of its four neighbours in a channel plane and their weights.
template <typename T>
struct Tap {
  int32_t p1, p2, p3, p4;
  T w1, w2, w3, w4;
};

// torchvision's bilinear rule for the sample (y, x): outside [-1, height] x [-1, width] (or NaN) it is
// empty (returns false); otherwise it is clamped to the map and weighted by the four neighbours.
// Types and literals follow torchvision's so every rounding is the same (e.g. 1. - ly is computed in
// double and rounded to T, exactly as there).
template <typename T>
inline bool bilinear_tap(int height, int width, T y, T x, Tap<T>& tap) {
  if (!(y >= -1.0 && y <= height && x >= -1.0 && x <= width)) return false;
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  int y_low = static_cast<int>(y);
  int x_low = static_cast<int>(x);
  int y_high;
  int x_high;
  if (y_low >= height - 1) {
    y_high = y_low = height - 1;
    y = static_cast<T>(y_low);
  } else {
    y_high = y_low + 1;
  }
  if (x_low >= width - 1) {
    x_high = x_low = width - 1;
    x = static_cast<T>(x_low);
  } else {
    x_high = x_low + 1;
  }
  const T ly = y - y_low;
  const T lx = x - x_low;
  const T hy = 1. - ly, hx = 1. - lx;
  tap.w1 = hy * hx;
  tap.w2 = hy * lx;
  tap.w3 = ly * hx;
  tap.w4 = ly * lx;
  tap.p1 = y_low * width + x_low;
  tap.p2 = y_low * width + x_high;
  tap.p3 = y_high * width + x_low;
  tap.p4 = y_high * width + x_high;
  return true;
}

// Calls visit(bin, y, x) for every sample of the RoI in torchvision's order (bin row, bin column,
// sample row, sample column), with coordinates computed by torchvision's expression.
template <typename T, typename Visit>
inline void for_each_sample(const RoiGeometry<T>& g, int pooled_h, int pooled_w, Visit&& visit) {
  for (int ph = 0; ph < pooled_h; ph++) {
    for (int pw = 0; pw < pooled_w; pw++) {
      const int bin = ph * pooled_w + pw;
      for (int iy = 0; iy < g.grid_h; iy++) {
        const T y = g.start_h + ph * g.bin_h + static_cast<T>(iy + .5f) * g.bin_h / static_cast<T>(g.grid_h);
        for (int ix = 0; ix < g.grid_w; ix++) {
          const T x = g.start_w + pw * g.bin_w + static_cast<T>(ix + .5f) * g.bin_w / static_cast<T>(g.grid_w);
          visit(bin, y, x);
        }
      }
    }
  }
}

struct Shape {
  int64_t batch, channels;
  int height, width;
  int pooled_h, pooled_w;
  int64_t bins() const { return static_cast<int64_t>(pooled_h) * pooled_w; }
  int64_t plane() const { return static_cast<int64_t>(height) * width; }
};

// Geometry of every RoI; checks the batch indices (torchvision reads out of bounds on a bad one).
template <typename T>
std::vector<RoiGeometry<T>> all_geometry(const at::Tensor& rois, double spatial_scale, bool aligned, const Shape& s,
                                         int64_t sampling_ratio) {
  const int64_t count = rois.size(0);
  const T* r = rois.data_ptr<T>();
  const T scale = static_cast<T>(spatial_scale);  // torchvision's kernel takes the scale as a T
  std::vector<RoiGeometry<T>> geometry(count);
  for (int64_t n = 0; n < count; n++) {
    const T index = r[n * 5];
    if (!(index > -1 && index < static_cast<T>(s.batch))) {
      std::ostringstream message;
      message << "roi " << n << " has batch index " << index << " but the input holds " << s.batch << " image(s)";
      fail(message.str());
    }
    geometry[n] = roi_geometry<T>(r + n * 5, scale, aligned, s.pooled_h, s.pooled_w, sampling_ratio, n);
  }
  return geometry;
}

template <typename T>
int64_t samples_of(const RoiGeometry<T>& g, const Shape& s) {
  return static_cast<int64_t>(g.grid_h) * g.grid_w * s.bins();
}

// ---- forward: parallel over RoIs ----

// Pools one RoI from every channel. Empty samples keep torchvision's zero-weight taps on offset 0
// (0 * v is not a no-op when v is infinite or NaN), so even non-finite inputs give its result.
template <typename T>
void pool_roi(const RoiGeometry<T>& g, const Shape& s, const T* input, T* output, std::vector<Tap<T>>& taps) {
  const int64_t per_bin = static_cast<int64_t>(g.grid_h) * g.grid_w;
  taps.resize(static_cast<size_t>(per_bin * s.bins()));
  size_t k = 0;
  for_each_sample(g, s.pooled_h, s.pooled_w, [&](int, T y, T x) {
    Tap<T>& tap = taps[k++];
    if (!bilinear_tap(s.height, s.width, y, x, tap)) tap = Tap<T>{0, 0, 0, 0, 0, 0, 0, 0};
  });
  const T count = static_cast<T>(std::max<int64_t>(per_bin, 1));
  const int64_t bins = s.bins();
  const T* image = input + g.batch * s.channels * s.plane();
  for (int64_t c = 0; c < s.channels; c++) {
    const T* plane = image + c * s.plane();
    T* out = output + c * bins;
    const Tap<T>* tap = taps.data();
    for (int64_t bin = 0; bin < bins; bin++) {
      T value = 0.;
      for (int64_t i = 0; i < per_bin; i++, tap++) {
        value += tap->w1 * plane[tap->p1] + tap->w2 * plane[tap->p2] + tap->w3 * plane[tap->p3] +
                 tap->w4 * plane[tap->p4];
      }
      value /= count;
      out[bin] = value;
    }
  }
}

template <typename T>
void forward_cpu(const at::Tensor& input, const at::Tensor& rois, double spatial_scale, const Shape& s,
                 int64_t sampling_ratio, bool aligned, at::Tensor& output) {
  const std::vector<RoiGeometry<T>> geometry = all_geometry<T>(rois, spatial_scale, aligned, s, sampling_ratio);
  const int64_t count = static_cast<int64_t>(geometry.size());
  const T* in = input.data_ptr<T>();
  T* out = output.data_ptr<T>();
  const int64_t per_roi = s.channels * s.bins();
  // RoIs differ in cost (adaptive grids, sizes), so threads take them one by one from a shared counter.
  std::atomic<int64_t> next{0};
  at::parallel_for(0, std::min<int64_t>(at::get_num_threads(), count), 1, [&](int64_t, int64_t) {
    std::vector<Tap<T>> taps;
    for (int64_t n = next.fetch_add(1); n < count; n = next.fetch_add(1))
      pool_roi<T>(geometry[n], s, in, out + n * per_roi, taps);
  });
}

// ---- backward: parallel over channels ----

// The non-empty samples of a block of RoIs, bin by bin (torchvision skips empty samples in its
// backward, so they are dropped here).
template <typename T>
struct SampleBlock {
  std::vector<Tap<T>> taps;
  std::vector<int64_t> bin_start;  // per RoI, bins + 1 offsets into taps
};

// Adds one RoI's share of one channel's gradient to that channel's plane, in torchvision's order.
// torchvision computes each corner's share as grad * w / count; when count is a power of two the
// division is replaced by the exact multiplication by its inverse (same real result, same rounding).
template <typename T, bool PowerOfTwo>
inline void scatter_roi(const Tap<T>* taps, const int64_t* bin_start, int64_t bins, const T* grad, T count,
                        T* plane) {
  const T inverse = static_cast<T>(1) / count;
  for (int64_t bin = 0; bin < bins; bin++) {
    const T g = grad[bin];
    for (int64_t k = bin_start[bin]; k < bin_start[bin + 1]; k++) {
      const Tap<T>& tap = taps[k];
      T g1, g2, g3, g4;
      if constexpr (PowerOfTwo) {
        g1 = g * tap.w1 * inverse;
        g2 = g * tap.w2 * inverse;
        g3 = g * tap.w3 * inverse;
        g4 = g * tap.w4 * inverse;
      } else {
        g1 = g * tap.w1 / count;
        g2 = g * tap.w2 / count;
        g3 = g * tap.w3 / count;
        g4 = g * tap.w4 / count;
      }
      plane[tap.p1] += g1;
      plane[tap.p2] += g2;
      plane[tap.p3] += g3;
      plane[tap.p4] += g4;
    }
  }
}

template <typename T>
void backward_cpu(const at::Tensor& grad, const at::Tensor& rois, double spatial_scale, const Shape& s,
                  int64_t sampling_ratio, bool aligned, at::Tensor& grad_input) {
  const std::vector<RoiGeometry<T>> geometry = all_geometry<T>(rois, spatial_scale, aligned, s, sampling_ratio);
  const int64_t count = static_cast<int64_t>(geometry.size());
  const int64_t bins = s.bins();
  const T* go = grad.data_ptr<T>();
  T* gi = grad_input.data_ptr<T>();
  SampleBlock<T> block;
  std::vector<int64_t> roi_start;  // per RoI of the block, its first tap
  for (int64_t first = 0; first < count;) {
    // A block: consecutive RoIs whose samples fit the budget (at least one RoI).
    int64_t last = first;
    int64_t total = 0;
    roi_start.clear();
    while (last < count && (last == first || total + samples_of(geometry[last], s) <= kBackwardBlockSamples)) {
      roi_start.push_back(total);
      total += samples_of(geometry[last], s);
      last++;
    }
    const int64_t size = last - first;
    block.taps.resize(static_cast<size_t>(total));
    block.bin_start.resize(static_cast<size_t>(size * (bins + 1)));
    at::parallel_for(0, size, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) {
        Tap<T>* taps = block.taps.data() + roi_start[i];
        int64_t* starts = block.bin_start.data() + i * (bins + 1);
        int64_t k = 0;
        int current = -1;
        for_each_sample(geometry[first + i], s.pooled_h, s.pooled_w, [&](int bin, T y, T x) {
          while (current < bin) starts[++current] = k;
          if (bilinear_tap(s.height, s.width, y, x, taps[k])) k++;
        });
        while (current < bins) starts[++current] = k;
      }
    });
    at::parallel_for(0, s.channels, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; c++) {
        for (int64_t i = 0; i < size; i++) {
          const RoiGeometry<T>& g = geometry[first + i];
          const int64_t per_bin = static_cast<int64_t>(g.grid_h) * g.grid_w;
          if (per_bin == 0) continue;
          const Tap<T>* taps = block.taps.data() + roi_start[i];
          const int64_t* starts = block.bin_start.data() + i * (bins + 1);
          const T* grad_roi = go + ((first + i) * s.channels + c) * bins;
          T* plane = gi + (g.batch * s.channels + c) * s.plane();
          const T grid_count = static_cast<T>(per_bin);  // torchvision's backward: grid_h * grid_w, no max
          if ((per_bin & (per_bin - 1)) == 0)
            scatter_roi<T, true>(taps, starts, bins, grad_roi, grid_count, plane);
          else
            scatter_roi<T, false>(taps, starts, bins, grad_roi, grid_count, plane);
        }
      }
    });
    first = last;
  }
}

// ---- checks, autograd ----

Shape check_and_shape(const at::Tensor& input, const at::Tensor& rois, int64_t pooled_h, int64_t pooled_w) {
  if (input.dim() != 4) fail("input must be 4-D (N, C, H, W), got " + std::to_string(input.dim()) + "-D");
  if (rois.dim() != 2 || rois.size(1) != 5)
    fail("rois must be (K, 5) = (batch index, x1, y1, x2, y2), got shape " + c10::str(rois.sizes()));
  if (input.scalar_type() != at::kFloat && input.scalar_type() != at::kDouble)
    fail(std::string("input must be float32 or float64, got ") + c10::toString(input.scalar_type()));
  if (rois.scalar_type() != input.scalar_type())
    fail(std::string("rois must have the input's dtype (") + c10::toString(input.scalar_type()) + "), got " +
         c10::toString(rois.scalar_type()));
  if (rois.device() != input.device())
    fail("rois are on " + rois.device().str() + " but the input is on " + input.device().str());
  if (pooled_h <= 0 || pooled_w <= 0 || pooled_h > 1 << 16 || pooled_w > 1 << 16)
    fail("output size must be positive, got " + std::to_string(pooled_h) + "x" + std::to_string(pooled_w));
  if (input.size(2) * input.size(3) > std::numeric_limits<int32_t>::max())
    fail("feature map of " + std::to_string(input.size(2)) + "x" + std::to_string(input.size(3)) + " is too large");
  return Shape{input.size(0), input.size(1), static_cast<int>(input.size(2)), static_cast<int>(input.size(3)),
               static_cast<int>(pooled_h), static_cast<int>(pooled_w)};
}

at::Tensor roi_align_forward(const at::Tensor& input_any, const at::Tensor& rois_any, double spatial_scale,
                             int64_t pooled_h, int64_t pooled_w, int64_t sampling_ratio, bool aligned) {
  const Shape s = check_and_shape(input_any, rois_any, pooled_h, pooled_w);
  const at::Tensor input = input_any.contiguous();
  const at::Tensor rois = rois_any.contiguous();
  at::Tensor output = at::zeros({rois.size(0), s.channels, pooled_h, pooled_w}, input.options());
  // No sample can land on an empty map (torchvision would read outside it).
  if (output.numel() == 0 || s.plane() == 0) return output;
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "roi_align", [&] {
    forward_cpu<scalar_t>(input, rois, spatial_scale, s, sampling_ratio, aligned, output);
  });
  return output;
}

at::Tensor roi_align_backward(const at::Tensor& grad_any, const at::Tensor& rois_any, double spatial_scale,
                              const Shape& s, int64_t sampling_ratio, bool aligned) {
  const at::Tensor grad = grad_any.contiguous();
  const at::Tensor rois = rois_any.contiguous();
  if (grad.dim() != 4 || grad.size(0) != rois.size(0) || grad.size(1) != s.channels || grad.size(2) != s.pooled_h ||
      grad.size(3) != s.pooled_w)
    fail("gradient of shape " + c10::str(grad.sizes()) + " does not match the output");
  if (grad.scalar_type() != rois.scalar_type()) fail("gradient dtype differs from the input's");
  at::Tensor grad_input = at::zeros({s.batch, s.channels, s.height, s.width}, grad.options());
  if (grad.numel() == 0 || s.plane() == 0) return grad_input;
  AT_DISPATCH_FLOATING_TYPES(grad.scalar_type(), "roi_align_backward", [&] {
    backward_cpu<scalar_t>(grad, rois, spatial_scale, s, sampling_ratio, aligned, grad_input);
  });
  return grad_input;
}

class RoiAlignFunction : public torch::autograd::Function<RoiAlignFunction> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& rois,
                            double spatial_scale, int64_t pooled_h, int64_t pooled_w, int64_t sampling_ratio,
                            bool aligned) {
    ctx->saved_data["spatial_scale"] = spatial_scale;
    ctx->saved_data["pooled_h"] = pooled_h;
    ctx->saved_data["pooled_w"] = pooled_w;
    ctx->saved_data["sampling_ratio"] = sampling_ratio;
    ctx->saved_data["aligned"] = aligned;
    ctx->saved_data["batch"] = input.size(0);
    ctx->saved_data["channels"] = input.size(1);
    ctx->saved_data["height"] = input.size(2);
    ctx->saved_data["width"] = input.size(3);
    ctx->save_for_backward({rois});
    return roi_align_forward(input, rois, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const at::Tensor& grad = grad_outputs[0];
    // The backward kernel is not itself differentiable (torchvision refuses double backward too).
    if (at::GradMode::is_enabled() && grad.requires_grad()) fail("double backward is not supported");
    const at::Tensor rois = ctx->get_saved_variables()[0];
    const auto& d = ctx->saved_data;
    const Shape s{d.at("batch").toInt(), d.at("channels").toInt(), static_cast<int>(d.at("height").toInt()),
                  static_cast<int>(d.at("width").toInt()), static_cast<int>(d.at("pooled_h").toInt()),
                  static_cast<int>(d.at("pooled_w").toInt())};
    at::Tensor grad_input;
    if (grad.defined())
      grad_input = roi_align_backward(grad, rois, d.at("spatial_scale").toDouble(), s,
                                      d.at("sampling_ratio").toInt(), d.at("aligned").toBool());
    return {grad_input, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// Other devices use torchvision's own kernels (they must be loaded: dd_load_library).
at::Tensor roi_align_torchvision(const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                                 int64_t pooled_h, int64_t pooled_w, int64_t sampling_ratio, bool aligned) {
  auto handle = c10::Dispatcher::singleton().findSchema({"torchvision::roi_align", ""});
  if (!handle.has_value())
    fail("input on " + input.device().str() + " needs torchvision's ops, which are not loaded");
  return handle->typed<at::Tensor(const at::Tensor&, const at::Tensor&, double, int64_t, int64_t, int64_t, bool)>()
      .call(input, rois, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned);
}

}  // namespace

extern "C" {

int dd_roi_align(dd_tensor input, dd_tensor rois, double spatial_scale, int64_t pooled_h, int64_t pooled_w,
                 int64_t sampling_ratio, int aligned, dd_tensor* out) {
  DD_TRY
  const at::Tensor& x = dd::unwrap(input);
  const at::Tensor& r = dd::unwrap(rois);
  check_and_shape(x, r, pooled_h, pooled_w);
  at::Tensor result = x.device().is_cpu()
                          ? RoiAlignFunction::apply(x, r, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned != 0)
                          : roi_align_torchvision(x, r, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned != 0);
  *out = dd::wrap(std::move(result));
  DD_CATCH
}

}  // extern "C"
