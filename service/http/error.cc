#include "service/http/error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/error.hpp"
#include "boost/asio/ssl/error.hpp"
#include "boost/beast/core/error.hpp"

namespace tributary::http {
namespace {

constexpr absl::string_view kPermanentUrl = "type.tributary.dev/http.Permanent";

}  // namespace

absl::Status FromErrorCode(const boost::system::error_code& ec,
                           absl::string_view what) {
  const std::string message = absl::StrCat(what, ": ", ec.message());
  if (ec == boost::beast::error::timeout ||
      ec == boost::asio::error::timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(what, ": timed out"));
  }
  if (ec.category() == boost::asio::error::get_ssl_category() ||
      ec == boost::asio::ssl::error::stream_truncated) {
    return absl::UnavailableError(absl::StrCat("TLS: ", message));
  }
  return absl::UnavailableError(message);
}

absl::Status MarkPermanent(absl::Status status) {
  status.SetPayload(kPermanentUrl, absl::Cord());
  return status;
}

bool IsPermanent(const absl::Status& status) {
  return status.GetPayload(kPermanentUrl).has_value();
}

}  // namespace tributary::http
