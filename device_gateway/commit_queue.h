// CommitQueue: writes the chunks accepted on many upload streams together.
// Each committer thread takes everything submitted since its last write
// (up to `max_group_bytes`) and commits it as one batch — one fsync for all
// of those streams — then calls each submission's `done` with the outcome.
// However many streams are open, there are `threads` committers.
//
//   CommitQueue commits(&uploads, 2);
//   commits.Submit(&opened, std::move(chunks), [](absl::Status s) { ... });
//
// `done` runs on a committer thread: it must not block (a reactor writes
// its acknowledgements from it). Thread-safe.
#ifndef TRACTUS_DEVICE_GATEWAY_COMMIT_QUEUE_H_
#define TRACTUS_DEVICE_GATEWAY_COMMIT_QUEUE_H_

#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "device_gateway/uploads.h"

namespace tractus::device_gateway {

class CommitQueue {
 public:
  using Done = std::function<void(absl::Status)>;

  // `uploads` must outlive the queue.
  CommitQueue(Uploads* uploads, int threads, size_t max_group_bytes = 16 << 20);
  ~CommitQueue();  // Stop()
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Queues `chunks` of `opened` (which must live until `done` has run).
  // After Stop(), commits in the calling thread.
  void Submit(const Uploads::Opened* opened, std::vector<Uploads::AcceptedChunk> chunks,
              Done done);

  // Commits what is queued, then joins the committers. Idempotent.
  void Stop();

  // Batches written and submissions they held, since start (benchmarks).
  struct Counts {
    int64_t groups = 0;
    int64_t submissions = 0;
  };
  Counts counts() const;

 private:
  struct Pending {
    const Uploads::Opened* opened;
    std::vector<Uploads::AcceptedChunk> chunks;
    Done done;
    size_t bytes;
  };
  void Run();
  void CommitNow(std::vector<Pending>& group);

  Uploads* const uploads_;
  const size_t max_group_bytes_;
  mutable absl::Mutex mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Counts counts_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_COMMIT_QUEUE_H_
