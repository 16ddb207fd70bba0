// RateLimiter: a token bucket per principal (or per peer address for calls
// that fail authentication). Over the limit: RESOURCE_EXHAUSTED with a
// google.rpc.RetryInfo delay saying when the next call will be accepted.
//
// Buckets that have refilled completely are dropped once more than
// kMaxIdleBuckets exist, so memory stays bounded whoever calls.
//
// Thread-safe.
#ifndef TRACTUS_SECURITY_RATE_LIMITER_H_
#define TRACTUS_SECURITY_RATE_LIMITER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace tractus::security {

struct RateLimit {
  // Sustained calls per second; 0 disables limiting.
  double per_second = 200;
  // Calls allowed in a burst above the sustained rate.
  double burst = 400;
};

class RateLimiter {
 public:
  static constexpr size_t kMaxIdleBuckets = 10000;

  // `clock` must outlive this object.
  RateLimiter(RateLimit limit, const Clock* clock) : limit_(limit), clock_(clock) {}

  // Takes one call from `key`'s bucket.
  absl::Status Acquire(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  void DropFullBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RateLimit limit_;
  const Clock* const clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_RATE_LIMITER_H_
