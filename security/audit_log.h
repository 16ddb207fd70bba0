// AuditLog: an append-only, hash-chained record of every call that reads or
// changes patient data, every export and every authorization failure.
//
// Entry n is stored under AuditKey(n) (n = 1, 2, ... without gaps) with
// hash = ChainHash(hash of entry n-1, entry n); the last entry is also kept
// as the chain head in the meta column family, written in the same batch.
// Verify() recomputes the chain: a deleted, altered, reordered or truncated
// entry is reported. (Someone able to rewrite the whole database can forge a
// consistent chain; the head hash is logged at shutdown so it can be
// compared with an outside copy.)
//
// Entries carry ids and outcomes only, never names, MRNs or request content.
// Times never go backwards within the log (a clock step back reuses the
// last time), so a time range is found by binary search.
//
// Thread-safe.
#ifndef TRACTUS_SECURITY_AUDIT_LOG_H_
#define TRACTUS_SECURITY_AUDIT_LOG_H_

#include <cstdint>
#include <memory>
#include <vector>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/store.h"
#include "tractus/v1/admin.pb.h"

namespace tractus::security {

// SHA-256 over `previous_hash` and a canonical encoding of every field of
// `entry` but its hash. Pure.
std::string ChainHash(absl::string_view previous_hash, const v1::AuditEntry& entry);

class AuditLog {
 public:
  // Reads the chain head. `store` and `clock` must outlive the result.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(storage::Store* store,
                                                        const Clock* clock);

  // Appends `entry` (its sequence, time and hash are assigned here) and
  // returns once it is written, as durably as the store's writes. Entries
  // appended concurrently are written together in one batch (one fsync):
  // while one batch is written the next ones queue, and the first caller to
  // find no write in progress writes the queue. If a write fails, it and
  // every entry queued behind it (chained onto it) fail, and the chain goes
  // on from the last written entry.
  absl::Status Append(v1::AuditEntry entry);

  absl::StatusOr<v1::QueryAuditLogResponse> Query(const v1::QueryAuditLogRequest& req) const;
  absl::StatusOr<v1::VerifyAuditLogResponse> Verify() const;

  // The last entry's sequence number and hash (0 and "" when empty).
  uint64_t head_sequence() const;
  std::string head_hash() const;

 private:
  AuditLog(storage::Store* store, const Clock* clock) : store_(store), clock_(clock) {}
  // The first sequence in [1, head+1] whose time is >= t (head+1 if none).
  absl::StatusOr<uint64_t> FirstAtOrAfter(absl::Time t, uint64_t head) const;

  storage::Store* const store_;
  const Clock* const clock_;
  struct Waiter {
    bool done = false;
    absl::Status status;
  };
  struct Queued {
    v1::AuditEntry entry;
    Waiter* waiter;
  };

  mutable absl::Mutex mu_;
  v1::AuditEntry head_ ABSL_GUARDED_BY(mu_);  // the last written entry; sequence 0 when empty
  v1::AuditEntry tail_ ABSL_GUARDED_BY(mu_);  // the last entry given a sequence
  std::vector<Queued> queued_ ABSL_GUARDED_BY(mu_);  // chained, not yet being written
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool head_was_missing_ = false;              // set by Open()
};

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_AUDIT_LOG_H_
