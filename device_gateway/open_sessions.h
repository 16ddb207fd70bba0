// OpenSessions: the state of the sessions that have an upload stream open,
// shared by every stream uploading the same session (a table may resume on
// a new stream while its old one lingers). While a stream holds a session,
// every change to its chunks and its record goes through this state under
// its mutex, so the state stays exact and storing a chunk needs no reads.
// The state goes with the last stream and is rebuilt from the store by the
// next one.
//
// Thread-safe.
#ifndef TRACTUS_DEVICE_GATEWAY_OPEN_SESSIONS_H_
#define TRACTUS_DEVICE_GATEWAY_OPEN_SESSIONS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "device_gateway/chunk_timeline.h"
#include "device_gateway/session_summary.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

struct OpenSessionState {
  absl::Mutex mu;
  // False until read from the store, and again after a failed write (which
  // may or may not have reached the disk): the next user reloads.
  bool loaded ABSL_GUARDED_BY(mu) = false;
  bool exists ABSL_GUARDED_BY(mu) = false;  // a session record is stored
  v1::Session session ABSL_GUARDED_BY(mu);  // the stored record, if exists
  // Stored chunks and those accepted but not yet committed.
  ChunkTimeline timeline ABSL_GUARDED_BY(mu);
  int pending ABSL_GUARDED_BY(mu) = 0;  // accepted, not yet committed
  // The summary of chunks 0..next_seq-1 added in seq order as they were
  // stored, so finishing reads nothing back; empty once a chunk arrived
  // above a gap or when the state was loaded with chunks already stored.
  std::optional<SummaryAccumulator> summary ABSL_GUARDED_BY(mu);
};

class OpenSessions {
 public:
  OpenSessions();

  // The state of the session named `key` (any string that names one
  // session), shared with the other holders; a new, not yet loaded one if
  // nobody holds it. It is forgotten when the last holder drops it.
  std::shared_ptr<OpenSessionState> Acquire(const std::string& key);

  // Sessions held now.
  size_t size() const;

 private:
  struct Registry {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, std::weak_ptr<OpenSessionState>> states ABSL_GUARDED_BY(mu);
  };
  // Shared with the states' deleters, which may run after this is gone.
  std::shared_ptr<Registry> registry_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_OPEN_SESSIONS_H_
