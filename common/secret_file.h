// Files that hold one secret (an API key): written readable by the owner
// only (mode 0600) and synced; read back as their first line.
#ifndef TRACTUS_COMMON_SECRET_FILE_H_
#define TRACTUS_COMMON_SECRET_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace tractus {

// Creates or replaces `path` with `secret` and a newline, mode 0600.
// FAILED_PRECONDITION naming the path on any error.
absl::Status WriteSecretFile(const std::string& path, const std::string& secret);

// The first line of `path` without surrounding whitespace;
// FAILED_PRECONDITION if unreadable or empty.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

}  // namespace tractus

#endif  // TRACTUS_COMMON_SECRET_FILE_H_
