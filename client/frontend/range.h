#ifndef TRIBUTARY_CLIENT_FRONTEND_RANGE_H_
#define TRIBUTARY_CLIENT_FRONTEND_RANGE_H_

#include <cstdint>
#include <string_view>

namespace tributary::frontend {

// What a Range header asks of a blob of a known size. Plain value type.
struct ByteRange {
  enum class Kind {
    kWhole,          // no Range, or one this server ignores: 200
    kPartial,        // 206 with Content-Range: bytes first-last/size
    kUnsatisfiable,  // 416 with Content-Range: bytes */size
  };
  Kind kind = Kind::kWhole;
  int64_t first = 0;
  int64_t last = 0;  // inclusive

  int64_t length() const { return last - first + 1; }
};

// Interprets `header` (the Range value; empty when absent) for a blob of
// `size` bytes, per RFC 9110 section 14: "bytes=a-b", "bytes=a-" and the
// suffix "bytes=-n"; b past the end is cut to the end. A header that does not
// parse, another unit, or several ranges is ignored (the whole blob), as the
// RFC allows; a range starting at or past the end is unsatisfiable.
ByteRange ParseRange(std::string_view header, int64_t size);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_RANGE_H_
