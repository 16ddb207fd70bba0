#include "services/open_streams.h"

#include <utility>

namespace tractus::services {

uint64_t OpenStreams::Add(Recheck recheck) {
  absl::MutexLock lock(&mu_);
  const uint64_t handle = ++next_;
  streams_.emplace(handle, std::move(recheck));
  return handle;
}

void OpenStreams::Remove(uint64_t handle) {
  absl::MutexLock lock(&mu_);
  streams_.erase(handle);
}

void OpenStreams::AccessChanged() {
  absl::MutexLock lock(&mu_);
  for (auto& [handle, recheck] : streams_) recheck();
}

size_t OpenStreams::size() const {
  absl::MutexLock lock(&mu_);
  return streams_.size();
}

}  // namespace tractus::services
