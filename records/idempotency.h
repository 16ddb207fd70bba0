// Idempotent creates: a client-chosen request_id maps to the resource the
// first request created. Replaying the same request returns that resource;
// reusing the id for different content is ALREADY_EXISTS.
#ifndef TRACTUS_RECORDS_IDEMPOTENCY_H_
#define TRACTUS_RECORDS_IDEMPOTENCY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "records/striped_lock.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace tractus::records {

// A stable fingerprint of a request's content (deterministic serialization,
// FNV-1a 64). Equal requests have equal fingerprints.
uint64_t Fingerprint(const google::protobuf::MessageLite& request);

// The answer to a request id reused for different content, on every RPC
// that takes one: ALREADY_EXISTS, the same words.
absl::Status RequestIdReusedError(absl::string_view request_id);

// One idempotent create. Request ids are scoped to a tenant: `scope` is the
// clinic the created record belongs to ("" for clinics), so two clinics'
// clients may use the same ids and neither learns of the other's. Holds
// the request id's lock (and `extra_lock_key`'s, e.g. an MRN) from
// construction to destruction, so the prior-request check and the write
// cannot interleave with a concurrent replay:
//
//   CreateOnce once(store, locks, RequestKind::kCreatePatient, clinic_id,
//                   req.request_id(), input, scope_of_patient);
//   ASSIGN_OR_RETURN(auto prior, once.PriorResourceId());
//   if (prior) return Load(*prior);
//   ... fill `batch` with the new resource ...
//   RETURN_IF_ERROR(once.Commit(batch, new_id));
//
// `scope_of` gives the scope of a resource this kind of request created:
// it places the request records of stores made before request ids were
// scoped (one namespace), so their replays still return their resource in
// their own clinic and other clinics may use the id.
//
// Not thread-safe; one per call.
class CreateOnce {
 public:
  using ScopeOf = std::function<absl::StatusOr<std::string>(const std::string& resource_id)>;

  CreateOnce(storage::Store& store, StripedLock& locks, storage::RequestKind kind,
             std::string scope, const std::string& request_id,
             const google::protobuf::MessageLite& input, ScopeOf scope_of,
             std::string_view extra_lock_key = {});

  // The id of the resource created by an earlier request with this id, in
  // this scope, and the same content; nullopt if none. ALREADY_EXISTS if
  // the id was used in this scope for different content.
  absl::StatusOr<std::optional<std::string>> PriorResourceId() const;

  // Adds the request record to `batch` and writes it atomically.
  absl::Status Commit(storage::WriteBatch& batch, const std::string& resource_id);

 private:
  storage::Store& store_;
  const std::string scope_;
  const std::string request_id_;
  const std::string request_key_;
  const std::string legacy_key_;
  const uint64_t fingerprint_;
  const ScopeOf scope_of_;
  StripedLock::Hold hold_;
};

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_IDEMPOTENCY_H_
