// What identifies a data directory and stays with it: its stable id ("sh_"
// + 16 hex digits: which shard of a deployment sharded by clinic answered)
// and its record-key secret. Made on first use, kept in the default column
// family, carried over by backups and restores.
#ifndef TRACTUS_STORAGE_SHARD_ID_H_
#define TRACTUS_STORAGE_SHARD_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace tractus::storage {

// Not thread-safe against itself: call once at startup.
absl::StatusOr<std::string> LoadOrCreateShardId(Store& store);

// The data directory's record-key secret (32 random bytes made on first
// use, kept like the shard id). Not thread-safe against itself.
absl::StatusOr<std::string> LoadOrCreateRecordKeySecret(Store& store);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_SHARD_ID_H_
