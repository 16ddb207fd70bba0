// Serializes read-check-write sequences on the same logical key (an episode,
// a request id, an MRN) without one global lock. Keys hash onto a fixed set
// of mutexes; unrelated keys rarely contend. Thread-safe.
#ifndef TRACTUS_RECORDS_STRIPED_LOCK_H_
#define TRACTUS_RECORDS_STRIPED_LOCK_H_

#include <algorithm>
#include <array>
#include <functional>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace tractus::records {

class StripedLock {
 public:
  static constexpr size_t kStripes = 256;

  // Holds the stripes of several keys, locked in stripe order (so two
  // holders of overlapping key sets cannot deadlock) and each at most once.
  class Hold {
   public:
    Hold(StripedLock& lock, std::initializer_list<std::string_view> keys)
        : lock_(lock) {
      for (std::string_view k : keys) stripes_.push_back(lock.StripeOf(k));
      std::sort(stripes_.begin(), stripes_.end());
      stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
      for (size_t s : stripes_) lock_.mutexes_[s].Lock();
    }
    ~Hold() {
      for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) {
        lock_.mutexes_[*it].Unlock();
      }
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    StripedLock& lock_;
    std::vector<size_t> stripes_;
  };

 private:
  size_t StripeOf(std::string_view key) const {
    return std::hash<std::string_view>{}(key) % kStripes;
  }
  std::array<absl::Mutex, kStripes> mutexes_;
};

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_STRIPED_LOCK_H_
