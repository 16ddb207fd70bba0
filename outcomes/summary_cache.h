// SummaryCache: the cohort summary of each episode (what cohorts and
// similar-patient references need of it), computed once from the episode's
// records and kept in memory until the episode's data changes. Cohorts
// over a whole network then read one small entry per episode instead of
// every observation. After a restart the cache starts empty and fills as
// cohorts are asked for. Memory: about 0.4 KB per episode summarized.
//
// Exact under concurrency: Invalidate() is called after a change is
// written, and a summary computed while its episode changed is not kept.
// Thread-safe.
#ifndef TRACTUS_OUTCOMES_SUMMARY_CACHE_H_
#define TRACTUS_OUTCOMES_SUMMARY_CACHE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "analytics/cohort.h"

namespace tractus::outcomes {

class SummaryCache {
 public:
  using Compute = std::function<absl::StatusOr<analytics::EpisodeSummary>()>;

  // The cached summary of `episode_id`, or `compute()`'s (cached unless the
  // episode changed while it ran).
  absl::StatusOr<analytics::EpisodeSummary> Get(const std::string& episode_id,
                                                const Compute& compute);

  // Drops the summary of `episode_id`. Call after its data changed.
  void Invalidate(const std::string& episode_id);

  size_t size() const;

 private:
  struct Stripe {
    mutable absl::Mutex mu;
    // Bumped by every Invalidate of an episode of this stripe.
    uint64_t generation ABSL_GUARDED_BY(mu) = 0;
    absl::flat_hash_map<std::string, analytics::EpisodeSummary> entries ABSL_GUARDED_BY(mu);
  };
  Stripe& StripeOf(const std::string& episode_id);

  std::array<Stripe, 64> stripes_;
};

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_SUMMARY_CACHE_H_
