#ifndef TRIBUTARY_CLIENT_FRONTEND_TESTING_RAW_CONNECTION_H_
#define TRIBUTARY_CLIENT_FRONTEND_TESTING_RAW_CONNECTION_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

namespace tributary::frontend::testing {

// A raw loopback connection to the frontend under test, for what the HTTP
// helper cannot do: keep-alive, half-sent requests, a client that reads
// slowly. Not thread-safe.
class RawConnection {
 public:
  // `receive_buffer` > 0: SO_RCVBUF, fixed before connecting (no autotuning).
  explicit RawConnection(int port, int receive_buffer = 0)
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                 sizeof(receive_buffer));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address),
                         sizeof(address)) == 0;
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~RawConnection() { close(fd_); }

  bool connected() const { return connected_; }
  bool Send(const std::string& bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until `text` arrived or the peer closed; returns what came.
  std::string ReadUntil(const std::string& text) {
    std::string received;
    char buffer[4096];
    while (received.find(text) == std::string::npos) {
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
  }
  int local_port() const {
    sockaddr_in address{};
    socklen_t size = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
  }
  // Reads up to `bytes` (what is there, or waits for some); returns how many.
  int64_t Read(std::size_t bytes) {
    std::string buffer(bytes, '\0');
    return recv(fd_, buffer.data(), bytes, 0);
  }
  // True when the peer closed the connection (end of stream or a reset),
  // false when the 5 s receive timeout passed first.
  bool ClosedByPeer() {
    char byte;
    const ssize_t n = recv(fd_, &byte, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  int fd_;
  bool connected_ = false;
};

}  // namespace tributary::frontend::testing

#endif  // TRIBUTARY_CLIENT_FRONTEND_TESTING_RAW_CONNECTION_H_
