// OrderedWork<In, Out>: runs `work` on items across a few threads and hands
// the results back in submission order, in the submitting thread, with at
// most `window` items in flight (so memory is bounded by the window, not
// by the number of items). For streaming jobs whose per-item work
// parallelizes but whose output must stay ordered (exports).
//
//   OrderedWork<Task, Result> pool(2, 64, [](Task& t) { return Compute(t); });
//   for (...) RETURN_IF_ERROR(pool.Submit(std::move(task), consume));
//   RETURN_IF_ERROR(pool.Finish(consume));
//
// The first error `consume` returns is returned by that Submit or Finish;
// the work still queued is then dropped when the object is destroyed.
// Submit and Finish must be called from one thread.
#ifndef TRACTUS_COMMON_ORDERED_WORK_H_
#define TRACTUS_COMMON_ORDERED_WORK_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"

namespace tractus {

template <typename In, typename Out>
class OrderedWork {
 public:
  using Work = std::function<Out(In&)>;
  using Consume = std::function<absl::Status(Out&)>;

  OrderedWork(int threads, int window, Work work)
      : window_(window < 1 ? 1 : window), work_(std::move(work)) {
    for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) {
      threads_.emplace_back([this] { Run(); });
    }
  }

  ~OrderedWork() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    for (std::thread& t : threads_) t.join();
  }

  OrderedWork(const OrderedWork&) = delete;
  OrderedWork& operator=(const OrderedWork&) = delete;

  // Queues `item`, first consuming (in order) what is ready and waiting
  // while `window` items are in flight.
  absl::Status Submit(In item, const Consume& consume) {
    RETURN_IF_ERROR(ConsumeReady(consume, /*wait_below=*/window_ - 1));
    absl::MutexLock lock(&mu_);
    pending_.emplace_back(submitted_++, std::move(item));
    return absl::OkStatus();
  }

  // Consumes every remaining result, in order.
  absl::Status Finish(const Consume& consume) { return ConsumeReady(consume, 0); }

 private:
  // Consumes ready results in order; waits for the next one while more
  // than `wait_below` items are in flight.
  absl::Status ConsumeReady(const Consume& consume, int64_t wait_below) {
    while (true) {
      Out out;
      {
        absl::MutexLock lock(&mu_);
        const auto next_ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return done_.count(consumed_) > 0;
        };
        if (submitted_ - consumed_ > wait_below) {
          mu_.Await(absl::Condition(&next_ready));
        } else if (!next_ready()) {
          return absl::OkStatus();
        }
        auto it = done_.find(consumed_);
        out = std::move(it->second);
        done_.erase(it);
        ++consumed_;
      }
      RETURN_IF_ERROR(consume(out));
    }
  }

  void Run() {
    while (true) {
      std::pair<int64_t, In> item;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](OrderedWork* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
              return w->stop_ || !w->pending_.empty();
            },
            this));
        if (stop_) return;
        item = std::move(pending_.front());
        pending_.pop_front();
      }
      Out out = work_(item.second);
      absl::MutexLock lock(&mu_);
      done_.emplace(item.first, std::move(out));
    }
  }

  const int64_t window_;
  const Work work_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  int64_t submitted_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t consumed_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::pair<int64_t, In>> pending_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, Out> done_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace tractus

#endif  // TRACTUS_COMMON_ORDERED_WORK_H_
