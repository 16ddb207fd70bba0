#include "device_gateway/commit_queue.h"

#include <utility>

namespace tractus::device_gateway {

CommitQueue::CommitQueue(Uploads* uploads, int threads, size_t max_group_bytes)
    : uploads_(uploads), max_group_bytes_(max_group_bytes) {
  for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) threads_.emplace_back([this] { Run(); });
}

CommitQueue::~CommitQueue() { Stop(); }

void CommitQueue::Submit(const Uploads::Opened* opened, std::vector<Uploads::AcceptedChunk> chunks,
                         Done done) {
  size_t bytes = 0;
  for (const Uploads::AcceptedChunk& c : chunks) bytes += c.key.size() + c.value.size();
  Pending pending{opened, std::move(chunks), std::move(done), bytes};
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      return;
    }
  }
  std::vector<Pending> alone;
  alone.push_back(std::move(pending));
  CommitNow(alone);
}

void CommitQueue::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

CommitQueue::Counts CommitQueue::counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

void CommitQueue::Run() {
  std::vector<Pending> group;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      const auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and nothing left
      // Everything queued, up to the byte bound (at least one submission).
      size_t bytes = 0;
      size_t n = 0;
      while (n < queue_.size() && (n == 0 || bytes + queue_[n].bytes <= max_group_bytes_)) {
        bytes += queue_[n].bytes;
        ++n;
      }
      if (n == queue_.size()) {
        group.swap(queue_);
      } else {
        group.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
      }
      ++counts_.groups;
      counts_.submissions += static_cast<int64_t>(group.size());
    }
    CommitNow(group);
    group.clear();
  }
}

void CommitQueue::CommitNow(std::vector<Pending>& group) {
  std::vector<Uploads::Commit> commits;
  commits.reserve(group.size());
  for (const Pending& p : group) commits.push_back({p.opened, &p.chunks});
  const absl::Status written = uploads_->CommitGroup(commits);
  for (Pending& p : group) p.done(written);
}

}  // namespace tractus::device_gateway
