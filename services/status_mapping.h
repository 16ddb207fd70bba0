// The one mapping from domain statuses (absl) to gRPC statuses.
//
// Codes are carried over unchanged (absl and gRPC share the numbers).
// Field violations and retry delays (common/errors.h payloads) become a
// google.rpc.Status in the `grpc-status-details-bin` trailer, so clients can
// read google.rpc.BadRequest / RetryInfo with the standard tooling.
// INTERNAL, DATA_LOSS and UNKNOWN carry server-side detail that clients must
// not see: their message is replaced by a generic one and the detail is
// logged (storage messages never contain patient data).
#ifndef TRACTUS_SERVICES_STATUS_MAPPING_H_
#define TRACTUS_SERVICES_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tractus::services {

// `method` names the RPC for the log line of a hidden server-side error.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view method);

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_STATUS_MAPPING_H_
