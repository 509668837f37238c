// Generic operator calls through the c10 dispatcher, checked against the schema.
//
// callBoxed neither checks argument count or types nor fills defaults (ENGINE.md), so every
// argument is converted here by the schema's declared type, missing trailing arguments take the
// schema's default, and anything that does not fit is refused with a message naming the op and
// the argument, before the kernel ever sees it.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <mutex>
#include <sstream>
#include <unordered_map>

#include "common.h"

namespace {

struct CachedOp {
  c10::OperatorHandle handle;
  std::string name;    // "aten::add.Tensor"
  std::string prefix;  // "aten::add.Tensor: "
  std::string schema;  // printable schema
};

std::mutex cache_mutex;
std::unordered_map<std::string, CachedOp*> cache;

// Result arrays handed back to C# stay alive until the next call on the same thread.
thread_local std::vector<std::vector<dd_tensor>> tensor_lists;
thread_local std::vector<std::vector<int64_t>> int_lists;
thread_local std::vector<std::vector<double>> double_lists;

const char* kind_name(int32_t kind) {
  switch (kind) {
    case DD_DEFAULT: return "default";
    case DD_NONE: return "None";
    case DD_TENSOR: return "Tensor";
    case DD_INT: return "int";
    case DD_DOUBLE: return "float";
    case DD_BOOL: return "bool";
    case DD_INT_LIST: return "int[]";
    case DD_TENSOR_LIST: return "Tensor[]";
    case DD_SCALAR_INT: return "Scalar(int)";
    case DD_SCALAR_DOUBLE: return "Scalar(float)";
    case DD_STRING: return "str";
    case DD_DOUBLE_LIST: return "float[]";
    case DD_OPT_TENSOR_LIST: return "Tensor?[]";
    case DD_DEVICE: return "Device";
    case DD_BOOL_LIST: return "bool[]";
    case DD_SCALAR_BOOL: return "Scalar(bool)";
    default: return "unknown";
  }
}

[[noreturn]] void mismatch(const c10::Argument& arg, const c10::TypePtr& type, const dd_value& v) {
  std::ostringstream s;
  s << "argument '" << arg.name() << "' expects " << type->annotation_str() << ", got " << kind_name(v.kind);
  throw std::invalid_argument(s.str());
}

c10::IValue convert(const c10::Argument& arg, const c10::TypePtr& type, const dd_value& v) {
  using c10::TypeKind;
  if (v.kind == DD_NONE) {
    if (type->kind() == TypeKind::OptionalType || type->kind() == TypeKind::NoneType) return c10::IValue();
    mismatch(arg, type, v);
  }
  switch (type->kind()) {
    case TypeKind::OptionalType:
      return convert(arg, type->expectRef<c10::OptionalType>().getElementType(), v);
    case TypeKind::TensorType:
      if (v.kind != DD_TENSOR) mismatch(arg, type, v);
      return c10::IValue(dd::unwrap(v.p));
    case TypeKind::IntType:
    case TypeKind::SymIntType:
    case TypeKind::ScalarTypeType:
    case TypeKind::LayoutType:
    case TypeKind::MemoryFormatType:
      if (v.kind != DD_INT) mismatch(arg, type, v);
      return c10::IValue(v.i);
    case TypeKind::FloatType:
      if (v.kind == DD_DOUBLE) return c10::IValue(v.d);
      if (v.kind == DD_INT) return c10::IValue(static_cast<double>(v.i));
      mismatch(arg, type, v);
    case TypeKind::BoolType:
      if (v.kind != DD_BOOL) mismatch(arg, type, v);
      return c10::IValue(v.i != 0);
    case TypeKind::NumberType:  // "Scalar"
      switch (v.kind) {
        case DD_SCALAR_INT:
        case DD_INT: return c10::IValue(v.i);
        case DD_SCALAR_DOUBLE:
        case DD_DOUBLE: return c10::IValue(v.d);
        case DD_SCALAR_BOOL:
        case DD_BOOL: return c10::IValue(v.i != 0);
        default: mismatch(arg, type, v);
      }
    case TypeKind::StringType:
      if (v.kind != DD_STRING) mismatch(arg, type, v);
      dd::checked_array(static_cast<const char*>(v.p), v.n, arg.name().c_str());
      return c10::IValue(std::string(static_cast<const char*>(v.p), static_cast<size_t>(v.n)));
    case TypeKind::DeviceObjType:
      if (v.kind != DD_DEVICE) mismatch(arg, type, v);
      return c10::IValue(c10::Device(static_cast<c10::DeviceType>(v.i), static_cast<c10::DeviceIndex>(v.n)));
    case TypeKind::ListType: {
      const c10::TypePtr& element = type->expectRef<c10::ListType>().getElementType();
      switch (element->kind()) {
        case TypeKind::IntType:
        case TypeKind::SymIntType: {
          c10::List<int64_t> list;
          if (v.kind == DD_INT && arg.N().has_value()) {  // int broadcast to int[N], as Python does
            for (int k = 0; k < *arg.N(); ++k) list.push_back(v.i);
            return c10::IValue(list);
          }
          if (v.kind != DD_INT_LIST) mismatch(arg, type, v);
          const int64_t* data = static_cast<const int64_t*>(v.p);
          dd::checked_array(data, v.n, arg.name().c_str());
          list.reserve(v.n);
          for (int64_t k = 0; k < v.n; ++k) list.push_back(data[k]);
          return c10::IValue(list);
        }
        case TypeKind::FloatType: {
          if (v.kind != DD_DOUBLE_LIST) mismatch(arg, type, v);
          const double* data = static_cast<const double*>(v.p);
          dd::checked_array(data, v.n, arg.name().c_str());
          c10::List<double> list;
          for (int64_t k = 0; k < v.n; ++k) list.push_back(data[k]);
          return c10::IValue(list);
        }
        case TypeKind::BoolType: {
          if (v.kind != DD_BOOL_LIST) mismatch(arg, type, v);
          const uint8_t* data = static_cast<const uint8_t*>(v.p);
          dd::checked_array(data, v.n, arg.name().c_str());
          c10::List<bool> list;
          for (int64_t k = 0; k < v.n; ++k) list.push_back(data[k] != 0);
          return c10::IValue(list);
        }
        case TypeKind::TensorType: {
          if (v.kind != DD_TENSOR_LIST) mismatch(arg, type, v);
          const dd_tensor* data = static_cast<const dd_tensor*>(v.p);
          dd::checked_array(data, v.n, arg.name().c_str());
          c10::List<at::Tensor> list;
          list.reserve(v.n);
          for (int64_t k = 0; k < v.n; ++k) list.push_back(dd::unwrap(data[k]));
          return c10::IValue(list);
        }
        case TypeKind::OptionalType: {
          if (v.kind != DD_OPT_TENSOR_LIST && v.kind != DD_TENSOR_LIST) mismatch(arg, type, v);
          const dd_tensor* data = static_cast<const dd_tensor*>(v.p);
          dd::checked_array(data, v.n, arg.name().c_str());
          c10::List<c10::optional<at::Tensor>> list;
          for (int64_t k = 0; k < v.n; ++k)
            list.push_back(data[k] == nullptr ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(dd::unwrap(data[k])));
          return c10::IValue(list);
        }
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  throw std::invalid_argument("argument '" + arg.name() + "' has type " + type->annotation_str() +
                              ", which DynDet's op bridge does not support");
}

void free_handles(const std::vector<dd_tensor>& handles) noexcept {
  for (dd_tensor h : handles) dd_tensor_free(h);
}

// Frees what a stored result owns (a tensor, or every tensor of a list) and leaves it None.
void release_result(dd_value& value) noexcept {
  if (value.kind == DD_TENSOR) {
    dd_tensor_free(value.p);
  } else if (value.kind == DD_TENSOR_LIST) {
    auto* handles = static_cast<dd_tensor*>(value.p);
    for (int64_t k = 0; k < value.n; ++k) dd_tensor_free(handles[k]);
  }
  value = dd_value{};
  value.kind = DD_NONE;
}

// Converts one result; on failure it owns nothing (out is left without handles).
void store_result(const c10::IValue& value, dd_value& out) {
  out = dd_value{};
  if (value.isNone()) {
    out.kind = DD_NONE;
  } else if (value.isTensor()) {
    const at::Tensor& t = value.toTensor();
    if (t.defined()) {
      out.kind = DD_TENSOR;
      out.p = dd::wrap(t);
    } else {
      out.kind = DD_NONE;
    }
  } else if (value.isInt()) {
    out.kind = DD_INT;
    out.i = value.toInt();
  } else if (value.isDouble()) {
    out.kind = DD_DOUBLE;
    out.d = value.toDouble();
  } else if (value.isBool()) {
    out.kind = DD_BOOL;
    out.i = value.toBool() ? 1 : 0;
  } else if (value.isTensorList()) {
    auto list = value.toTensorList();
    // Built aside and committed only when complete: a failure half way frees the handles made so far.
    std::vector<dd_tensor> handles;
    try {
      handles.reserve(list.size());
      for (const at::Tensor& t : list) handles.push_back(t.defined() ? dd::wrap(t) : nullptr);
      tensor_lists.push_back(std::move(handles));
    } catch (...) {
      free_handles(handles);
      throw;
    }
    out.kind = DD_TENSOR_LIST;
    out.p = tensor_lists.back().data();
    out.n = static_cast<int64_t>(tensor_lists.back().size());
  } else if (value.isIntList()) {
    int_lists.emplace_back(value.toIntVector());
    out.kind = DD_INT_LIST;
    out.p = int_lists.back().data();
    out.n = static_cast<int64_t>(int_lists.back().size());
  } else if (value.isDoubleList()) {
    double_lists.emplace_back(value.toDoubleVector());
    out.kind = DD_DOUBLE_LIST;
    out.p = double_lists.back().data();
    out.n = static_cast<int64_t>(double_lists.back().size());
  } else {
    throw std::runtime_error(std::string("result of type ") + value.tagKind() + " is not supported by DynDet's op bridge");
  }
}

}  // namespace

extern "C" {

int dd_op_find(const char* name, const char* overload, dd_op* out) {
  DD_TRY
  if (name == nullptr) throw std::invalid_argument("null operator name");
  dd::out_ref(out, "out");
  std::string key = std::string(name) + "." + (overload ? overload : "");
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = cache.find(key);
  if (it != cache.end()) {
    *out = it->second;
    return 0;
  }
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload ? overload : ""});
  if (!handle.has_value()) {
    throw std::invalid_argument("unknown operator " + std::string(name) +
                                (overload && *overload ? "." + std::string(overload) : std::string()) +
                                " (for torchvision:: ops, is python3-torchvision installed?)");
  }
  std::string display = std::string(name) + (overload && *overload ? "." + std::string(overload) : "");
  std::ostringstream schema;
  schema << handle->schema();
  auto op = std::make_unique<CachedOp>(CachedOp{*handle, display, display + ": ", schema.str()});
  CachedOp* cached = op.get();
  cache.emplace(key, cached);
  op.release();  // owned by the cache for the life of the process
  *out = cached;
  DD_CATCH
}

const char* dd_op_schema(dd_op op) {
  DD_TRY
  if (op == nullptr) throw std::invalid_argument("null operator handle");
  return static_cast<CachedOp*>(op)->schema.c_str();
  DD_CATCH_RETURN("op_schema: ", nullptr)
}

int dd_op_call(dd_op op_handle, const dd_value* args, int32_t nargs, dd_value* results, int32_t cap,
               int32_t* nresults) {
  auto* op = static_cast<CachedOp*>(op_handle);
  DD_TRY
  if (op == nullptr) throw std::invalid_argument("null operator handle");
  int32_t& count_out = dd::out_ref(nresults, "nresults");
  if (nargs < 0) throw std::invalid_argument("negative argument count " + std::to_string(nargs));
  dd::checked_array(args, nargs, "args");
  dd::checked_array(results, cap, "results");
  count_out = 0;
  tensor_lists.clear();
  int_lists.clear();
  double_lists.clear();
  const c10::FunctionSchema& schema = op->handle.schema();
  const auto& arguments = schema.arguments();
  if (nargs > static_cast<int32_t>(arguments.size())) {
    throw std::invalid_argument("expected at most " + std::to_string(arguments.size()) + " arguments, got " +
                                std::to_string(nargs));
  }
  torch::jit::Stack stack;
  stack.reserve(std::max(arguments.size(), schema.returns().size()));
  for (size_t k = 0; k < arguments.size(); ++k) {
    const c10::Argument& arg = arguments[k];
    if (static_cast<int32_t>(k) >= nargs || args[k].kind == DD_DEFAULT) {
      if (!arg.default_value().has_value())
        throw std::invalid_argument("missing argument '" + arg.name() + "' (" + arg.type()->annotation_str() + ")");
      stack.push_back(*arg.default_value());
    } else {
      stack.push_back(convert(arg, arg.real_type(), args[k]));
    }
  }
  op->handle.callBoxed(&stack);
  if (static_cast<int32_t>(stack.size()) > cap) {
    throw std::runtime_error("op returned " + std::to_string(stack.size()) + " results, caller expected at most " +
                             std::to_string(cap));
  }
  // All or nothing: if result k cannot be stored, results 0..k-1 (tensors and tensor lists) are freed, so
  // a failed call leaves the live-tensor count where it was.
  int32_t stored = 0;
  try {
    for (const c10::IValue& value : stack) {
      store_result(value, results[stored]);
      ++stored;
    }
  } catch (...) {
    for (int32_t k = 0; k < stored; ++k) release_result(results[k]);
    throw;
  }
  count_out = stored;
  DD_CATCH_PREFIX(op == nullptr ? "" : op->prefix.c_str())
}

}  // extern "C"
