#include "records/idempotency.h"

#include "absl/strings/str_cat.h"
#include "common/fnv.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace tractus::records {

uint64_t Fingerprint(const google::protobuf::MessageLite& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return Fnv1a64(bytes);
}

absl::Status RequestIdReusedError(absl::string_view request_id) {
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id ", request_id,
      " was already used for a different request; choose a new request_id"));
}

CreateOnce::CreateOnce(storage::Store& store, StripedLock& locks, storage::RequestKind kind,
                       std::string scope, const std::string& request_id,
                       const google::protobuf::MessageLite& input, ScopeOf scope_of,
                       std::string_view extra_lock_key)
    : store_(store),
      scope_(std::move(scope)),
      request_id_(request_id),
      request_key_(storage::ScopedRequestKey(kind, scope_, request_id)),
      legacy_key_(storage::RequestKey(kind, request_id)),
      fingerprint_(Fingerprint(input)),
      scope_of_(std::move(scope_of)),
      hold_(locks, {request_key_, legacy_key_, extra_lock_key}) {}

absl::StatusOr<std::optional<std::string>> CreateOnce::PriorResourceId() const {
  absl::StatusOr<std::string> value = store_.Get(storage::Cf::kIndex, request_key_);
  if (absl::IsNotFound(value.status())) {
    // A store from before scoping: its record counts here only if what it
    // created is in this scope.
    value = store_.Get(storage::Cf::kIndex, legacy_key_);
    if (absl::IsNotFound(value.status())) return std::optional<std::string>();
    RETURN_IF_ERROR(value.status());
    ASSIGN_OR_RETURN(storage::RequestRecord legacy, storage::DecodeRequestRecord(*value));
    absl::StatusOr<std::string> legacy_scope = scope_of_(legacy.resource_id);
    if (absl::IsNotFound(legacy_scope.status()) ||
        (legacy_scope.ok() && *legacy_scope != scope_)) {
      return std::optional<std::string>();
    }
    RETURN_IF_ERROR(legacy_scope.status());
  }
  RETURN_IF_ERROR(value.status());
  ASSIGN_OR_RETURN(storage::RequestRecord record, storage::DecodeRequestRecord(*value));
  if (record.fingerprint != fingerprint_) return RequestIdReusedError(request_id_);
  return std::optional<std::string>(record.resource_id);
}

absl::Status CreateOnce::Commit(storage::WriteBatch& batch, const std::string& resource_id) {
  batch.Put(storage::Cf::kIndex, request_key_,
            storage::EncodeRequestRecord({fingerprint_, resource_id}));
  return store_.Write(batch);
}

}  // namespace tractus::records
