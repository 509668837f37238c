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
// Set when even the message could not be stored (out of memory): dd_last_error() then returns this.
thread_local const char* last_error_fallback = nullptr;
}

void set_error(const char* prefix, const char* message) noexcept {
  try {
    std::string line;
    bool pending_space = false;
    for (const char* part : {prefix, message}) {
      for (const char* c = part == nullptr ? "" : part; *c != '\0'; ++c) {
        if (*c == '\n' || *c == '\r') {
          pending_space = true;
          continue;
        }
        if (pending_space && !line.empty()) line += "; ";
        pending_space = false;
        line += *c;
      }
    }
    last_error = std::move(line);
    last_error_fallback = nullptr;
  } catch (...) {
    last_error_fallback = "native error (its message could not be stored: out of memory)";
  }
}

const char* get_error() noexcept {
  return last_error_fallback != nullptr ? last_error_fallback : last_error.c_str();
}

}  // namespace dd

extern "C" {

const char* dd_last_error(void) { return dd::get_error(); }

int64_t dd_live_tensors(void) { return dd::live_tensors.load(std::memory_order_relaxed); }

int dd_set_num_threads(int32_t n) {
  DD_TRY
  if (n < 1) throw std::invalid_argument("number of threads must be at least 1, got " + std::to_string(n));
  at::set_num_threads(n);
  DD_CATCH_PREFIX("set_num_threads: ")
}

int dd_get_num_threads(int32_t* out) {
  DD_TRY
  dd::out_ref(out, "out") = at::get_num_threads();
  DD_CATCH_PREFIX("get_num_threads: ")
}

int dd_manual_seed(uint64_t seed) {
  DD_TRY
  at::manual_seed(seed);
  DD_CATCH_PREFIX("manual_seed: ")
}

int dd_get_rng_state(dd_tensor* out) {
  DD_TRY
  dd_tensor& result = dd::out_ref(out, "out");
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  result = dd::wrap(gen.get_state());
  DD_CATCH
}

int dd_set_rng_state(dd_tensor state) {
  DD_TRY
  const at::Tensor& s = dd::unwrap(state);
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(s);
  DD_CATCH
}

int dd_load_library(const char* path) {
  DD_TRY
  // dlopen(NULL) returns the main program, which would read as "loaded".
  if (path == nullptr) throw std::invalid_argument("null library path");
  void* h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  if (h == nullptr) {
    const char* err = dlerror();
    dd::set_error("", err ? err : "dlopen failed");
    return 0;
  }
  return 1;
  DD_CATCH_RETURN("load_library: ", 0)
}

int dd_cuda_is_available(void) {
  DD_TRY
  return at::hasCUDA() ? 1 : 0;
  DD_CATCH_RETURN("cuda_is_available: ", 0)
}

int dd_cuda_device_count(void) {
  DD_TRY
  return at::hasCUDA() ? static_cast<int>(at::getNumGPUs()) : 0;
  DD_CATCH_RETURN("cuda_device_count: ", 0)
}

}  // extern "C"
