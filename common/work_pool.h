// WorkPool: a fixed number of threads running posted tasks in the order
// they were posted. For work that must not run on gRPC's callback threads
// (storage reads and writes of the streams served by reactors): however
// many streams are open, the pool has its `threads` threads.
//
//   WorkPool pool(4);
//   pool.Post([&] { ... });
//   pool.Stop();  // runs what is queued, then joins
//
// Thread-safe. A task posted after Stop() runs at once in the posting
// thread, so nothing posted is ever dropped.
#ifndef TRACTUS_COMMON_WORK_POOL_H_
#define TRACTUS_COMMON_WORK_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tractus {

class WorkPool {
 public:
  explicit WorkPool(int threads);
  ~WorkPool();  // Stop()
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  void Post(std::function<void()> task);

  // Runs every queued task, then joins the threads. Idempotent.
  void Stop();

  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace tractus

#endif  // TRACTUS_COMMON_WORK_POOL_H_
