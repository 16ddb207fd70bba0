// Schema migrations that rewrite records (store.cc runs them on open, in
// order, before it records the new schema version). Each is idempotent: a
// migration interrupted by a crash runs again, whole, on the next open.
#ifndef TRACTUS_STORAGE_MIGRATIONS_H_
#define TRACTUS_STORAGE_MIGRATIONS_H_

#include "absl/status/status.h"

namespace tractus::storage {

class Store;

// 3 -> 4: session ids become the device's own. Every stored session keeps
// its id as the server's id, gets device_session_id = that id, and is
// indexed under (device_id, device_session_id) — so a table resumes and
// asks GetUploadState for its old sessions exactly as before.
absl::Status MigrateSessionsToDeviceScope(Store& store);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_MIGRATIONS_H_
