#include "outcomes/alert_hub.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"
#include "tractus/internal/v1/outcome_records.pb.h"

namespace tractus::outcomes {

std::optional<v1::Alert> AlertHub::Subscription::TryNext() {
  absl::MutexLock lock(&mu_);
  if (queue_.empty()) return std::nullopt;
  v1::Alert alert = std::move(queue_.front());
  queue_.pop_front();
  return alert;
}

bool AlertHub::Subscription::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_ && queue_.empty();
}

bool AlertHub::Subscription::overflowed() const {
  absl::MutexLock lock(&mu_);
  return overflowed_;
}

void AlertHub::Subscription::Push(const v1::Alert& alert) {
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    if (queue_.size() >= kQueuePerSubscriber) {
      overflowed_ = true;
      closed_ = true;  // a subscriber that falls behind is cut off, not blocked on
    } else {
      queue_.push_back(alert);
    }
  }
  if (listener_) listener_();
}

void AlertHub::Subscription::Close() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  if (listener_) listener_();
}

AlertHub::AlertHub(storage::Store* store, Evaluate evaluate)
    : store_(store), evaluate_(std::move(evaluate)), worker_([this] { Run(); }) {}

AlertHub::~AlertHub() { Stop(); }

void AlertHub::Enqueue(const std::string& episode_id) {
  absl::MutexLock lock(&mu_);
  if (!stopping_) pending_.insert(episode_id);
}

absl::StatusOr<std::shared_ptr<AlertHub::Subscription>> AlertHub::Subscribe(
    const std::string& clinic_id, std::function<void()> listener) {
  absl::MutexLock lock(&mu_);
  if (subscriptions_closed_) return absl::UnavailableError("the server is shutting down");
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    it = it->second.expired() ? subscribers_.erase(it) : std::next(it);
  }
  if (subscribers_.size() >= kMaxSubscribers) {
    return WithRetryDelay(absl::ResourceExhaustedError(absl::StrCat(
                              "too many alert streams open (", kMaxSubscribers, ")")),
                          absl::Seconds(5));
  }
  auto subscription = std::make_shared<Subscription>(std::move(listener));
  subscribers_.emplace(clinic_id, subscription);
  return subscription;
}

void AlertHub::CloseSubscriptions() {
  absl::MutexLock lock(&mu_);
  subscriptions_closed_ = true;
  for (auto& [clinic, weak] : subscribers_) {
    if (auto s = weak.lock()) s->Close();
  }
  subscribers_.clear();
}

void AlertHub::Stop() {
  CloseSubscriptions();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

void AlertHub::WaitIdle() {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return pending_.empty() && !busy_; };
  mu_.Await(absl::Condition(&idle));
}

void AlertHub::Run() {
  while (true) {
    std::string episode_id;
    {
      absl::MutexLock lock(&mu_);
      auto work = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !pending_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&work));
      if (pending_.empty()) return;  // stopping, and nothing left
      episode_id = *pending_.begin();
      pending_.erase(pending_.begin());
      busy_ = true;
    }
    Process(episode_id);
    absl::MutexLock lock(&mu_);
    busy_ = false;
  }
}

void AlertHub::Process(const std::string& episode_id) {
  absl::StatusOr<Evaluation> eval = evaluate_(episode_id);
  if (!eval.ok()) {
    spdlog::warn("alerts of episode {}: {}", episode_id, eval.status().ToString());
    return;
  }
  const std::string key = storage::AlertStateKey(episode_id);
  internal::v1::AlertState known;
  auto stored = storage::GetRecord<internal::v1::AlertState>(*store_, storage::Cf::kIndex, key,
                                                             "alert state");
  if (stored.ok()) {
    known = std::move(*stored);
  } else if (!absl::IsNotFound(stored.status())) {
    spdlog::warn("alert state of episode {}: {}", episode_id, stored.status().ToString());
    return;
  }
  const std::set<std::string> before(known.keys().begin(), known.keys().end());
  internal::v1::AlertState now;
  std::vector<const v1::Alert*> fresh;
  for (const v1::Alert& a : eval->alerts) {
    now.add_keys(a.key());
    if (before.count(a.key()) == 0) fresh.push_back(&a);
  }
  if (now.SerializeAsString() != known.SerializeAsString()) {
    storage::WriteBatch batch;
    storage::PutRecord(batch, storage::Cf::kIndex, key, now);
    if (absl::Status s = store_->Write(batch); !s.ok()) {
      spdlog::warn("saving alert state of episode {}: {}", episode_id, s.ToString());
      return;  // retried with the next change; nothing announced twice
    }
  }
  if (fresh.empty()) return;
  alerts_raised_.fetch_add(static_cast<int64_t>(fresh.size()), std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  auto [first, last] = subscribers_.equal_range(eval->clinic_id);
  for (auto it = first; it != last; ++it) {
    if (auto s = it->second.lock()) {
      for (const v1::Alert* a : fresh) s->Push(*a);
    }
  }
}

}  // namespace tractus::outcomes
