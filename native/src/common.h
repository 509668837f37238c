// Internal helpers shared by every translation unit of the shim.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <exception>
#include <string>

#include "dyndet_native.h"

namespace dd {

// Stores a one-line error for dd_last_error(); newlines become "; " so .NET sees one line.
void set_error(const std::string& message);

// Counts handles alive: incremented by wrap(), decremented by dd_tensor_free().
extern std::atomic<int64_t> live_tensors;

inline dd_tensor wrap(at::Tensor tensor) {
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(std::move(tensor));
}

inline at::Tensor& unwrap(dd_tensor handle) {
  if (handle == nullptr) throw std::invalid_argument("null tensor handle");
  return *static_cast<at::Tensor*>(handle);
}

}  // namespace dd

// Every fallible export body is wrapped in DD_TRY ... DD_CATCH: no C++ exception may reach .NET.
#define DD_TRY try {
#define DD_CATCH_PREFIX(prefix)                                              \
  }                                                                          \
  catch (const c10::Error& e) {                                              \
    dd::set_error(std::string(prefix) + e.what_without_backtrace());         \
    return 1;                                                                \
  }                                                                          \
  catch (const std::exception& e) {                                          \
    dd::set_error(std::string(prefix) + e.what());                           \
    return 1;                                                                \
  }                                                                          \
  catch (...) {                                                              \
    dd::set_error(std::string(prefix) + "unknown native error");             \
    return 1;                                                                \
  }                                                                          \
  return 0;
#define DD_CATCH DD_CATCH_PREFIX("")
