#ifndef TRIBUTARY_CLIENT_FRONTEND_HTPASSWD_H_
#define TRIBUTARY_CLIENT_FRONTEND_HTPASSWD_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace tributary::frontend {

// The users and bcrypt hashes of an htpasswd file's `contents`, one
// "user:hash" a line; blank lines and '#' comments are skipped, surrounding
// whitespace dropped, and a repeated user keeps its first hash. Errors
// (INVALID_ARGUMENT) start "htpasswd_file SOURCE line N: " and say why; a
// file without users is one too. Pure.
absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ParseHtpasswd(
    std::string_view contents, std::string_view source);

// Basic auth against an htpasswd file of bcrypt entries ("user:$2y$05$...",
// what `htpasswd -B` writes), verified with libxcrypt's crypt_rn. Other hash
// schemes (MD5 "$apr1$", SHA, crypt, plain) are refused when the file is
// loaded: they are weak, and a registry expects bcrypt.
//
// bcrypt costs milliseconds by design and a pull sends dozens of requests,
// so credentials that verified once are remembered (by the SHA-256 of
// "user:password", at most kMaxRemembered of them; the set is cleared when
// full). Failures are
// never remembered. Thread-safe.
class Htpasswd {
 public:
  static constexpr std::size_t kMaxRemembered = 1024;

  // Reads the file and ParseHtpasswd()s it. Errors name the file, the line
  // and the reason.
  static absl::StatusOr<std::unique_ptr<Htpasswd>> Load(
      const std::string& path);

  // Whether `authorization` (the header's value, "Basic base64(user:pass)")
  // names a user of the file with the right password. On success `user` is
  // set (for the log line).
  bool Check(std::string_view authorization, std::string& user) const
      ABSL_LOCKS_EXCLUDED(mutex_);

  // One user's password, without the memory.
  bool Verify(std::string_view user, std::string_view password) const;

 private:
  Htpasswd(absl::flat_hash_map<std::string, std::string> hashes,
           std::string dummy_setting)
      : hashes_(std::move(hashes)), dummy_setting_(std::move(dummy_setting)) {}

  const absl::flat_hash_map<std::string, std::string> hashes_;  // user → hash
  // Hashed against for unknown users (see Verify).
  const std::string dummy_setting_;
  mutable absl::Mutex mutex_;
  // SHA-256 of "user:password" of credentials that verified.
  mutable absl::flat_hash_set<std::string> remembered_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_HTPASSWD_H_
