// EpisodeCache<V>: a value derived from one episode's records (a cohort
// summary, the time-independent part of its progress view), computed once
// and kept in memory until the episode's data changes. Readers then skip
// the record reads and the arithmetic; after a restart the cache starts
// empty and fills as episodes are asked for.
//
// Bounded: with a byte budget, each of the 64 stripes keeps at most
// 1/64 of it and drops its least recently used entries past that (`bytes`
// says what one value costs; budget 0 keeps nothing). Without a budget it
// keeps everything.
//
// Exact under concurrency: Invalidate() is called after a change is
// written, and a value computed while its episode changed is returned but
// not kept. Thread-safe.
#ifndef TRACTUS_OUTCOMES_EPISODE_CACHE_H_
#define TRACTUS_OUTCOMES_EPISODE_CACHE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace tractus::outcomes {

template <typename V>
class EpisodeCache {
 public:
  using Compute = std::function<absl::StatusOr<V>()>;
  using Bytes = std::function<size_t(const V&)>;

  // Unbounded.
  EpisodeCache() = default;
  // At most about `budget_bytes` of values, as `bytes` counts them.
  EpisodeCache(size_t budget_bytes, Bytes bytes)
      : bounded_(true), stripe_budget_(budget_bytes / kStripes), bytes_(std::move(bytes)) {}

  // The cached value of `episode_id`, or `compute()`'s (kept unless the
  // episode changed while it ran). Never null when OK.
  absl::StatusOr<std::shared_ptr<const V>> Get(const std::string& episode_id,
                                               const Compute& compute) {
    Stripe& stripe = StripeOf(episode_id);
    uint64_t generation;
    {
      absl::MutexLock lock(&stripe.mu);
      auto it = stripe.entries.find(episode_id);
      if (it != stripe.entries.end()) {
        stripe.lru.splice(stripe.lru.begin(), stripe.lru, it->second.position);
        return it->second.value;
      }
      generation = stripe.generation;
    }
    // Computed without the lock. If the episode changed meanwhile, its
    // Invalidate either bumped the generation (then this result is not
    // kept) or comes later and drops it.
    absl::StatusOr<V> computed = compute();
    if (!computed.ok()) return computed.status();
    auto value = std::make_shared<const V>(*std::move(computed));
    const size_t cost = bytes_ ? bytes_(*value) : 0;
    absl::MutexLock lock(&stripe.mu);
    if (stripe.generation != generation || stripe.entries.contains(episode_id)) return value;
    if (bounded_ && (stripe_budget_ == 0 || cost > stripe_budget_)) return value;
    stripe.lru.push_front(episode_id);
    stripe.entries.emplace(episode_id, Entry{value, cost, stripe.lru.begin()});
    stripe.bytes += cost;
    while (bounded_ && stripe.bytes > stripe_budget_) {
      auto victim = stripe.entries.find(stripe.lru.back());
      stripe.bytes -= victim->second.bytes;
      stripe.entries.erase(victim);
      stripe.lru.pop_back();
    }
    return value;
  }

  // Keeps `value` for `episode_id` unless one is kept (for values known to
  // be current, e.g. restored at start before any change).
  void Put(const std::string& episode_id, V value) {
    auto kept = std::make_shared<const V>(std::move(value));
    const size_t cost = bytes_ ? bytes_(*kept) : 0;
    Stripe& stripe = StripeOf(episode_id);
    absl::MutexLock lock(&stripe.mu);
    if (stripe.entries.contains(episode_id)) return;
    if (bounded_ && stripe.bytes + cost > stripe_budget_) return;
    stripe.lru.push_front(episode_id);
    stripe.entries.emplace(episode_id, Entry{std::move(kept), cost, stripe.lru.begin()});
    stripe.bytes += cost;
  }

  // Calls `fn(episode_id, value)` for every kept value, one stripe locked
  // at a time (so `fn` must not call back into this cache).
  void ForEach(const std::function<void(const std::string&, const V&)>& fn) const {
    for (const Stripe& stripe : stripes_) {
      absl::MutexLock lock(&stripe.mu);
      for (const auto& [episode_id, entry] : stripe.entries) fn(episode_id, *entry.value);
    }
  }

  // Drops the value of `episode_id`. Call after its data changed.
  void Invalidate(const std::string& episode_id) {
    Stripe& stripe = StripeOf(episode_id);
    absl::MutexLock lock(&stripe.mu);
    ++stripe.generation;
    auto it = stripe.entries.find(episode_id);
    if (it == stripe.entries.end()) return;
    stripe.bytes -= it->second.bytes;
    stripe.lru.erase(it->second.position);
    stripe.entries.erase(it);
  }

  size_t size() const {
    size_t n = 0;
    for (const Stripe& s : stripes_) {
      absl::MutexLock lock(&s.mu);
      n += s.entries.size();
    }
    return n;
  }

  // What the kept values cost, as `bytes` counts them (0 when unbounded).
  size_t bytes() const {
    size_t n = 0;
    for (const Stripe& s : stripes_) {
      absl::MutexLock lock(&s.mu);
      n += s.bytes;
    }
    return n;
  }

 private:
  static constexpr size_t kStripes = 64;
  struct Entry {
    std::shared_ptr<const V> value;
    size_t bytes = 0;
    std::list<std::string>::iterator position;  // in Stripe::lru
  };
  struct Stripe {
    mutable absl::Mutex mu;
    // Bumped by every Invalidate of an episode of this stripe.
    uint64_t generation ABSL_GUARDED_BY(mu) = 0;
    absl::flat_hash_map<std::string, Entry> entries ABSL_GUARDED_BY(mu);
    std::list<std::string> lru ABSL_GUARDED_BY(mu);  // most recent first
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };
  Stripe& StripeOf(const std::string& episode_id) {
    return stripes_[absl::Hash<std::string>{}(episode_id) % kStripes];
  }

  const bool bounded_ = false;
  const size_t stripe_budget_ = 0;
  const Bytes bytes_;
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_EPISODE_CACHE_H_
