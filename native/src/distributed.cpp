// Data-parallel process groups over c10d's TCPStore and ProcessGroupGloo from Debian's libtorch_cpu (the engine
// torch.distributed's gloo backend uses; ENGINE.md). One group per handle; collectives wait for completion.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "common.h"

namespace {

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  int rank;
  int world_size;
  std::chrono::milliseconds timeout;
};

Group& unwrap_group(dd_process_group handle) {
  if (handle == nullptr) throw std::invalid_argument("null process group");
  return *static_cast<Group*>(handle);
}

std::string where(const Group& g, const char* operation) {
  return std::string(operation) + " (rank " + std::to_string(g.rank) + " of " + std::to_string(g.world_size) + "): ";
}

// Waits for a collective; a failure or timeout becomes one line naming the operation and this rank.
void wait(const Group& g, const c10::intrusive_ptr<c10d::Work>& work, const char* operation) {
  try {
    work->wait(g.timeout);
  } catch (const c10::Error& e) {
    throw std::runtime_error(where(g, operation) + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw std::runtime_error(where(g, operation) + e.what());
  }
}

std::string rendezvous(const char* host, int port, int rank, int world_size) {
  return "rendezvous at " + std::string(host) + ":" + std::to_string(port) + " (rank " + std::to_string(rank) + " of " +
         std::to_string(world_size) + "): ";
}

at::Tensor& checked(dd_tensor handle) {
  auto& t = dd::unwrap(handle);
  if (!t.device().is_cpu() || t.is_sparse()) throw std::invalid_argument("collectives take dense CPU tensors");
  if (!t.is_contiguous()) throw std::invalid_argument("collectives take contiguous tensors");
  return t;
}

}  // namespace

extern "C" {

int dd_pg_create(const char* host, int32_t port, int32_t rank, int32_t world_size, int64_t timeout_ms,
                 dd_process_group* out) {
  DD_TRY
  auto& result = dd::out_ref(out, "out");
  if (host == nullptr || *host == '\0') throw std::invalid_argument("empty master address");
  if (world_size < 1 || rank < 0 || rank >= world_size)
    throw std::invalid_argument("rank " + std::to_string(rank) + " is not in [0, " + std::to_string(world_size) + ")");
  if (port < 1 || port > 65535) throw std::invalid_argument("port " + std::to_string(port) + " is not in [1, 65535]");
  if (timeout_ms < 1) throw std::invalid_argument("timeout must be positive");
  auto timeout = std::chrono::milliseconds(timeout_ms);
  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<uint16_t>(port);
  store_options.isServer = rank == 0;
  store_options.numWorkers = world_size;
  store_options.waitWorkers = true;
  store_options.timeout = timeout;
  // Meeting the others (the store, then gloo's full mesh of connections) is where a missing peer shows: one
  // message for both, naming where and who.
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  try {
    store = c10::make_intrusive<c10d::TCPStore>(std::string(host), store_options);
    auto options = c10d::ProcessGroupGloo::Options::create();
    options->timeout = timeout;
    std::string address(host);
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    if (interface != nullptr && *interface != '\0') {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else if (address == "127.0.0.1" || address == "localhost") {
      // All workers on this machine: the loopback device, whatever the host name resolves to.
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    options->threads = 2;
    group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world_size, options);
  } catch (const c10::Error& e) {
    throw std::runtime_error(rendezvous(host, port, rank, world_size) + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw std::runtime_error(rendezvous(host, port, rank, world_size) + e.what());
  }
  result = new Group{store, group, rank, world_size, timeout};
  DD_CATCH_PREFIX("")
}

void dd_pg_free(dd_process_group group) { delete static_cast<Group*>(group); }

int dd_pg_all_reduce(dd_process_group handle, dd_tensor tensor, int32_t op) {
  DD_TRY
  auto& g = unwrap_group(handle);
  std::vector<at::Tensor> tensors{checked(tensor)};
  c10d::AllreduceOptions options;
  switch (op) {
    case 0: options.reduceOp = c10d::ReduceOp::SUM; break;
    case 1: options.reduceOp = c10d::ReduceOp::MAX; break;
    case 2: options.reduceOp = c10d::ReduceOp::MIN; break;
    default: throw std::invalid_argument("unknown reduce op " + std::to_string(op));
  }
  options.timeout = g.timeout;
  wait(g, g.group->allreduce(tensors, options), "all_reduce");
  DD_CATCH_PREFIX("")
}

int dd_pg_broadcast(dd_process_group handle, dd_tensor tensor, int32_t root) {
  DD_TRY
  auto& g = unwrap_group(handle);
  if (root < 0 || root >= g.world_size) throw std::invalid_argument("broadcast root " + std::to_string(root) + " is not a rank");
  std::vector<at::Tensor> tensors{checked(tensor)};
  c10d::BroadcastOptions options;
  options.rootRank = root;
  options.timeout = g.timeout;
  wait(g, g.group->broadcast(tensors, options), "broadcast");
  DD_CATCH_PREFIX("")
}

int dd_pg_all_gather(dd_process_group handle, dd_tensor input, dd_tensor* out) {
  DD_TRY
  auto& g = unwrap_group(handle);
  dd::checked_array(out, g.world_size, "out");
  auto& source = checked(input);
  std::vector<at::Tensor> inputs{source};
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < g.world_size; ++r) outputs[0].push_back(at::empty_like(source));
  c10d::AllgatherOptions options;
  options.timeout = g.timeout;
  wait(g, g.group->allgather(outputs, inputs, options), "all_gather");
  for (int r = 0; r < g.world_size; ++r) out[r] = dd::wrap(outputs[0][r]);
  DD_CATCH_PREFIX("")
}

int dd_pg_barrier(dd_process_group handle) {
  DD_TRY
  auto& g = unwrap_group(handle);
  c10d::BarrierOptions options;
  options.timeout = g.timeout;
  wait(g, g.group->barrier(options), "barrier");
  DD_CATCH_PREFIX("")
}

}  // extern "C"
