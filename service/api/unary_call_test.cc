#include "service/api/unary_call.h"

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "service/metrics/metrics.h"
#include "tributary/v1/admin.grpc.pb.h"

namespace tributary::api {
namespace {

static_assert(!std::is_copy_constructible_v<UnaryCall>);
static_assert(!std::is_copy_assignable_v<UnaryCall>);
static_assert(std::is_nothrow_move_constructible_v<UnaryCall>);

// The count of ListUpstreams RPCs `metrics` holds for `code`, as scraped.
std::string RpcCount(const metrics::Metrics& metrics, const std::string& code) {
  const std::string text =
      prometheus::TextSerializer().Serialize(metrics.registry()->Collect());
  const std::string series = "tributary_rpc_requests_total{code=\"" + code +
                             "\",method=\"ListUpstreams\"} ";
  const size_t at = text.find(series);
  return at == std::string::npos
             ? ""
             : text.substr(at + series.size(),
                           text.find('\n', at) - at - series.size());
}

// Answers ListUpstreams by finishing one UnaryCall through every path a
// handler could take: a moved-from call, then the moved-to call twice.
class FinishingAdmin final : public v1::AdminService::CallbackService {
 public:
  explicit FinishingAdmin(metrics::Metrics& metrics) : metrics_(metrics) {}

  grpc::ServerUnaryReactor* ListUpstreams(
      grpc::CallbackServerContext* context,
      const v1::ListUpstreamsRequest* /*request*/,
      v1::ListUpstreamsResponse* /*response*/) override {
    UnaryCall call(context, metrics_, metrics::Rpc::kListUpstreams, "",
                   absl::Seconds(5));
    UnaryCall moved(std::move(call));
    moved_from_reactor = call.reactor();
    moved_from_finish = call.Finish(absl::InternalError("moved from"));
    grpc::ServerUnaryReactor* reactor =
        moved.Finish(absl::NotFoundError("first"));
    second_finish = moved.Finish(absl::AbortedError("second"));
    first_finish = reactor;
    return reactor;
  }

  // What the handler saw, for the test to check.
  grpc::ServerUnaryReactor* moved_from_reactor = nullptr;
  grpc::ServerUnaryReactor* moved_from_finish = nullptr;
  grpc::ServerUnaryReactor* first_finish = nullptr;
  grpc::ServerUnaryReactor* second_finish = nullptr;

 private:
  metrics::Metrics& metrics_;
};

TEST(UnaryCallTest, FinishesOnceAndAMovedFromCallDoesNothing) {
  metrics::Metrics metrics({});
  FinishingAdmin admin(metrics);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&admin);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_NE(port, 0);

  auto stub = v1::AdminService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::ListUpstreamsResponse response;
  const grpc::Status status =
      stub->ListUpstreams(&context, v1::ListUpstreamsRequest(), &response);
  server->Shutdown();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "first");
  EXPECT_EQ(admin.moved_from_reactor, nullptr);
  EXPECT_EQ(admin.moved_from_finish, nullptr);
  EXPECT_NE(admin.first_finish, nullptr);
  EXPECT_EQ(admin.second_finish, admin.first_finish);
  EXPECT_EQ(RpcCount(metrics, "NOT_FOUND"), "1");
  EXPECT_EQ(RpcCount(metrics, "ABORTED"), "0");
  EXPECT_EQ(RpcCount(metrics, "INTERNAL"), "0");
}

}  // namespace
}  // namespace tributary::api
