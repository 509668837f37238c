// Greedy non-maximum suppression with an optional cap on the boxes kept.
//
// Same decisions as torchvision's CPU nms (boxes visited in descending score order, ties by index as its
// stable sort does; a box suppressed when its IoU with a kept box exceeds the threshold; IoU =
// inter / (area_i + area_j - inter) in the boxes' type; areas (x2 - x1)(y2 - y1)), so results are identical. Two differences make it faster:
// coordinates are gathered in visiting order once, so the inner loop reads memory sequentially; and with
// max_keep > 0 it stops after max_keep boxes are kept. Because the greedy pass decides boxes in score order,
// the first max_keep kept boxes never depend on later ones: the capped result is exactly the prefix of the
// full one. RPN proposals keep ≤ 1000 of several thousand candidates, so most of the work is skipped.
#include <cmath>
#include <limits>
#include <vector>

#include "common.h"

namespace {

// The smallest T strictly greater than the double threshold. torchvision compares `iou > threshold` with
// the IoU promoted to double; `iou >= strict_bound<T>(threshold)` is the same test for every T value (the
// bound's float predecessor is <= threshold because float rounding is to nearest), but stays in T, so the
// inner loop vectorises (a float-to-double conversion per pair made it 13x slower).
template <typename T>
T strict_bound(double threshold) {
  T bound = static_cast<T>(threshold);
  if (static_cast<double>(bound) <= threshold) bound = std::nextafter(bound, std::numeric_limits<T>::infinity());
  return bound;
}

template <typename T>
at::Tensor greedy_nms(const at::Tensor& boxes, const at::Tensor& scores, double threshold, int64_t max_keep) {
  const int64_t n = boxes.size(0);
  if (n == 0) return at::empty({0}, boxes.options().dtype(at::kLong));
  at::Tensor order_t = std::get<1>(scores.sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  at::Tensor sorted = boxes.index_select(0, order_t).contiguous();
  const T* b = sorted.data_ptr<T>();
  const int64_t* order = order_t.data_ptr<int64_t>();
  std::vector<T> x1(n), y1(n), x2(n), y2(n), area(n);
  for (int64_t k = 0; k < n; ++k) {
    x1[k] = b[4 * k];
    y1[k] = b[4 * k + 1];
    x2[k] = b[4 * k + 2];
    y2[k] = b[4 * k + 3];
    area[k] = (x2[k] - x1[k]) * (y2[k] - y1[k]);
  }
  std::vector<uint8_t> suppressed(n, 0);
  const T bound = strict_bound<T>(threshold);
  const int64_t cap = max_keep > 0 ? std::min(max_keep, n) : n;
  at::Tensor keep_t = at::empty({cap}, boxes.options().dtype(at::kLong));
  int64_t* keep = keep_t.data_ptr<int64_t>();
  int64_t kept = 0;
  for (int64_t i = 0; i < n && kept < cap; ++i) {
    if (suppressed[i]) continue;
    keep[kept++] = order[i];
    if (kept == cap) break;
    const T ix1 = x1[i], iy1 = y1[i], ix2 = x2[i], iy2 = y2[i], iarea = area[i];
    // Branch-free so that the compiler vectorises it: a box already suppressed stays suppressed, and the
    // IoU of every other box is computed and compared exactly as torchvision's scalar loop does.
    const T* px1 = x1.data();
    const T* py1 = y1.data();
    const T* px2 = x2.data();
    const T* py2 = y2.data();
    const T* parea = area.data();
    uint8_t* sup = suppressed.data();
    for (int64_t j = i + 1; j < n; ++j) {
      const T w = std::max(static_cast<T>(0), std::min(ix2, px2[j]) - std::max(ix1, px1[j]));
      const T h = std::max(static_cast<T>(0), std::min(iy2, py2[j]) - std::max(iy1, py1[j]));
      const T inter = w * h;
      sup[j] |= static_cast<uint8_t>(inter / (iarea + parea[j] - inter) >= bound);
    }
  }
  return keep_t.narrow(0, 0, kept);
}

}  // namespace

extern "C" int dd_nms(dd_tensor boxes, dd_tensor scores, double iou_threshold, int64_t max_keep, dd_tensor* out) {
  DD_TRY
  dd_tensor& keep = dd::out_ref(out, "out");
  const at::Tensor& b = dd::unwrap(boxes);
  const at::Tensor& s = dd::unwrap(scores);
  TORCH_CHECK(b.dim() == 2 && b.size(1) == 4, "boxes must be (N, 4), got ", b.sizes());
  TORCH_CHECK(s.dim() == 1 && s.size(0) == b.size(0), "scores must be (N) with N = ", b.size(0), ", got ", s.sizes());
  TORCH_CHECK(b.scalar_type() == s.scalar_type(), "boxes and scores must have the same dtype");
  TORCH_CHECK(b.device().is_cpu(), "DynDet's nms runs on the CPU; use torchvision's for other devices");
  at::NoGradGuard no_grad;
  at::Tensor result;
  AT_DISPATCH_FLOATING_TYPES(b.scalar_type(), "nms", [&] { result = greedy_nms<scalar_t>(b, s, iou_threshold, max_keep); });
  keep = dd::wrap(std::move(result));
  DD_CATCH_PREFIX("nms: ")
}
