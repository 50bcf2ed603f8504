#ifndef TRIBUTARY_SERVICE_HTTP_CONNECTION_SLOT_H_
#define TRIBUTARY_SERVICE_HTTP_CONNECTION_SLOT_H_

// Internal to service/http.

#include <functional>
#include <utility>

namespace tributary::http {

// The right to keep one connection to an origin open, busy or idle (see
// PoolLimits::max_connections_per_origin). The connection holds it and gives
// it back when it is destroyed, which lets a request waiting for that origin
// go on. Move-only; not thread-safe (it moves with its connection).
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::function<void()> release)
      : release_(std::move(release)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : release_(std::exchange(other.release_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    if (this != &other) {
      Release();
      release_ = std::exchange(other.release_, nullptr);
    }
    return *this;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { Release(); }

 private:
  void Release() {
    if (release_) {
      std::exchange(release_, nullptr)();
    }
  }

  std::function<void()> release_;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_CONNECTION_SLOT_H_
