#include "client/cli/output.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace tributary::client::cli {
namespace {

// An age rounded down to what a person reads: whole seconds, or whole
// milliseconds under a second.
std::string AgeText(const google::protobuf::Duration& age) {
  const absl::Duration exact =
      absl::Seconds(age.seconds()) + absl::Nanoseconds(age.nanos());
  const absl::Duration shown =
      absl::Trunc(exact, exact < absl::Seconds(1) ? absl::Milliseconds(1)
                                                  : absl::Seconds(1));
  return shown <= absl::ZeroDuration() ? "0s" : absl::FormatDuration(shown);
}

}  // namespace

absl::StatusOr<Format> ParseFormat(const std::string& text) {
  if (text == "text") {
    return Format::kText;
  }
  if (text == "json") {
    return Format::kJson;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--output must be \"text\" or \"json\", not \"", text, "\""));
}

void PrintRecord(std::ostream& out, Format format, const Record& record) {
  if (format == Format::kJson) {
    out << record.dump() << "\n";
    return;
  }
  for (const auto& [key, value] : record.items()) {
    out << key << ": "
        << (value.is_string() ? value.get<std::string>() : value.dump())
        << "\n";
  }
}

std::string PrettyManifest(const std::string& content) {
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(
      content, nullptr, /*allow_exceptions=*/false);
  std::string text = parsed.is_discarded() ? content : parsed.dump(2);
  if (text.empty() || text.back() != '\n') {
    text += '\n';
  }
  return text;
}

nlohmann::ordered_json ManifestJson(const std::string& content) {
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(
      content, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return content;
  }
  return parsed;
}

std::string CacheText(const v1::CacheInfo& cache) {
  if (!cache.hit()) {
    return "miss";
  }
  return absl::StrCat(cache.stale() ? "hit, stale" : "hit", " (age ",
                      AgeText(cache.age()), ")");
}

Record CacheValue(Format format, const v1::CacheInfo& cache) {
  if (format == Format::kText) {
    return CacheText(cache);
  }
  v1::CacheInfo complete = cache;
  complete.mutable_age();  // An unset age prints as "0s" instead of nothing.
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing CacheInfo cannot fail; were it to, the field is null rather than
  // the command failing after its call succeeded.
  if (!google::protobuf::util::MessageToJsonString(complete, &json, options)
           .ok()) {
    return nullptr;
  }
  Record value = Record::parse(json, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? Record(nullptr) : value;
}

}  // namespace tributary::client::cli
