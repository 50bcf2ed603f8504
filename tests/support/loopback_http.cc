#include "tests/support/loopback_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tributary::testing {
namespace {

// Owns a socket descriptor.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status ErrnoError(absl::string_view what, int err) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(err)));
}

absl::StatusOr<sockaddr_in> ParseHostPort(const std::string& host_port) {
  size_t colon = host_port.rfind(':');
  int port = 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(host_port.substr(colon + 1), &port) || port <= 0 ||
      port > 65535 ||
      inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) !=
          1) {
    return absl::InvalidArgumentError(
        absl::StrCat("want numeric IPv4 host:port, got \"", host_port, "\""));
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Applies the time left until `deadline` as the socket's send and receive
// timeout; false if none is left.
bool ArmTimeout(int fd, absl::Time deadline) {
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) {
    return false;
  }
  timeval tv = absl::ToTimeval(left);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  return true;
}

absl::Status TimedOut(const std::string& host_port) {
  return absl::DeadlineExceededError(
      absl::StrCat("HTTP exchange with ", host_port, " timed out"));
}

absl::Status SendAll(int fd, absl::string_view data, absl::Time deadline,
                     const std::string& host_port) {
  while (!data.empty()) {
    if (!ArmTimeout(fd, deadline)) {
      return TimedOut(host_port);
    }
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return TimedOut(host_port);
    }
    if (n < 0) {
      return ErrnoError(absl::StrCat("send to ", host_port), errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadToEof(int fd, absl::Time deadline,
                                      const std::string& host_port) {
  std::string data;
  char buffer[16384];
  while (true) {
    if (!ArmTimeout(fd, deadline)) {
      return TimedOut(host_port);
    }
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return TimedOut(host_port);
    }
    if (n < 0) {
      return ErrnoError(absl::StrCat("recv from ", host_port), errno);
    }
    if (n == 0) {
      return data;
    }
    data.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<std::string> Dechunk(absl::string_view chunked) {
  std::string body;
  while (true) {
    size_t line_end = chunked.find("\r\n");
    if (line_end == absl::string_view::npos) {
      return absl::DataLossError("truncated chunk header");
    }
    absl::string_view size_text = chunked.substr(0, line_end);
    size_text = size_text.substr(0, size_text.find(';'));
    uint64_t size = 0;
    if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(size_text), &size)) {
      return absl::DataLossError("bad chunk size");
    }
    chunked.remove_prefix(line_end + 2);
    if (size == 0) {
      return body;  // Trailers, if any, are ignored.
    }
    if (chunked.size() < size + 2) {
      return absl::DataLossError("truncated chunk");
    }
    absl::StrAppend(&body, chunked.substr(0, size));
    chunked.remove_prefix(size + 2);
  }
}

bool ResponseHasNoBody(const HttpRequest& request, int status) {
  return request.method == "HEAD" || status / 100 == 1 || status == 204 ||
         status == 304;
}

absl::StatusOr<HttpResponse> ParseResponse(const HttpRequest& request,
                                           absl::string_view raw) {
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == absl::string_view::npos) {
    return absl::DataLossError("response ends inside the header");
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(raw.substr(0, head_end), "\r\n");
  std::vector<absl::string_view> status_line =
      absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  HttpResponse response;
  if (status_line.size() < 2 || !absl::StartsWith(status_line[0], "HTTP/") ||
      !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::DataLossError(
        absl::StrCat("bad status line \"", lines[0], "\""));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) {
      return absl::DataLossError(
          absl::StrCat("bad header line \"", lines[i], "\""));
    }
    response.headers.emplace_back(
        absl::AsciiStrToLower(lines[i].substr(0, colon)),
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  absl::string_view rest = raw.substr(head_end + 4);
  if (ResponseHasNoBody(request, response.status)) {
    return response;
  }
  if (absl::StrContains(
          absl::AsciiStrToLower(response.Header("transfer-encoding")),
          "chunked")) {
    absl::StatusOr<std::string> body = Dechunk(rest);
    if (!body.ok()) {
      return body.status();
    }
    response.body = *std::move(body);
    return response;
  }
  std::string length_text = response.Header("content-length");
  size_t length = rest.size();
  if (!length_text.empty() && !absl::SimpleAtoi(length_text, &length)) {
    return absl::DataLossError(
        absl::StrCat("bad Content-Length \"", length_text, "\""));
  }
  if (rest.size() < length) {
    return absl::DataLossError(absl::StrCat("body has ", rest.size(),
                                            " bytes, Content-Length ", length));
  }
  response.body = std::string(rest.substr(0, length));
  return response;
}

}  // namespace

int PickFreeLoopbackPort() {
  Socket sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return -1;
  }
  return ntohs(addr.sin_port);
}

std::string HttpResponse::Header(absl::string_view name) const {
  for (const auto& [header_name, value] : headers) {
    if (absl::EqualsIgnoreCase(header_name, name)) {
      return value;
    }
  }
  return "";
}

absl::StatusOr<HttpResponse> SendHttpRequest(const std::string& host_port,
                                             const HttpRequest& request,
                                             absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<sockaddr_in> addr = ParseHostPort(host_port);
  if (!addr.ok()) {
    return addr.status();
  }
  Socket sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    return ErrnoError("socket", errno);
  }
  // Connecting to loopback succeeds or is refused at once; a server whose
  // accept queue is full is covered by the send timeout.
  if (!ArmTimeout(sock.get(), deadline)) {
    return TimedOut(host_port);
  }
  if (connect(sock.get(), reinterpret_cast<const sockaddr*>(&*addr),
              sizeof(*addr)) != 0) {
    return absl::UnavailableError(
        absl::StrCat("connect to ", host_port, ": ", std::strerror(errno)));
  }
  std::string wire = absl::StrCat(request.method, " ", request.path,
                                  " HTTP/1.1\r\nHost: ", host_port,
                                  "\r\nConnection: close\r\n");
  for (const auto& [name, value] : request.headers) {
    absl::StrAppend(&wire, name, ": ", value, "\r\n");
  }
  if (!request.body.empty()) {
    absl::StrAppend(&wire, "Content-Length: ", request.body.size(), "\r\n");
  }
  absl::StrAppend(&wire, "\r\n", request.body);
  if (absl::Status sent = SendAll(sock.get(), wire, deadline, host_port);
      !sent.ok()) {
    return sent;
  }
  absl::StatusOr<std::string> raw = ReadToEof(sock.get(), deadline, host_port);
  if (!raw.ok()) {
    return raw.status();
  }
  return ParseResponse(request, *raw);
}

}  // namespace tributary::testing
