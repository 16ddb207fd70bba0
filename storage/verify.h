// A full check of the database: RocksDB's block checksums over every file,
// then every record decoded as the type its column family holds. Reads
// everything once; memory stays bounded (one record at a time).
#ifndef TRACTUS_STORAGE_VERIFY_H_
#define TRACTUS_STORAGE_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace tractus::storage {

struct FamilyReport {
  std::string name;
  int64_t records = 0;
  int64_t damaged = 0;   // did not decode
  bool unreadable = false;  // the scan itself failed (e.g. a bad block)
};

struct VerifyReport {
  // Empty when every block checksum matched; the error otherwise.
  std::string checksum_error;
  std::vector<FamilyReport> families;
  bool ok() const;
};

// Errors only for failures to run the check; damage is in the report.
absl::StatusOr<VerifyReport> VerifyDatabase(const Store& store);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_VERIFY_H_
