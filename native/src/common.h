// Internal helpers shared by every translation unit of the shim.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

#include "dyndet_native.h"

namespace dd {

// Stores a one-line error for dd_last_error(); newlines become "; " so .NET sees one line.
// Never throws: it runs inside catch handlers, where a second exception would terminate the process.
void set_error(const char* prefix, const char* message) noexcept;
inline void set_error(const std::string& message) noexcept { set_error("", message.c_str()); }

// Counts handles alive: incremented by wrap(), decremented by dd_tensor_free().
extern std::atomic<int64_t> live_tensors;

inline dd_tensor wrap(at::Tensor tensor) {
  // Allocate first: if new throws, nothing was counted and nothing leaks.
  auto* handle = new at::Tensor(std::move(tensor));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return handle;
}

inline at::Tensor& unwrap(dd_tensor handle) {
  if (handle == nullptr) throw std::invalid_argument("null tensor handle");
  return *static_cast<at::Tensor*>(handle);
}

// The target of an out-parameter; a null pointer is the caller's error, reported instead of written through.
template <typename T>
T& out_ref(T* pointer, const char* name) {
  if (pointer == nullptr) throw std::invalid_argument(std::string("null output pointer '") + name + "'");
  return *pointer;
}

// A caller-owned array of `count` elements: negative counts and null pointers with a positive count are errors.
template <typename T>
T* checked_array(T* pointer, int64_t count, const char* name) {
  if (count < 0) throw std::invalid_argument(std::string("negative length of '") + name + "'");
  if (count > 0 && pointer == nullptr) throw std::invalid_argument(std::string("null pointer '") + name + "'");
  return pointer;
}

}  // namespace dd

// Every export body is wrapped in DD_TRY ... DD_CATCH (or a variant): no C++ exception may reach .NET,
// where it kills the process (ENGINE.md). Each variant leaves the message for dd_last_error().
#define DD_TRY try {
// Ends the body of an export that returns `failed` (a status, a null pointer, ...) on any exception.
#define DD_CATCH_RETURN(prefix, failed)                       \
  }                                                           \
  catch (const c10::Error& e) {                               \
    dd::set_error(prefix, e.what_without_backtrace());        \
    return failed;                                            \
  }                                                           \
  catch (const std::exception& e) {                           \
    dd::set_error(prefix, e.what());                          \
    return failed;                                            \
  }                                                           \
  catch (...) {                                               \
    dd::set_error(prefix, "unknown native error");            \
    return failed;                                            \
  }
// Ends the body of an int-status export: 0 when the body finishes, 1 with a message on any exception.
#define DD_CATCH_PREFIX(prefix) DD_CATCH_RETURN(prefix, 1) return 0;
#define DD_CATCH DD_CATCH_PREFIX("")
