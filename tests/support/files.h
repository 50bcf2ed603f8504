#ifndef TRIBUTARY_TESTS_SUPPORT_FILES_H_
#define TRIBUTARY_TESTS_SUPPORT_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tributary::testing {

// Creates a fresh directory `parent`/`prefix`XXXXXX (creating `parent` first if
// needed) and returns its path. Thread-safe.
absl::StatusOr<std::string> MakeTempDir(const std::string& parent,
                                        absl::string_view prefix);

// Replaces the contents of `path` with `contents`.
absl::Status WriteFile(const std::string& path, absl::string_view contents);

// Returns the whole contents of `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// The directory tests should put their files in: $TEST_TMPDIR under Bazel,
// else a directory under /tmp.
std::string TestTempDir();

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_SUPPORT_FILES_H_
