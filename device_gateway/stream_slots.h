// Bounds the upload streams open at once, per device and in total, so memory
// stays bounded whatever the tables do. Over a limit: RESOURCE_EXHAUSTED
// with a retry delay. Thread-safe.
#ifndef TRACTUS_DEVICE_GATEWAY_STREAM_SLOTS_H_
#define TRACTUS_DEVICE_GATEWAY_STREAM_SLOTS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace tractus::device_gateway {

class StreamSlots {
 public:
  StreamSlots(int per_device, int total) : per_device_(per_device), total_(total) {}

  // Held while a stream is open; releases its slot when destroyed.
  class Slot {
   public:
    Slot(StreamSlots* owner, std::string device_id)
        : owner_(owner), device_id_(std::move(device_id)) {}
    ~Slot() { owner_->Release(device_id_); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    StreamSlots* owner_;
    std::string device_id_;
  };

  absl::StatusOr<std::unique_ptr<Slot>> Acquire(const std::string& device_id);

  int open() const;

 private:
  void Release(const std::string& device_id);

  const int per_device_;
  const int total_;
  mutable absl::Mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int> by_device_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_STREAM_SLOTS_H_
