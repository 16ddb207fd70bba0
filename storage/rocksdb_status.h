// Maps RocksDB statuses to absl::Status so that callers learn what to do:
//   Corruption           -> DATA_LOSS           (a stored record is damaged)
//   IOError + NoSpace    -> RESOURCE_EXHAUSTED  (free disk space, then retry)
//   IOError (other)      -> UNAVAILABLE         (retry later)
//   Busy, TryAgain       -> ABORTED             (retry the transaction)
//   ShutdownInProgress   -> UNAVAILABLE
//   TimedOut             -> DEADLINE_EXCEEDED
//   Incomplete           -> UNAVAILABLE
//   NotFound             -> NOT_FOUND
//   InvalidArgument, NotSupported -> INTERNAL  (our bug, not the caller's:
//                                               only validation produces
//                                               INVALID_ARGUMENT)
//   Aborted              -> ABORTED
//   anything else        -> UNKNOWN
// Only storage/ includes RocksDB headers.
#ifndef TRACTUS_STORAGE_ROCKSDB_STATUS_H_
#define TRACTUS_STORAGE_ROCKSDB_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace tractus::storage {

// `context` names the operation, e.g. "write batch"; it prefixes the message.
absl::Status FromRocksDb(const rocksdb::Status& s, absl::string_view context);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_ROCKSDB_STATUS_H_
