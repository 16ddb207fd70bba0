// AlertHub: recomputes an episode's alerts when its data changes (queued,
// on one worker thread, never on a timer), remembers which alerts were in
// force (durably, so a restart does not re-announce them), and pushes each
// new alert to the subscribers of the episode's clinic.
//
// Thread-safe.
#ifndef TRACTUS_OUTCOMES_ALERT_HUB_H_
#define TRACTUS_OUTCOMES_ALERT_HUB_H_

#include <deque>
#include <functional>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/store.h"
#include "tractus/v1/outcomes.pb.h"

namespace tractus::outcomes {

class AlertHub {
 public:
  // Alerts in force for an episode, with the episode's clinic.
  struct Evaluation {
    std::string clinic_id;
    std::vector<v1::Alert> alerts;
  };
  using Evaluate = std::function<absl::StatusOr<Evaluation>(const std::string& episode_id)>;

  static constexpr int kMaxSubscribers = 64;
  static constexpr size_t kQueuePerSubscriber = 1024;

  // One subscriber's queue of new alerts. Its listener is told (outside
  // the queue's lock) after each alert is queued and when it closes; it
  // must only schedule work.
  class Subscription {
   public:
    explicit Subscription(std::function<void()> listener) : listener_(std::move(listener)) {}
    // The next queued alert; nullopt when none is (never waits).
    std::optional<v1::Alert> TryNext();
    // Closed (the hub closed, or the subscriber fell behind) and drained.
    bool closed() const;
    // Alerts were dropped because the subscriber fell behind.
    bool overflowed() const;

   private:
    friend class AlertHub;
    void Push(const v1::Alert& alert);
    void Close();
    const std::function<void()> listener_;
    mutable absl::Mutex mu_;
    std::deque<v1::Alert> queue_ ABSL_GUARDED_BY(mu_);
    bool closed_ ABSL_GUARDED_BY(mu_) = false;
    bool overflowed_ ABSL_GUARDED_BY(mu_) = false;
  };

  // `store` must outlive the hub. Starts the worker.
  AlertHub(storage::Store* store, Evaluate evaluate);
  ~AlertHub();  // Stop()

  // Queues a recomputation (duplicates collapse). No-op once stopped.
  void Enqueue(const std::string& episode_id);

  // RESOURCE_EXHAUSTED past kMaxSubscribers, UNAVAILABLE once closed. The
  // subscription ends when the returned pointer is released or the hub
  // closes. `listener`: see Subscription.
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe(const std::string& clinic_id,
                                                          std::function<void()> listener);

  // Closes every subscription (their streams end) and refuses new ones.
  void CloseSubscriptions();
  // CloseSubscriptions(), then finishes queued work and joins the worker.
  void Stop();
  // Blocks until the queue is empty and nothing is being processed (tests).
  void WaitIdle();

  // Alerts newly raised since start (for metrics).
  int64_t alerts_raised() const { return alerts_raised_.load(std::memory_order_relaxed); }

 private:
  void Run();
  void Process(const std::string& episode_id);

  storage::Store* const store_;
  const Evaluate evaluate_;
  absl::Mutex mu_;
  std::set<std::string> pending_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool subscriptions_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::multimap<std::string, std::weak_ptr<Subscription>> subscribers_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> alerts_raised_{0};
  std::thread worker_;
};

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_ALERT_HUB_H_
