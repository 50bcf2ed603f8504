#include "bench/fault_injector.h"

#include <utility>

namespace tributary::bench {
namespace {

using testing::FakeResponse;

FakeResponse Status(int status, std::string code) {
  FakeResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = R"({"errors":[{"code":")" + std::move(code) +
                  R"(","message":"injected by the soak"}]})";
  return response;
}

}  // namespace

absl::string_view FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kResetMidBody:
      return "reset mid-body";
    case Fault::kResetInsteadOfAnswer:
      return "reset instead of an answer";
    case Fault::kBurst503:
      return "503 (burst)";
    case Fault::kRetryAfterShort:
      return "429 Retry-After 1";
    case Fault::kRetryAfterLong:
      return "429 Retry-After 3600";
    case Fault::kWrongBytes:
      return "wrong bytes";
    case Fault::kHangBeforeAnswer:
      return "hang before the answer";
    case Fault::kHangMidBody:
      return "hang mid-body";
  }
  return "?";
}

bool FaultInjector::Chance(double probability) {
  return std::uniform_real_distribution<double>(0, 1)(random_) < probability;
}

size_t FaultInjector::Below(size_t bound) {
  return bound == 0
             ? 0
             : std::uniform_int_distribution<size_t>(0, bound - 1)(random_);
}

Fault FaultInjector::Pick(FaultMode mode, RequestKind kind, bool head) {
  const bool body = !head && kind == RequestKind::kBlob;
  switch (mode) {
    case FaultMode::kNone:
      return Fault::kNone;
    case FaultMode::kReset:
      if (body) {
        return Chance(0.5) ? Fault::kResetMidBody : Fault::kNone;
      }
      return Chance(0.25) ? Fault::kResetInsteadOfAnswer : Fault::kNone;
    case FaultMode::kUnavailable:
      return unavailable_requests_++ % kCycle < kBurst ? Fault::kBurst503
                                                       : Fault::kNone;
    case FaultMode::kRateLimited:
      if (Chance(0.05)) {
        return Fault::kRetryAfterLong;
      }
      return Chance(0.3) ? Fault::kRetryAfterShort : Fault::kNone;
    case FaultMode::kWrongDigest:
      // Only bodies a digest covers; a HEAD or a tag list has none.
      return !head && kind != RequestKind::kTags && Chance(0.5)
                 ? Fault::kWrongBytes
                 : Fault::kNone;
    case FaultMode::kHang:
      if (body && Chance(0.3)) {
        return Fault::kHangMidBody;
      }
      return Chance(0.2) ? Fault::kHangBeforeAnswer : Fault::kNone;
  }
  return Fault::kNone;
}

FakeResponse FaultInjector::Apply(FaultMode mode, RequestKind kind,
                                  absl::string_view method,
                                  FakeResponse answer) {
  absl::MutexLock lock(&mu_);
  // Faults on answers that carry content; a 404 stays a 404.
  const Fault fault = answer.status / 100 == 2
                          ? Pick(mode, kind, method == "HEAD")
                          : Fault::kNone;
  ++counts_[static_cast<size_t>(fault)];
  switch (fault) {
    case Fault::kNone:
      break;
    case Fault::kResetMidBody:
      answer.truncate_body_at = Below(answer.body.size());
      answer.reset_connection = true;
      break;
    case Fault::kResetInsteadOfAnswer:
      answer.close_without_response = true;
      answer.reset_connection = true;
      break;
    case Fault::kBurst503:
      answer = Status(503, "UNAVAILABLE");
      break;
    case Fault::kRetryAfterShort:
    case Fault::kRetryAfterLong:
      answer = Status(429, "TOOMANYREQUESTS");
      answer.headers.emplace_back(
          "Retry-After", fault == Fault::kRetryAfterShort ? "1" : "3600");
      break;
    case Fault::kWrongBytes:
      if (!answer.body.empty()) {
        answer.body[Below(answer.body.size())] ^= 0x01;
      }
      break;
    case Fault::kHangBeforeAnswer:
      answer.delay = kHang;
      break;
    case Fault::kHangMidBody:
      answer.truncate_body_at = Below(answer.body.size());
      answer.stall_after_truncation = true;
      break;
  }
  return answer;
}

std::array<int64_t, kFaultCount> FaultInjector::counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

}  // namespace tributary::bench
