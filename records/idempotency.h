// Idempotent creates: a client-chosen request_id maps to the resource the
// first request created. Replaying the same request returns that resource;
// reusing the id for different content is ALREADY_EXISTS.
//
// Callers hold the request key's stripe (StripedLock) from FindPriorRequest
// to the Write of the batch that RememberRequest filled.
#ifndef TRACTUS_RECORDS_IDEMPOTENCY_H_
#define TRACTUS_RECORDS_IDEMPOTENCY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message_lite.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace tractus::records {

// A stable fingerprint of a request's content (deterministic serialization,
// FNV-1a 64). Equal requests have equal fingerprints.
uint64_t Fingerprint(const google::protobuf::MessageLite& request);

// The id of the resource created by an earlier request with this id and the
// same fingerprint; nullopt if there was none. ALREADY_EXISTS if the id was
// used for a request with other content.
absl::StatusOr<std::optional<std::string>> FindPriorRequest(
    const storage::Store& store, storage::RequestKind kind,
    const std::string& request_id, uint64_t fingerprint);

// Adds the request record to `batch` (written with the created resource).
void RememberRequest(storage::WriteBatch& batch, storage::RequestKind kind,
                     const std::string& request_id, uint64_t fingerprint,
                     const std::string& resource_id);

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_IDEMPOTENCY_H_
