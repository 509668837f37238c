// Errors, threads, seeds, RNG state and optional libraries.
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <dlfcn.h>

#include "common.h"

namespace dd {

std::atomic<int64_t> live_tensors{0};

namespace {
thread_local std::string last_error;
}

void set_error(const std::string& message) {
  std::string line;
  line.reserve(message.size());
  bool pending_space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r') {
      pending_space = true;
      continue;
    }
    if (pending_space && !line.empty()) line += "; ";
    pending_space = false;
    line += c;
  }
  last_error = line;
}

const char* get_error() { return last_error.c_str(); }

}  // namespace dd

extern "C" {

const char* dd_last_error(void) { return dd::get_error(); }

int64_t dd_live_tensors(void) { return dd::live_tensors.load(std::memory_order_relaxed); }

void dd_set_num_threads(int32_t n) {
  try {
    at::set_num_threads(n);
  } catch (...) {
  }
}

int32_t dd_get_num_threads(void) { return at::get_num_threads(); }

void dd_manual_seed(uint64_t seed) {
  try {
    at::manual_seed(seed);
  } catch (...) {
  }
}

int dd_get_rng_state(dd_tensor* out) {
  DD_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  *out = dd::wrap(gen.get_state());
  DD_CATCH
}

int dd_set_rng_state(dd_tensor state) {
  DD_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(dd::unwrap(state));
  DD_CATCH
}

int dd_load_library(const char* path) {
  void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  if (h == nullptr) {
    const char* err = dlerror();
    dd::set_error(err ? err : "dlopen failed");
    return 0;
  }
  return 1;
}

int dd_cuda_is_available(void) { return at::hasCUDA() ? 1 : 0; }

int dd_cuda_device_count(void) {
  try {
    return at::hasCUDA() ? static_cast<int>(at::getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}

}  // extern "C"
