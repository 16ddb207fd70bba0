#include "outcomes/summary_cache.h"

#include "absl/hash/hash.h"

namespace tractus::outcomes {

SummaryCache::Stripe& SummaryCache::StripeOf(const std::string& episode_id) {
  return stripes_[absl::Hash<std::string>{}(episode_id) % stripes_.size()];
}

absl::StatusOr<analytics::EpisodeSummary> SummaryCache::Get(const std::string& episode_id,
                                                            const Compute& compute) {
  Stripe& stripe = StripeOf(episode_id);
  uint64_t generation;
  {
    absl::MutexLock lock(&stripe.mu);
    auto it = stripe.entries.find(episode_id);
    if (it != stripe.entries.end()) return it->second;
    generation = stripe.generation;
  }
  // Computed without the lock. If the episode changed meanwhile, its
  // Invalidate either bumped the generation (then this result is not kept)
  // or comes later and drops it.
  absl::StatusOr<analytics::EpisodeSummary> summary = compute();
  if (!summary.ok()) return summary;
  absl::MutexLock lock(&stripe.mu);
  if (stripe.generation == generation) stripe.entries.emplace(episode_id, *summary);
  return summary;
}

void SummaryCache::Invalidate(const std::string& episode_id) {
  Stripe& stripe = StripeOf(episode_id);
  absl::MutexLock lock(&stripe.mu);
  ++stripe.generation;
  stripe.entries.erase(episode_id);
}

size_t SummaryCache::size() const {
  size_t n = 0;
  for (const Stripe& s : stripes_) {
    absl::MutexLock lock(&s.mu);
    n += s.entries.size();
  }
  return n;
}

}  // namespace tractus::outcomes
