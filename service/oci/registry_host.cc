#include "service/oci/registry_host.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "service/oci/quote.h"

namespace tributary::oci {
namespace {

constexpr std::size_t kMaxLabelLength = 63;
constexpr int kMaxPort = 65535;

absl::Status HostError(std::string_view name, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("registry ", QuoteForError(name), ": ", reason));
}

bool IsAllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(c);
  });
}

absl::Status CheckPort(std::string_view name, std::string_view port) {
  if (!IsAllDigits(port) || port.size() > 5 || port[0] == '0' ||
      std::stoi(std::string(port)) > kMaxPort) {
    return HostError(name, absl::StrCat("port ", QuoteForError(port),
                                        " is not a number from 1 to 65535"));
  }
  return absl::OkStatus();
}

absl::Status CheckLabel(std::string_view name, std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) {
    return HostError(name,
                     "each dot-separated label of the host must be 1 to "
                     "63 characters long");
  }
  for (char c : label) {
    if (absl::ascii_isupper(c)) {
      return HostError(name,
                       "upper-case letters are not allowed (write the "
                       "host in lower case)");
    }
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') {
      return HostError(name, absl::StrCat("character ", QuoteCharForError(c),
                                          " is not allowed in a host"));
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return HostError(name, "a label of the host starts or ends with '-'");
  }
  return absl::OkStatus();
}

// A DNS name, or an IPv4 address when every label is a number.
absl::Status CheckHostName(std::string_view name, std::string_view host) {
  const std::vector<absl::string_view> labels =
      absl::StrSplit(absl::string_view(host.data(), host.size()), '.');
  bool numeric = true;
  for (absl::string_view label : labels) {
    const std::string_view view(label.data(), label.size());
    if (absl::Status status = CheckLabel(name, view); !status.ok()) {
      return status;
    }
    numeric = numeric && IsAllDigits(view);
  }
  in_addr address;
  if (numeric && inet_pton(AF_INET, std::string(host).c_str(), &address) != 1) {
    return HostError(name, "not a valid IPv4 address");
  }
  return absl::OkStatus();
}

absl::Status CheckIpv6(std::string_view name, std::string_view address) {
  for (char c : address) {
    if (absl::ascii_isupper(c)) {
      return HostError(name,
                       "upper-case letters are not allowed (write the "
                       "address in lower case)");
    }
  }
  // inet_pton reads a C string: a NUL would hide every byte after it.
  in6_addr parsed;
  if (address.find('\0') != std::string_view::npos ||
      inet_pton(AF_INET6, std::string(address).c_str(), &parsed) != 1) {
    return HostError(name, "not a valid IPv6 address between the brackets");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRegistryHost(std::string_view name) {
  if (name.empty()) {
    return HostError(name, "it is empty");
  }
  if (name.size() > kMaxRegistryHostLength) {
    return HostError(name, absl::StrCat("longer than ", kMaxRegistryHostLength,
                                        " characters"));
  }
  std::string_view host = name;
  std::string_view rest;
  if (name.front() == '[') {
    const std::size_t close = name.find(']');
    if (close == std::string_view::npos) {
      return HostError(name, "'[' without a closing ']'");
    }
    if (absl::Status status = CheckIpv6(name, name.substr(1, close - 1));
        !status.ok()) {
      return status;
    }
    rest = name.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return HostError(name, "only \":PORT\" may follow ']'");
    }
  } else {
    const std::size_t colon = name.find(':');
    host = name.substr(0, colon);
    rest = colon == std::string_view::npos ? "" : name.substr(colon);
    if (absl::Status status = CheckHostName(name, host); !status.ok()) {
      return status;
    }
  }
  if (rest.empty()) {
    return absl::OkStatus();
  }
  return CheckPort(name, rest.substr(1));
}

}  // namespace tributary::oci
