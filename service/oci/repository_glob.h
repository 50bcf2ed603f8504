#ifndef TRIBUTARY_SERVICE_OCI_REPOSITORY_GLOB_H_
#define TRIBUTARY_SERVICE_OCI_REPOSITORY_GLOB_H_

#include <string_view>

#include "absl/status/status.h"

namespace tributary::oci {

// Glob patterns over repository names, for the scope rules of an upstream:
//   ?    one character other than '/'
//   *    any run of characters other than '/' (within one path component)
//   **   a whole component only: any run of characters, '/' included;
//        "**/" in the middle or at the start also matches nothing at all, so
//        "a/**/b" matches "a/b" and "a/x/y/b"
// Everything else matches itself. "library/*" is Docker Hub's official images,
// "myorg/**" everything below myorg/ (not "myorg" itself).

// A pattern holds [a-z0-9._-/*?], at most 255 bytes, no empty component
// (leading, trailing or doubled '/'), and "**" only as a whole component.
// Errors are InvalidArgument and say what is wrong.
absl::Status ValidateRepositoryGlob(std::string_view pattern);

// Whether `repository` matches `pattern` (a valid pattern). Linear memory,
// O(pattern * repository) time: safe for any input.
bool MatchRepositoryGlob(std::string_view pattern, std::string_view repository);

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_REPOSITORY_GLOB_H_
