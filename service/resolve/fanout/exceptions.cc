#include "service/resolve/fanout/exceptions.h"

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace tributary::resolve {

absl::Status StatusOfException(std::exception_ptr error) {
  std::string what = "an unknown exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  spdlog::error("a request coroutine threw: {}", what);
  return absl::InternalError(absl::StrCat("internal error: ", what));
}

boost::asio::awaitable<absl::Status> CatchingExceptions(
    boost::asio::awaitable<absl::Status> work) {
  try {
    co_return co_await std::move(work);
  } catch (...) {
    // (A co_await may not stand in a handler; the status is built here.)
    co_return StatusOfException(std::current_exception());
  }
}

}  // namespace tributary::resolve
