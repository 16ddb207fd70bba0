#include "storage/shard_id.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/ids.h"
#include "storage/key_codec.h"

namespace tractus::storage {

absl::StatusOr<std::string> LoadOrCreateShardId(Store& store) {
  auto stored = store.Get(Cf::kMeta, ShardIdKey());
  if (stored.ok()) {
    if (stored->size() != 19 || !absl::StartsWith(*stored, "sh_")) {
      return absl::DataLossError("shard id is damaged");
    }
    return stored;
  }
  if (!absl::IsNotFound(stored.status())) return stored.status();
  std::string random(8, '\0');
  SecureRandomBytes(random.data(), random.size());
  const std::string id = "sh_" + absl::BytesToHexString(random);
  WriteBatch batch;
  batch.Put(Cf::kMeta, ShardIdKey(), id);
  if (absl::Status written = store.Write(batch); !written.ok()) return written;
  return id;
}

absl::StatusOr<std::string> LoadOrCreateRecordKeySecret(Store& store) {
  auto stored = store.Get(Cf::kMeta, RecordKeySecretKey());
  if (stored.ok()) {
    if (stored->size() != 32) return absl::DataLossError("record-key secret is damaged");
    return stored;
  }
  if (!absl::IsNotFound(stored.status())) return stored.status();
  std::string fresh(32, '\0');
  SecureRandomBytes(fresh.data(), fresh.size());
  WriteBatch batch;
  batch.Put(Cf::kMeta, RecordKeySecretKey(), fresh);
  if (absl::Status written = store.Write(batch); !written.ok()) return written;
  return fresh;
}

}  // namespace tractus::storage
