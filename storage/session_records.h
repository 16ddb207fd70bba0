// How a session is stored: its record in the sessions CF, its copy in the
// episode's index range, and the entry that finds it by its device's own id
// (storage/key_codec.h) — always written together.
#ifndef TRACTUS_STORAGE_SESSION_RECORDS_H_
#define TRACTUS_STORAGE_SESSION_RECORDS_H_

#include "storage/store.h"
#include "tractus/v1/session.pb.h"

namespace tractus::storage {

// Adds the session's three entries to `batch`. The index key is made from
// the stored start time, so every rewrite of a session replaces the same
// entry.
void PutSession(WriteBatch& batch, const v1::Session& session);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_SESSION_RECORDS_H_
