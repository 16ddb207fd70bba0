// The stable id of a data directory ("sh_" + 16 hex digits): which shard of
// a deployment sharded by clinic answered. Made on first use, kept in the
// default column family, carried over by backups and restores.
#ifndef TRACTUS_STORAGE_SHARD_ID_H_
#define TRACTUS_STORAGE_SHARD_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace tractus::storage {

// Not thread-safe against itself: call once at startup.
absl::StatusOr<std::string> LoadOrCreateShardId(Store& store);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_SHARD_ID_H_
