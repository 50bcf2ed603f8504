#include "client/cli/output.h"

#include "absl/strings/str_cat.h"

namespace tributary::client::cli {

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

}  // namespace tributary::client::cli
