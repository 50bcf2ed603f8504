#include "service/server.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/thread_pool.hpp"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "service/api/admin_service.h"
#include "service/api/resolver_service.h"
#include "service/cache/blob_store.h"
#include "service/config/duration.h"
#include "service/http/client.h"
#include "service/metrics/metrics.h"
#include "service/registry/registry_client.h"
#include "service/resolve/caching_resolver.h"
#include "service/resolve/make_resolver.h"
#include "service/server_tls.h"
#include "service/upstream_clients.h"
#include "service/upstream_statuses.h"
#include "spdlog/spdlog.h"

namespace tributary {
namespace {

namespace asio = boost::asio;

std::vector<std::string> UpstreamNames(const v1::Config& config) {
  std::vector<std::string> names;
  for (const auto& upstream : config.upstreams()) {
    names.push_back(upstream.name());
  }
  return names;
}

// HTTP/2 connection settings from server: (keepalive, age, streams).
void SetConnectionLimits(const v1::ServerConfig& server,
                         grpc::ServerBuilder& builder) {
  const auto millis = [](const google::protobuf::Duration& duration) {
    return static_cast<int>(std::min<int64_t>(
        absl::ToInt64Milliseconds(config::ToAbslDuration(duration)),
        std::numeric_limits<int>::max()));
  };
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             millis(server.keepalive_time()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             millis(server.keepalive_timeout()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             millis(server.max_connection_age()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             millis(server.max_connection_age_grace()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             server.max_concurrent_streams());
}

// One gRPC listen address, the config field that names it (for errors) and
// the port gRPC bound it to (0 until bound; non-zero for a Unix socket too).
struct Listener {
  std::string field;
  std::string address;
  int port = 0;
};

// server.listen_address first (its port is Server::grpc_port()), then each
// of server.additional_listen_addresses.
std::vector<Listener> Listeners(const v1::ServerConfig& server) {
  std::vector<Listener> listeners = {
      {.field = "server.listen_address", .address = server.listen_address()}};
  for (int i = 0; i < server.additional_listen_addresses_size(); ++i) {
    listeners.push_back(
        {.field = absl::StrCat("server.additional_listen_addresses[", i, "]"),
         .address = server.additional_listen_addresses(i)});
  }
  return listeners;
}

}  // namespace

// Members are declared in dependency order: destruction runs bottom-up, so the
// gRPC server goes before the services it calls, and those before the I/O.
struct Server::Parts {
  v1::Config config;
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::vector<std::thread> io_threads;
  // Blob digests are computed here, so hashing overlaps the stream's I/O.
  std::unique_ptr<asio::thread_pool> hash_pool;
  std::unique_ptr<metrics::Metrics> metrics;
  std::unique_ptr<prometheus::Exposer> exposer;
  // One per upstream (each has its own TLS settings).
  std::vector<std::unique_ptr<http::Client>> http;
  std::unique_ptr<resolve::Resolver> resolver;
  std::unique_ptr<cache::BlobStore> blob_store;  // null: the disk store is off
  std::unique_ptr<resolve::CachingResolver> caching_resolver;
  std::unique_ptr<api::ResolverService> resolver_service;
  std::unique_ptr<api::AdminService> admin_service;
  std::unique_ptr<grpc::Server> grpc_server;
  // Bound by grpc_server, which writes each port at start: never resized.
  std::vector<Listener> listeners;
  int grpc_port = 0;
  bool stopped = false;

  ~Parts() {
    grpc_server.reset();
    StopIo();
  }

  // Stops the I/O threads, then destroys what is left on the I/O context
  // (coroutines of calls cut off at the end of the grace period) while the
  // clients those coroutines use still exist.
  void StopIo() {
    if (!io) {
      return;
    }
    work.reset();
    io->stop();
    for (std::thread& thread : io_threads) {
      thread.join();
    }
    io_threads.clear();
    if (hash_pool) {
      hash_pool->stop();
      hash_pool->join();
    }
    for (const std::unique_ptr<http::Client>& client : http) {
      client->Close();
    }
    io.reset();
  }
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    v1::Config config, const util::Clock& clock) {
  auto parts = std::make_unique<Parts>();
  parts->config = std::move(config);
  const v1::Config& cfg = parts->config;
  parts->metrics = std::make_unique<metrics::Metrics>(UpstreamNames(cfg));
  if (!cfg.metrics().disabled() && !cfg.metrics().listen_address().empty()) {
    try {
      parts->exposer =
          std::make_unique<prometheus::Exposer>(cfg.metrics().listen_address());
    } catch (const std::exception& error) {
      return absl::UnavailableError(absl::StrCat(
          "metrics.listen_address ", cfg.metrics().listen_address(),
          ": cannot listen: ", error.what()));
    }
    parts->exposer->RegisterCollectable(parts->metrics->registry());
  }

  parts->hash_pool =
      std::make_unique<asio::thread_pool>(cfg.server().io_threads());
  absl::StatusOr<UpstreamClients> clients =
      MakeUpstreamClients(cfg, clock, *parts->metrics);
  if (!clients.ok()) {
    return clients.status();
  }
  parts->http = std::move(clients->http);
  std::vector<std::unique_ptr<registry::Registry>> upstreams;
  for (size_t i = 0; i < clients->registries.size(); ++i) {
    clients->registries[i]->set_token_fetch_observer(
        [metrics = parts->metrics.get(), i](const absl::Status& status) {
          metrics->RecordTokenFetch(static_cast<int>(i),
                                    metrics::ClassifyOutcome(status));
        });
    upstreams.push_back(std::move(clients->registries[i]));
  }
  parts->resolver = resolve::MakeResolver(
      std::move(upstreams), parts->io->get_executor(), *parts->metrics,
      resolve::BlobStreamOptions{
          .chunk_bytes = cfg.limits().blob_chunk_bytes(),
          .max_chunk_bytes = cfg.limits().blob_chunk_max_bytes(),
          .chunk_budget_bytes = cfg.limits().blob_chunk_budget_bytes(),
          .max_attempts = cfg.limits().max_blob_attempts(),
          .hash_executor = parts->hash_pool->get_executor(),
      },
      clock);
  if (!cfg.cache().disabled() && !cfg.cache().blob_directory().empty()) {
    absl::StatusOr<std::unique_ptr<cache::BlobStore>> store =
        cache::BlobStore::Open(cfg.cache().blob_directory(),
                               cfg.cache().blob_disk_bytes(),
                               parts->metrics.get());
    if (!store.ok()) {
      return absl::Status(
          store.status().code(),
          absl::StrCat("cache.blob_directory: ", store.status().message()));
    }
    parts->blob_store = *std::move(store);
  }
  parts->caching_resolver = std::make_unique<resolve::CachingResolver>(
      *parts->resolver, resolve::SourceRegistries::FromConfig(cfg), cfg.cache(),
      config::ToAbslDuration(cfg.server().default_deadline()), clock,
      *parts->metrics, parts->blob_store.get());
  parts->resolver_service = std::make_unique<api::ResolverService>(
      *parts->caching_resolver, *parts->metrics,
      api::ServiceLimits{
          .default_deadline =
              config::ToAbslDuration(cfg.server().default_deadline()),
          .max_unary_calls = cfg.limits().max_unary_calls(),
          .max_blob_streams = cfg.limits().max_blob_streams(),
          .max_blob_streams_per_peer = cfg.limits().max_blob_streams_per_peer(),
          .blob_write_stall =
              config::ToAbslDuration(cfg.limits().blob_write_stall()),
      });
  parts->admin_service = std::make_unique<api::AdminService>(
      UpstreamStatuses(cfg), *parts->resolver, *parts->metrics);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      GrpcServerCredentials(cfg.server());
  if (!credentials.ok()) {
    return credentials.status();
  }
  grpc::ServerBuilder builder;
  parts->listeners = Listeners(cfg.server());
  for (Listener& listener : parts->listeners) {
    builder.AddListeningPort(listener.address, *credentials, &listener.port);
  }
  SetConnectionLimits(cfg.server(), builder);
  builder.RegisterService(parts->resolver_service.get());
  builder.RegisterService(parts->admin_service.get());
  parts->grpc_server = builder.BuildAndStart();
  // gRPC binds in order and stops at the first address it cannot bind, so
  // the first listener still at port 0 is the culprit.
  const auto unbound =
      std::find_if(parts->listeners.begin(), parts->listeners.end(),
                   [](const Listener& listener) { return listener.port == 0; });
  if (!parts->grpc_server || unbound != parts->listeners.end()) {
    const Listener& failed =
        unbound != parts->listeners.end() ? *unbound : parts->listeners.front();
    return absl::UnavailableError(
        absl::StrCat(failed.field, " ", failed.address, ": cannot listen"));
  }
  parts->grpc_port = parts->listeners.front().port;

  parts->work.emplace(parts->io->get_executor());
  for (int i = 0; i < cfg.server().io_threads(); ++i) {
    parts->io_threads.emplace_back([io = parts->io.get()] { io->run(); });
  }
  spdlog::info(
      "started grpc_port={} metrics_port={} upstreams={} "
      "additional_listen_addresses={}",
      parts->grpc_port,
      parts->exposer ? parts->exposer->GetListeningPorts().front() : 0,
      cfg.upstreams_size(),
      absl::StrJoin(cfg.server().additional_listen_addresses(), ","));
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { Shutdown(); }

int Server::grpc_port() const { return parts_->grpc_port; }

int Server::metrics_port() const {
  return parts_->exposer ? parts_->exposer->GetListeningPorts().front() : 0;
}

std::string Server::MetricsText() const {
  return prometheus::TextSerializer().Serialize(
      parts_->metrics->registry()->Collect());
}

void Server::Shutdown() {
  if (parts_->stopped) {
    return;
  }
  parts_->stopped = true;
  parts_->grpc_server->GetHealthCheckService()->SetServingStatus(false);
  const absl::Duration grace =
      config::ToAbslDuration(parts_->config.server().shutdown_grace());
  spdlog::info("draining grace_ms={}", absl::ToInt64Milliseconds(grace));
  // In-flight calls keep running on the I/O threads until they finish or the
  // grace period ends; then gRPC cancels what is left.
  parts_->grpc_server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  parts_->StopIo();
  spdlog::info("stopped");
}

}  // namespace tributary
