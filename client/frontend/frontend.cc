#include "client/frontend/frontend.h"

#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "client/channel.h"
#include "client/frontend/services.h"
#include "client/frontend/session.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

namespace tributary::frontend {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

absl::StatusOr<tcp::endpoint> ParseEndpoint(absl::string_view field,
                                            const std::string& address) {
  const std::size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", address, "\" is not HOST:PORT"));
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", host, "\" is not an IP address (", ec.message(), ")"));
  }
  return tcp::endpoint(ip, static_cast<unsigned short>(port));
}

absl::StatusOr<std::unique_ptr<asio::ssl::context>> MakeTlsContext(
    const FrontendConfig& config) {
  auto context =
      std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(
      asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
      asio::ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  context->use_certificate_chain_file(config.cert_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cert_file ", config.cert_file,
                     ": not a PEM certificate chain: ", ec.message()));
  }
  context->use_private_key_file(config.key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("key_file ", config.key_file,
                     ": not a PEM private key for cert_file: ", ec.message()));
  }
  return context;
}

// The channel to Tributary. gRPC's BDP probe is off: it grows a stream's
// HTTP/2 receive window to the bandwidth-delay product of the gRPC hop, which
// is fast, while the HTTP client reading the blob may be slow; the window
// then fills with bytes the client has not asked for yet, megabytes per slow
// download (16 of them peaked at 348 MiB RSS with it, 73 MiB without;
// docs/benchmarks.md). Without it the window stays at gRPC's default, and a
// pending read still lets a whole message in.
grpc::ChannelArguments FrontendChannelArguments() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  return args;
}

}  // namespace

// Members in dependency order: destruction runs bottom-up.
struct Frontend::Parts {
  Services services;
  std::unique_ptr<asio::ssl::context> tls;  // null: plain HTTP
  std::unique_ptr<prometheus::Exposer> exposer;
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  int port = 0;
  bool stopped = false;

  ~Parts() { Stop(); }

  // Stops the I/O threads, cancels the blob streams and waits until each
  // has ended (its end hands its last result to its session's strand),
  // joins the pool of unary calls, and only then destroys the sessions'
  // coroutines (with the I/O context), which those results resume.
  void Stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (acceptor != nullptr) {
      asio::post(*io, [this] {
        boost::system::error_code ignored;
        acceptor->close(ignored);
      });
    }
    work.reset();
    io->stop();
    for (std::thread& thread : threads) {
      thread.join();
    }
    services.live_calls.CancelAll();
    services.live_calls.AwaitNone();
    if (services.grpc_pool != nullptr) {
      services.grpc_pool->join();
    }
    // The acceptor before its I/O context: its destructor deregisters from
    // the context's socket service (ASan: a use after free otherwise).
    acceptor.reset();
    io.reset();
  }
};

namespace {

asio::awaitable<void> AcceptLoop(Services& services, asio::ssl::context* tls,
                                 tcp::acceptor& acceptor) {
  while (true) {
    auto [ec, socket] = co_await acceptor.async_accept(
        asio::make_strand(acceptor.get_executor()), kNoThrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, ServeConnection(services, tls, std::move(socket)),
                   asio::detached);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Frontend>> Frontend::Start(
    FrontendConfig config) {
  if (absl::Status valid = ValidateConfig(config); !valid.ok()) {
    return valid;
  }
  auto parts = std::make_unique<Parts>();
  Services& services = parts->services;
  services.config = std::move(config);
  const FrontendConfig& cfg = services.config;
  if (!cfg.htpasswd_file.empty()) {
    auto htpasswd = Htpasswd::Load(cfg.htpasswd_file);
    if (!htpasswd.ok()) {
      return htpasswd.status();
    }
    services.htpasswd = *std::move(htpasswd);
  }
  if (!cfg.plain_http) {
    auto tls = MakeTlsContext(cfg);
    if (!tls.ok()) {
      return tls.status();
    }
    parts->tls = *std::move(tls);
  }
  auto channel =
      client::CreateChannel(cfg.tributary, FrontendChannelArguments());
  if (!channel.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("tributary_address ",
                                                   cfg.tributary.address, ": ",
                                                   channel.status().message()));
  }
  services.client =
      std::make_unique<client::Client>(*channel, cfg.call_timeout);
  services.channel = *channel;
  services.grpc_pool = std::make_unique<asio::thread_pool>(cfg.grpc_threads);
  services.metrics = std::make_unique<FrontendMetrics>();
  services.download_slots = std::make_unique<DownloadSlots>(
      cfg.max_blob_downloads,
      [metrics = services.metrics.get()](int streaming, int waiting) {
        metrics->SetBlobDownloads(streaming, waiting);
      });
  if (!cfg.metrics_listen_address.empty()) {
    try {
      parts->exposer =
          std::make_unique<prometheus::Exposer>(cfg.metrics_listen_address);
    } catch (const std::exception& error) {
      return absl::UnavailableError(
          absl::StrCat("metrics_listen_address ", cfg.metrics_listen_address,
                       ": cannot listen: ", error.what()));
    }
    parts->exposer->RegisterCollectable(
        std::weak_ptr<prometheus::Collectable>(services.metrics->registry()));
  }
  auto endpoint = ParseEndpoint("listen_address", cfg.listen_address);
  if (!endpoint.ok()) {
    return endpoint.status();
  }
  parts->acceptor = std::make_unique<tcp::acceptor>(*parts->io);
  boost::system::error_code ec;
  parts->acceptor->open(endpoint->protocol(), ec);
  if (!ec) {
    parts->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    parts->acceptor->bind(*endpoint, ec);
  }
  if (!ec) {
    parts->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("listen_address ", cfg.listen_address,
                     ": cannot listen: ", ec.message()));
  }
  parts->port = parts->acceptor->local_endpoint().port();
  asio::co_spawn(*parts->io,
                 AcceptLoop(services, parts->tls.get(), *parts->acceptor),
                 asio::detached);
  parts->work.emplace(parts->io->get_executor());
  for (int i = 0; i < cfg.io_threads; ++i) {
    parts->threads.emplace_back([io = parts->io.get()] { io->run(); });
  }
  spdlog::info("tributary-frontend listening on {} ({}), tributary at {}",
               cfg.listen_address, cfg.plain_http ? "http" : "https",
               cfg.tributary.address);
  return std::unique_ptr<Frontend>(new Frontend(std::move(parts)));
}

Frontend::Frontend(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Frontend::~Frontend() = default;

int Frontend::port() const { return parts_->port; }

void Frontend::Shutdown() { parts_->Stop(); }

}  // namespace tributary::frontend
