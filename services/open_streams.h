// OpenStreams: the long-lived streams open now (uploads, alert streams,
// telemetry reads), told at once when access changes — a device revoked,
// an API key revoked, a user disabled or rescoped — so each looks at its
// caller again (CallGuard::StillAdmitted) and ends if it lost access. An
// event, not a poll: an idle stream of a revoked device ends too.
//
// Thread-safe. A stream's `recheck` must only schedule work (it runs under
// this registry's lock, on the thread that changed access).
#ifndef TRACTUS_SERVICES_OPEN_STREAMS_H_
#define TRACTUS_SERVICES_OPEN_STREAMS_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tractus::services {

class OpenStreams {
 public:
  using Recheck = std::function<void()>;

  // Registers a stream; Remove(handle) before it is destroyed.
  uint64_t Add(Recheck recheck);
  void Remove(uint64_t handle);

  // Calls every registered stream's recheck.
  void AccessChanged();

  size_t size() const;

 private:
  mutable absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, Recheck> streams_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_OPEN_STREAMS_H_
