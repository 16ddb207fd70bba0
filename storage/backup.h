// Online backups with RocksDB's BackupEngine: incremental (files shared
// between backups), every file checksummed, taken while the store serves.
// Restores go into a new, empty data dir while no server uses it.
#ifndef TRACTUS_STORAGE_BACKUP_H_
#define TRACTUS_STORAGE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tractus::storage {

struct BackupSummary {
  uint32_t id = 0;
  absl::Time time;
  uint64_t bytes = 0;
  uint32_t files = 0;
};

// Backups in `backup_dir`, oldest first (empty if the dir has none).
absl::StatusOr<std::vector<BackupSummary>> ListBackups(const std::string& backup_dir);

// Deletes the oldest backups until `keep` (>= 1) remain.
absl::Status PruneBackups(const std::string& backup_dir, int keep);

// Checks that every file of backup `id` is present with its size and
// checksum: DATA_LOSS naming the problem otherwise.
absl::Status VerifyBackup(const std::string& backup_dir, uint32_t id);

// Restores backup `id` (0: the latest) into `data_dir`, which must not
// exist or be empty (FAILED_PRECONDITION otherwise).
absl::Status RestoreBackup(const std::string& backup_dir, uint32_t id,
                           const std::string& data_dir);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_BACKUP_H_
