#include "records/idempotency.h"

#include "absl/strings/str_cat.h"
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
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

absl::StatusOr<std::optional<std::string>> FindPriorRequest(
    const storage::Store& store, storage::RequestKind kind,
    const std::string& request_id, uint64_t fingerprint) {
  absl::StatusOr<std::string> value =
      store.Get(storage::Cf::kIndex, storage::RequestKey(kind, request_id));
  if (absl::IsNotFound(value.status())) return std::optional<std::string>();
  RETURN_IF_ERROR(value.status());
  ASSIGN_OR_RETURN(storage::RequestRecord record, storage::DecodeRequestRecord(*value));
  if (record.fingerprint != fingerprint) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id ", request_id,
        " was already used for a different request; choose a new request_id"));
  }
  return std::optional<std::string>(record.resource_id);
}

void RememberRequest(storage::WriteBatch& batch, storage::RequestKind kind,
                     const std::string& request_id, uint64_t fingerprint,
                     const std::string& resource_id) {
  batch.Put(storage::Cf::kIndex, storage::RequestKey(kind, request_id),
            storage::EncodeRequestRecord({fingerprint, resource_id}));
}

}  // namespace tractus::records
