#include "device_gateway/stream_slots.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace tractus::device_gateway {

absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> StreamSlots::Acquire(
    const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  if (open_ >= total_) {
    return WithRetryDelay(
        absl::ResourceExhaustedError(absl::StrCat(
            "the server has ", open_, " upload streams open (its limit); retry later")),
        absl::Seconds(2));
  }
  int& mine = by_device_[device_id];
  if (mine >= per_device_) {
    return WithRetryDelay(
        absl::ResourceExhaustedError(absl::StrCat(
            "this device already has ", mine, " upload streams open (limit ", per_device_,
            "); finish one first")),
        absl::Seconds(1));
  }
  ++mine;
  ++open_;
  return std::make_unique<Slot>(this, device_id);
}

void StreamSlots::Release(const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  --open_;
  auto it = by_device_.find(device_id);
  if (it != by_device_.end() && --it->second == 0) by_device_.erase(it);
}

int StreamSlots::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace tractus::device_gateway
