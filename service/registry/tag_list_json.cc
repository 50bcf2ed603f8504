#include "service/registry/tag_list_json.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "service/oci/names.h"
#include "service/registry/tag_paging.h"
#include "spdlog/spdlog.h"

namespace tributary::registry {
namespace {

using Json = nlohmann::json;

// Prunes only once this many tags are held, so short lists are sorted once.
constexpr size_t kMinPruneAt = 1024;

// Keeps the tags a page can show while the list streams past (see the
// header). Whenever the tags held double since the last pruning, repeats and
// tags not after `last` are dropped, and with a page size all but the
// page_size + 1 lowest: without one every distinct tag is kept, and 8 MiB of
// one tag repeated still costs one.
class TagKeeper {
 public:
  TagKeeper(int page_size, const std::string& last)
      : page_size_(page_size), last_(last) {}

  void Add(std::string tag) {
    if (!last_.empty() && tag <= last_) {
      return;
    }
    tags_.push_back(std::move(tag));
    if (tags_.size() >= prune_at_) {
      KeepPageCandidates(page_size_, last_, tags_);
      prune_at_ = std::max(kMinPruneAt, 2 * tags_.size());
    }
  }

  // What is kept, sorted, each tag once.
  std::vector<std::string> Take() {
    KeepPageCandidates(page_size_, last_, tags_);
    return std::move(tags_);
  }

 private:
  const int page_size_;
  const std::string& last_;  // the caller's, which outlives the keeper
  size_t prune_at_ = kMinPruneAt;
  std::vector<std::string> tags_;
};

// The SAX events of one tag list. Only two places matter: the string at
// top-level key "name", and the strings directly inside the array at
// top-level key "tags"; everything else is checked for syntax and skipped.
class TagListHandler {
 public:
  explicit TagListHandler(TagKeeper& keeper) : keeper_(keeper) {}

  bool null() { return Scalar(/*null=*/true); }
  bool boolean(bool) { return Scalar(false); }
  bool number_integer(Json::number_integer_t) { return Scalar(false); }
  bool number_unsigned(Json::number_unsigned_t) { return Scalar(false); }
  bool number_float(Json::number_float_t, const Json::string_t&) {
    return Scalar(false);
  }
  bool binary(Json::binary_t&) { return Scalar(false); }

  bool string(Json::string_t& value) {
    if (depth_ == 2 && in_tags_) {
      if (oci::ValidateTag(value).ok()) {
        keeper_.Add(std::move(value));
      } else {
        ++dropped_tags_;
      }
      return true;
    }
    if (depth_ == 1 && key_ == "name") {
      name_ = std::move(value);
      return true;
    }
    return Scalar(false);
  }

  bool start_object(std::size_t) { return Open(/*array=*/false); }
  bool start_array(std::size_t) { return Open(/*array=*/true); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(Json::string_t& key) {
    if (depth_ == 1) {
      key_ = std::move(key);
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception&) {
    error_ = "tag list is not a JSON object";
    return false;
  }

  const std::string& error() const { return error_; }
  std::string& name() { return name_; }
  int dropped_tags() const { return dropped_tags_; }

 private:
  // A value that is not a kept string: only its place can be wrong.
  bool Scalar(bool null) {
    if (depth_ == 0) {
      error_ = "tag list is not a JSON object";
      return false;
    }
    if (depth_ == 1 && key_ == "tags" && !null) {
      error_ = "tag list \"tags\" is not an array";
      return false;
    }
    if (depth_ == 2 && in_tags_) {
      ++dropped_tags_;  // a number or the like among the tags
    }
    return true;
  }

  bool Open(bool array) {
    if (depth_ == 0 && array) {
      error_ = "tag list is not a JSON object";
      return false;
    }
    if (depth_ == 1 && key_ == "tags") {
      if (!array) {
        error_ = "tag list \"tags\" is not an array";
        return false;
      }
      in_tags_ = true;
    }
    if (depth_ == 2 && in_tags_) {
      ++dropped_tags_;  // an array or object among the tags
    }
    ++depth_;
    return true;
  }

  bool Close() {
    --depth_;
    if (depth_ == 1) {
      in_tags_ = false;
    }
    return true;
  }

  TagKeeper& keeper_;
  int depth_ = 0;         // 1 inside the top-level object
  std::string key_;       // the current top-level key
  bool in_tags_ = false;  // inside the top-level "tags" array
  std::string name_;
  int dropped_tags_ = 0;
  std::string error_;
};

}  // namespace

absl::StatusOr<TagListBody> ParseTagListJson(std::string_view body,
                                             int page_size,
                                             const std::string& last) {
  TagKeeper keeper(page_size, last);
  TagListHandler handler(keeper);
  if (!Json::sax_parse(body, &handler)) {
    return absl::DataLossError(handler.error().empty()
                                   ? "tag list is not a JSON object"
                                   : handler.error());
  }
  TagListBody list;
  // Passed on to callers only when it is a repository name.
  if (oci::ValidateRepository(handler.name()).ok()) {
    list.name = std::move(handler.name());
  } else if (!handler.name().empty()) {
    spdlog::warn("tag list: dropped a \"name\" that is not a repository name");
  }
  if (handler.dropped_tags() > 0) {
    // An upstream's tag that is not a valid tag would be refused by every
    // other RPC; it is not passed on.
    spdlog::warn("tag list: dropped {} entries that are not tags",
                 handler.dropped_tags());
  }
  list.tags = keeper.Take();
  return list;
}

}  // namespace tributary::registry
