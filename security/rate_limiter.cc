#include "security/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "common/errors.h"

namespace tractus::security {

absl::Status RateLimiter::Acquire(const std::string& key) {
  if (limit_.per_second <= 0) return absl::OkStatus();
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{limit_.burst, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.per_second);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    if (inserted && buckets_.size() > kMaxIdleBuckets) DropFullBuckets(now);
    return absl::OkStatus();
  }
  const absl::Duration wait = absl::Seconds((1 - bucket.tokens) / limit_.per_second);
  return WithRetryDelay(
      absl::ResourceExhaustedError(absl::StrFormat(
          "rate limit of %.0f calls/s (burst %.0f) exceeded; retry in %d ms", limit_.per_second,
          limit_.burst, static_cast<int>(std::ceil(absl::ToDoubleMilliseconds(wait))))),
      wait);
}

void RateLimiter::DropFullBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double refilled =
        it->second.tokens + absl::ToDoubleSeconds(now - it->second.updated) * limit_.per_second;
    if (refilled >= limit_.burst) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
}

}  // namespace tractus::security
