// Building statuses that carry machine-readable details. The details travel
// as absl::Status payloads keyed by their google.rpc type URL, and the gRPC
// status mapping (services/status_mapping.h) turns them into the standard
// `grpc-status-details-bin` trailer.
#ifndef TRACTUS_COMMON_ERRORS_H_
#define TRACTUS_COMMON_ERRORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tractus {

inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kRetryInfoTypeUrl =
    "type.googleapis.com/google.rpc.RetryInfo";

struct FieldViolation {
  std::string field;        // e.g. "observations[3].odi.walking"
  std::string description;  // e.g. "must be 0..5, got 7"
};

// Collects field violations while validating a request. Not thread-safe.
class Violations {
 public:
  void Add(std::string field, std::string description) {
    list_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }

  // OK when empty; otherwise InvalidArgumentWithFields(list()).
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
};

// INVALID_ARGUMENT whose message names the first violation (and how many
// more), with a google.rpc.BadRequest payload listing all of them.
// REQUIRES: !violations.empty().
absl::Status InvalidArgumentWithFields(
    const std::vector<FieldViolation>& violations);

// Shorthand for one violation.
absl::Status InvalidField(absl::string_view field,
                          absl::string_view description);

// The field violations carried by `status` (empty if none or undecodable).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// RESOURCE_EXHAUSTED (or another code) with a google.rpc.RetryInfo payload
// telling the client how long to wait before retrying.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

}  // namespace tractus

#endif  // TRACTUS_COMMON_ERRORS_H_
