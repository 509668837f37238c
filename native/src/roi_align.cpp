// DynDet's RoIAlign: the arithmetic of torchvision 0.14's CPU kernel (roi_align_kernel.cpp and
// roi_align_common.h), float operation for float operation, so results are bit-identical, but
// multi-threaded and vectorised.
//
// Why a kernel of our own: torchvision's CPU kernels run on one thread, and its backward recomputes
// every sample's bilinear weights once per channel; in a Faster R-CNN training step at 320² they
// cost about a third of the step. Here each RoI's samples are computed once and reused by every
// channel, as vectors over channels of channels-last copies, and both passes give each thread whole
// channels: no races, no atomics, and every element of the output and of grad_input sees
// torchvision's operations in torchvision's order (for grad_input: RoI, bin row, bin column, sample
// row, sample column, corner), so the sums are the same bit for bit, whatever the thread count.
//
// This file is compiled with -ffp-contract=off (CMakeLists.txt): a fused multiply-add would round
// differently from torchvision's separate multiply and add.
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "common.h"

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Samples are prepared for blocks of RoIs of at most this many samples (32 bytes each for float, so
// 8 MiB), so that memory stays bounded whatever the RoIs and grids.
constexpr int64_t kBlockSamples = 1 << 18;

// A single RoI may not need more sampling points than this (an adaptive grid on a huge RoI).
constexpr int64_t kMaxRoiSamples = int64_t{1} << 28;

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

template <typename T>
int64_t samples_of(const RoiGeometry<T>& g, const Shape& s) {
  return static_cast<int64_t>(g.grid_h) * g.grid_w * s.bins();
}

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
    if (samples_of(geometry[n], s) > kMaxRoiSamples) {
      std::ostringstream message;
      message << "roi " << n << " needs " << samples_of(geometry[n], s) << " sampling points (adaptive sampling of a "
              << "huge RoI); pass a positive sampling_ratio";
      fail(message.str());
    }
  }
  return geometry;
}

// ---- layout: channel chunks of channels-last copies, blocks of prepared samples ----
// Both passes work on channels-last copies of the feature map, cut into chunks of channels: a
// sample's four neighbours are then four contiguous channel vectors and every inner loop is an
// elementwise loop over channels that the compiler vectorises. Lanes never mix, so each element
// still sees torchvision's exact sequence of operations. Threads own whole chunks (forward and
// backward alike): no races.
// The loops are compiled twice, for AVX2 and for baseline x86-64, and the AVX2 build is chosen when
// the CPU has it (AVX2 only: FMA stays off, see above).

#define DD_INLINE inline __attribute__((always_inline))

// Bytes of one image's chunk (channels-last) aimed at. Measured on the Faster R-CNN workload (80²
// maps, 256 channels): chunks of 128-256 channels beat L2-sized ones of 8-40, as the per-sample work
// is then spread over more channels; smaller chunks only come with more threads or larger maps.
constexpr int64_t kChunkBytes = 1 << 22;

// Channel ranges owned by threads: widths a multiple of 8 (one AVX2 vector of floats), a count that
// is a multiple of the thread count where the channels allow (balanced work).
struct Chunks {
  int64_t channels, width, count;
  int64_t begin(int64_t k) const { return k * width; }
  int64_t end(int64_t k) const { return std::min(channels, (k + 1) * width); }
};

Chunks channel_chunks(const Shape& s, int64_t element_bytes) {
  const int64_t threads = std::max<int64_t>(1, at::get_num_threads());
  const int64_t fits = std::max<int64_t>(8, kChunkBytes / std::max<int64_t>(1, s.plane() * element_bytes) / 8 * 8);
  int64_t count = (s.channels + fits - 1) / fits;
  count = (count + threads - 1) / threads * threads;
  const int64_t width = ((s.channels + count - 1) / count + 7) / 8 * 8;
  return Chunks{s.channels, width, (s.channels + width - 1) / width};
}

// dst[j * dst_stride + i] = src[i * src_stride + j] for i < rows, j < cols, in cache-sized tiles
// (libtorch's strided copy is several times slower for this shape of transposition).
template <typename T>
void transpose(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows, int64_t cols) {
  constexpr int64_t tile = 32;
  for (int64_t i0 = 0; i0 < rows; i0 += tile) {
    const int64_t i1 = std::min(rows, i0 + tile);
    for (int64_t j0 = 0; j0 < cols; j0 += tile) {
      const int64_t j1 = std::min(cols, j0 + tile);
      for (int64_t j = j0; j < j1; j++)
        for (int64_t i = i0; i < i1; i++) dst[j * dst_stride + i] = src[i * src_stride + j];
    }
  }
}

// The samples of consecutive RoIs [first, first + size), bin by bin.
template <typename T>
struct SampleBlock {
  int64_t first = 0, size = 0;
  std::vector<Tap<T>> taps;
  std::vector<int64_t> roi_start;  // per RoI, its first tap
  std::vector<int64_t> bin_start;  // per RoI, bins + 1 offsets into its taps
};

// Prepares the next block, starting at RoI `first`, of at most kBlockSamples samples (at least one
// RoI). The forward pass keeps every sample, empty ones as torchvision's zero-weight taps on offset
// 0 (0 * v is not a no-op when v is infinite or NaN); the backward pass (Compact) drops them, as
// torchvision's backward skips them.
template <typename T, bool Compact>
void prepare_block(const std::vector<RoiGeometry<T>>& geometry, int64_t first, const Shape& s, SampleBlock<T>& block) {
  const int64_t count = static_cast<int64_t>(geometry.size());
  const int64_t bins = s.bins();
  int64_t last = first;
  int64_t total = 0;
  block.roi_start.clear();
  while (last < count && (last == first || total + samples_of(geometry[last], s) <= kBlockSamples)) {
    block.roi_start.push_back(total);
    total += samples_of(geometry[last], s);
    last++;
  }
  block.first = first;
  block.size = last - first;
  block.taps.resize(static_cast<size_t>(total));
  block.bin_start.resize(static_cast<size_t>(block.size * (bins + 1)));
  at::parallel_for(0, block.size, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      Tap<T>* taps = block.taps.data() + block.roi_start[i];
      int64_t* starts = block.bin_start.data() + i * (bins + 1);
      int64_t k = 0;
      int current = -1;
      for_each_sample(geometry[first + i], s.pooled_h, s.pooled_w, [&](int bin, T y, T x) {
        while (current < bin) starts[++current] = k;
        if (bilinear_tap(s.height, s.width, y, x, taps[k]))
          k++;
        else if (!Compact)
          taps[k++] = Tap<T>{0, 0, 0, 0, 0, 0, 0, 0};
      });
      while (current < bins) starts[++current] = k;
    }
  });
}

bool has_avx2() {
  static const bool value = __builtin_cpu_supports("avx2");
  return value;
}

// ---- forward ----

// acc[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c], left to right as in torchvision.
template <typename T>
DD_INLINE void accumulate_tap(T* __restrict__ acc, const T* __restrict__ v1, const T* __restrict__ v2,
                              const T* __restrict__ v3, const T* __restrict__ v4, const Tap<T>& tap, int64_t n) {
  const T w1 = tap.w1, w2 = tap.w2, w3 = tap.w3, w4 = tap.w4;
  for (int64_t c = 0; c < n; c++) acc[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c];
}

// Pools the block's RoIs from one chunk, channels-last (N, H, W, width), into output (K, C, bins).
template <typename T>
DD_INLINE void pool_chunk_body(const std::vector<RoiGeometry<T>>& geometry, const SampleBlock<T>& block,
                               const Shape& s, const T* chunk, int64_t c0, int64_t width, T* output,
                               std::vector<T>& acc) {
  const int64_t bins = s.bins();
  acc.resize(static_cast<size_t>(bins * width));
  for (int64_t i = 0; i < block.size; i++) {
    const RoiGeometry<T>& g = geometry[block.first + i];
    const T count = static_cast<T>(std::max<int64_t>(static_cast<int64_t>(g.grid_h) * g.grid_w, 1));
    const T* image = chunk + g.batch * s.plane() * width;
    const Tap<T>* taps = block.taps.data() + block.roi_start[i];
    const int64_t* starts = block.bin_start.data() + i * (bins + 1);
    for (int64_t bin = 0; bin < bins; bin++) {
      T* a = acc.data() + bin * width;
      for (int64_t c = 0; c < width; c++) a[c] = 0.;
      for (int64_t k = starts[bin]; k < starts[bin + 1]; k++) {
        const Tap<T>& tap = taps[k];
        accumulate_tap(a, image + int64_t{tap.p1} * width, image + int64_t{tap.p2} * width,
                       image + int64_t{tap.p3} * width, image + int64_t{tap.p4} * width, tap, width);
      }
      for (int64_t c = 0; c < width; c++) a[c] /= count;
    }
    transpose(acc.data(), width, output + ((block.first + i) * s.channels + c0) * bins, bins, bins, width);
  }
}

template <typename T>
__attribute__((target("avx2"))) void pool_chunk_avx2(const std::vector<RoiGeometry<T>>& geometry,
                                                     const SampleBlock<T>& block, const Shape& s, const T* chunk,
                                                     int64_t c0, int64_t width, T* output, std::vector<T>& acc) {
  pool_chunk_body<T>(geometry, block, s, chunk, c0, width, output, acc);
}

template <typename T>
void pool_chunk_baseline(const std::vector<RoiGeometry<T>>& geometry, const SampleBlock<T>& block, const Shape& s,
                         const T* chunk, int64_t c0, int64_t width, T* output, std::vector<T>& acc) {
  pool_chunk_body<T>(geometry, block, s, chunk, c0, width, output, acc);
}

template <typename T>
void forward_cpu(const at::Tensor& input, const at::Tensor& rois, double spatial_scale, const Shape& s,
                 int64_t sampling_ratio, bool aligned, at::Tensor& output) {
  const std::vector<RoiGeometry<T>> geometry = all_geometry<T>(rois, spatial_scale, aligned, s, sampling_ratio);
  const int64_t count = static_cast<int64_t>(geometry.size());
  const Chunks chunks = channel_chunks(s, sizeof(T));
  const auto pool = has_avx2() ? pool_chunk_avx2<T> : pool_chunk_baseline<T>;
  const T* in = input.data_ptr<T>();
  T* out = output.data_ptr<T>();
  // Each chunk of the input, channels-last (N, H, W, width); its owner makes it on first use.
  std::vector<std::vector<T>> copies(static_cast<size_t>(chunks.count));
  SampleBlock<T> block;
  for (int64_t first = 0; first < count; first += block.size) {
    prepare_block<T, false>(geometry, first, s, block);
    at::parallel_for(0, chunks.count, 1, [&](int64_t begin, int64_t end) {
      std::vector<T> acc;
      for (int64_t k = begin; k < end; k++) {
        const int64_t c0 = chunks.begin(k), width = chunks.end(k) - c0;
        std::vector<T>& copy = copies[k];
        if (copy.empty()) {
          copy.resize(static_cast<size_t>(s.batch * s.plane() * width));
          for (int64_t image = 0; image < s.batch; image++)
            transpose(in + (image * s.channels + c0) * s.plane(), s.plane(), copy.data() + image * s.plane() * width,
                      width, width, s.plane());
        }
        pool(geometry, block, s, copy.data(), c0, width, out, acc);
      }
    });
  }
}

// ---- backward ----

// dst[c] += grad[c] * w / count (or * inverse, when that is exact). One corner per call: corners can
// share a pixel at the map's border, and torchvision adds them one after the other.
template <typename T, bool PowerOfTwo>
DD_INLINE void scatter_corner(T* __restrict__ dst, const T* __restrict__ grad, T w, T count, T inverse, int64_t n) {
  if constexpr (PowerOfTwo) {
    for (int64_t c = 0; c < n; c++) dst[c] += grad[c] * w * inverse;
  } else {
    for (int64_t c = 0; c < n; c++) dst[c] += grad[c] * w / count;
  }
}

// Adds the gradient of the block's RoIs to channels [c0, c0 + width), held channels-last in chunk
// (N, H, W, width), in torchvision's order (RoI, bin, sample, corner) for every element.
template <typename T>
DD_INLINE void scatter_chunk_body(const std::vector<RoiGeometry<T>>& geometry, const SampleBlock<T>& block,
                                  const Shape& s, const T* grad, int64_t c0, int64_t width, T* chunk,
                                  std::vector<T>& local) {
  const int64_t bins = s.bins();
  local.resize(static_cast<size_t>(bins * width));
  for (int64_t i = 0; i < block.size; i++) {
    const RoiGeometry<T>& g = geometry[block.first + i];
    const int64_t per_bin = static_cast<int64_t>(g.grid_h) * g.grid_w;
    if (per_bin == 0) continue;
    // This RoI's gradient for the chunk's channels, bins-major: local[bin][c].
    transpose(grad + ((block.first + i) * s.channels + c0) * bins, bins, local.data(), width, width, bins);
    const Tap<T>* taps = block.taps.data() + block.roi_start[i];
    const int64_t* starts = block.bin_start.data() + i * (bins + 1);
    T* image = chunk + g.batch * s.plane() * width;
    const T count = static_cast<T>(per_bin);  // torchvision's backward: grid_h * grid_w, no max
    const T inverse = static_cast<T>(1) / count;
    const bool power_of_two = (per_bin & (per_bin - 1)) == 0;
    for (int64_t bin = 0; bin < bins; bin++) {
      const T* gb = local.data() + bin * width;
      for (int64_t k = starts[bin]; k < starts[bin + 1]; k++) {
        const Tap<T>& tap = taps[k];
        T* d1 = image + int64_t{tap.p1} * width;
        T* d2 = image + int64_t{tap.p2} * width;
        T* d3 = image + int64_t{tap.p3} * width;
        T* d4 = image + int64_t{tap.p4} * width;
        if (power_of_two) {
          scatter_corner<T, true>(d1, gb, tap.w1, count, inverse, width);
          scatter_corner<T, true>(d2, gb, tap.w2, count, inverse, width);
          scatter_corner<T, true>(d3, gb, tap.w3, count, inverse, width);
          scatter_corner<T, true>(d4, gb, tap.w4, count, inverse, width);
        } else {
          scatter_corner<T, false>(d1, gb, tap.w1, count, inverse, width);
          scatter_corner<T, false>(d2, gb, tap.w2, count, inverse, width);
          scatter_corner<T, false>(d3, gb, tap.w3, count, inverse, width);
          scatter_corner<T, false>(d4, gb, tap.w4, count, inverse, width);
        }
      }
    }
  }
}

template <typename T>
__attribute__((target("avx2"))) void scatter_chunk_avx2(const std::vector<RoiGeometry<T>>& geometry,
                                                        const SampleBlock<T>& block, const Shape& s, const T* grad,
                                                        int64_t c0, int64_t width, T* chunk, std::vector<T>& local) {
  scatter_chunk_body<T>(geometry, block, s, grad, c0, width, chunk, local);
}

template <typename T>
void scatter_chunk_baseline(const std::vector<RoiGeometry<T>>& geometry, const SampleBlock<T>& block, const Shape& s,
                            const T* grad, int64_t c0, int64_t width, T* chunk, std::vector<T>& local) {
  scatter_chunk_body<T>(geometry, block, s, grad, c0, width, chunk, local);
}

template <typename T>
at::Tensor backward_cpu(const at::Tensor& grad, const at::Tensor& rois, double spatial_scale, const Shape& s,
                        int64_t sampling_ratio, bool aligned) {
  const std::vector<RoiGeometry<T>> geometry = all_geometry<T>(rois, spatial_scale, aligned, s, sampling_ratio);
  const int64_t count = static_cast<int64_t>(geometry.size());
  const Chunks chunks = channel_chunks(s, sizeof(T));
  const auto scatter = has_avx2() ? scatter_chunk_avx2<T> : scatter_chunk_baseline<T>;
  const T* go = grad.data_ptr<T>();
  // Each chunk's gradient, channels-last (N, H, W, width); its owner allocates and zeroes it.
  std::vector<std::vector<T>> sums(static_cast<size_t>(chunks.count));
  SampleBlock<T> block;
  for (int64_t first = 0; first < count; first += block.size) {
    prepare_block<T, true>(geometry, first, s, block);
    at::parallel_for(0, chunks.count, 1, [&](int64_t begin, int64_t end) {
      std::vector<T> local;
      for (int64_t k = begin; k < end; k++) {
        const int64_t c0 = chunks.begin(k), width = chunks.end(k) - c0;
        std::vector<T>& sum = sums[k];
        if (sum.empty()) sum.assign(static_cast<size_t>(s.batch * s.plane() * width), T(0));
        scatter(geometry, block, s, go, c0, width, sum.data(), local);
      }
    });
  }
  // Back to (N, C, H, W): each chunk's owner transposes its channels.
  at::Tensor grad_input = at::empty({s.batch, s.channels, s.height, s.width}, grad.options());
  T* gi = grad_input.data_ptr<T>();
  at::parallel_for(0, chunks.count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; k++) {
      const int64_t c0 = chunks.begin(k), width = chunks.end(k) - c0;
      std::vector<T>& sum = sums[k];
      for (int64_t image = 0; image < s.batch; image++) {
        T* dst = gi + (image * s.channels + c0) * s.plane();
        if (sum.empty())
          std::fill(dst, dst + width * s.plane(), T(0));  // no RoI at all
        else
          transpose(sum.data() + image * s.plane() * width, width, dst, s.plane(), s.plane(), width);
      }
      std::vector<T>().swap(sum);
    }
  });
  return grad_input;
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
  // No sample can land on an empty map (torchvision would read outside it).
  if (rois.size(0) * s.channels * s.bins() == 0 || s.plane() == 0)
    return at::zeros({rois.size(0), s.channels, pooled_h, pooled_w}, input.options());
  at::Tensor output = at::empty({rois.size(0), s.channels, pooled_h, pooled_w}, input.options());  // all written
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
  if (grad.numel() == 0 || s.plane() == 0)
    return at::zeros({s.batch, s.channels, s.height, s.width}, grad.options());
  return AT_DISPATCH_FLOATING_TYPES(grad.scalar_type(), "roi_align_backward", [&] {
    return backward_cpu<scalar_t>(grad, rois, spatial_scale, s, sampling_ratio, aligned);
  });
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
  dd_tensor& pooled = dd::out_ref(out, "out");
  const at::Tensor& x = dd::unwrap(input);
  const at::Tensor& r = dd::unwrap(rois);
  at::Tensor result;
  if (x.device().is_cpu()) {
    check_and_shape(x, r, pooled_h, pooled_w);
    result = RoiAlignFunction::apply(x, r, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned != 0);
  } else {
    result = roi_align_torchvision(x, r, spatial_scale, pooled_h, pooled_w, sampling_ratio, aligned != 0);
  }
  pooled = dd::wrap(std::move(result));
  DD_CATCH
}

}  // extern "C"
