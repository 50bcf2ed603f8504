#ifndef TRIBUTARY_SERVICE_CONFIG_VALIDATE_H_
#define TRIBUTARY_SERVICE_CONFIG_VALIDATE_H_

// Internal to //service/config: the rules a parsed, defaulted Config must meet.

#include <string>
#include <vector>

#include "tributary/v1/config.pb.h"

namespace tributary::config::internal {

// Returns one "field.path: reason" line per broken rule, in field order; empty
// when the config is valid. Expects defaults to be applied already (see
// defaults.h). Never quotes a URL that may carry credentials.
std::vector<std::string> Validate(const v1::Config& config);

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_VALIDATE_H_
