// ServerStreamReactor<Request, Response>: the common half of a
// server-streaming RPC served on gRPC's callback API (StreamClinicAlerts,
// ReadTelemetry), so that an open stream holds no thread:
//   - admission (CallGuard::Admit) and every domain call run on a shared
//     WorkPool, one step at a time per stream (a strand), never on gRPC's
//     callback threads;
//   - what the subclass produces is queued and written one response at a
//     time; more is produced when the queue runs low (flow control: a slow
//     reader holds a few responses in memory, not a thread);
//   - revocation is an event (OpenStreams): the strand looks at the caller
//     again and ends the stream UNAUTHENTICATED, writing nothing more.
//     Before each response is queued the caller is checked too (an atomic
//     load unless access changed), and a call admitted for a target that
//     was missing is authorized again (CallGuard::Recheck);
//   - the stream ends with the first error, or OK once the subclass says it
//     is complete and every response is written; the outcome is logged.
//
// A subclass implements Begin and Produce (both run on the pool and may
// block briefly on storage) and calls Wake() from any thread when it has
// something new to produce. Lifetime: created by gRPC per call; deletes
// itself once gRPC is done with it and no pool work refers to it.
#ifndef TRACTUS_SERVICES_SERVER_STREAM_REACTOR_H_
#define TRACTUS_SERVICES_SERVER_STREAM_REACTOR_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <deque>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/work_pool.h"
#include "services/call_guard.h"
#include "services/open_streams.h"
#include "services/unary_handler.h"

namespace tractus::services {

// What every reactor-served stream shares; outlives every call.
struct StreamContext {
  CallGuard* guard = nullptr;
  WorkPool* pool = nullptr;
  OpenStreams* open_streams = nullptr;
};

template <typename Request, typename Response>
class ServerStreamReactor : public grpc::ServerWriteReactor<Response> {
 public:
  // Responses queued before Produce is asked for more.
  static constexpr size_t kQueued = 4;

  // `request` lives until OnDone (gRPC's).
  ServerStreamReactor(grpc::CallbackServerContext* ctx, const Request* request,
                      const char* method, const StreamContext& shared)
      : ctx_(ctx), request_(request), method_(method), shared_(shared),
        started_(std::chrono::steady_clock::now()) {}

  // Starts admission on the pool. Call once the object is fully built
  // (the service method does, before returning it to gRPC).
  ServerStreamReactor* Start() {
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      Schedule(a);
    }
    Run(a);
    return this;
  }

  void OnWriteDone(bool ok) final {
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) End(absl::CancelledError("the reader went away"), a);
      if (phase_ == Phase::kStreaming && queue_.empty()) Schedule(a);
      Decide(a);
    }
    Run(a);
  }

  void OnCancel() final {
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      End(absl::CancelledError("the reader went away"), a);
      Decide(a);
    }
    Run(a);
  }

  void OnDone() final {
    if (registration_ != 0) shared_.open_streams->Remove(registration_);
    Stopped();
    admission_.reset();
    Unref();
  }

 protected:
  ~ServerStreamReactor() override = default;

  // After admission, on the pool: e.g. subscribe. A non-OK status ends the
  // stream with it. Initial metadata is sent once it returns OK (a client
  // may wait for it: everything from then on reaches the stream).
  virtual absl::Status Begin() = 0;
  // On the pool: appends up to `room` responses to `out`; sets `*complete`
  // when nothing more will come (the stream then ends OK once written).
  virtual absl::Status Produce(size_t room, std::vector<Response>* out, bool* complete) = 0;
  // From OnDone: release what Begin took (e.g. a subscription).
  virtual void Stopped() {}

  // Asks for Produce to run again (from any thread; never blocks).
  void Wake() {
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      if (phase_ == Phase::kStreaming) Schedule(a);
    }
    Run(a);
  }

  const Request& request() const { return *request_; }

 private:
  enum class Phase { kAdmitting, kStreaming, kEnding };
  struct Actions {
    bool step = false;
    bool write = false;
    bool finish = false;
    grpc::Status status;
  };

  void Schedule(Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    again_ = true;
    if (running_) return;
    running_ = true;
    ++refs_;
    a.step = true;
  }

  // Ends with `status` (the first end wins). An error drops what is queued.
  void End(absl::Status status, Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (phase_ == Phase::kEnding) return;
    phase_ = Phase::kEnding;
    if (!status.ok()) queue_.clear();
    final_ = std::move(status);
    Schedule(a);  // to finalize
  }

  void Decide(Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!writing_ && !queue_.empty() && !write_failed()) {
      write_buf_ = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
      a.write = true;
    }
    if (finalized_ && !finish_called_ && !writing_ && queue_.empty()) {
      finish_called_ = true;
      a.finish = true;
      a.status = final_grpc_;
    }
  }
  bool write_failed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return phase_ == Phase::kEnding && !final_.ok();
  }

  void Run(Actions& a) {
    if (a.step) {
      shared_.pool->Post([this] {
        Step();
        Unref();
      });
    }
    if (a.write) this->StartWrite(&write_buf_);
    if (a.finish) this->Finish(a.status);
  }

  void Unref() {
    bool last;
    {
      absl::MutexLock lock(&mu_);
      last = --refs_ == 0;
    }
    if (last) delete this;
  }

  void Recheck() {
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      if (phase_ != Phase::kStreaming) return;
      Schedule(a);
    }
    Run(a);
  }

  void Step() {
    Phase phase;
    size_t room = 0;
    bool finalize = false;
    {
      absl::MutexLock lock(&mu_);
      phase = phase_;
      again_ = false;
      if (queue_.size() < kQueued) room = kQueued - queue_.size();
      if (phase_ == Phase::kEnding) {
        running_ = false;
        finalize = !finalized_claimed_;
        finalized_claimed_ = true;
      }
    }
    if (phase == Phase::kEnding) {
      if (finalize) Finalize();
      return;
    }
    absl::Status outcome;
    std::vector<Response> produced;
    bool complete = false;
    if (phase == Phase::kAdmitting) {
      outcome = Admit();
    } else {
      // Revoked or rescoped meanwhile: nothing more is written.
      outcome = shared_.guard->StillAdmitted(*admission_);
      if (outcome.ok() && room > 0) outcome = Produce(room, &produced, &complete);
      if (outcome.ok() && !produced.empty()) {
        outcome = shared_.guard->Recheck(*admission_, *request_);
      }
    }
    Actions a;
    bool admitted_now = false;
    {
      absl::MutexLock lock(&mu_);
      if (!outcome.ok()) {
        End(std::move(outcome), a);
      } else if (phase_ == phase) {  // nothing ended it meanwhile
        admitted_now = phase_ == Phase::kAdmitting;
        phase_ = Phase::kStreaming;
        for (Response& r : produced) queue_.push_back(std::move(r));
        if (complete) End(absl::OkStatus(), a);
      }
      running_ = false;
      if (phase_ == Phase::kEnding) {
        finalize = !finalized_claimed_;
        finalized_claimed_ = true;
      } else if (again_ || admitted_now) {  // woken while this step ran, or first parts
        Schedule(a);
      }
      Decide(a);
    }
    if (admitted_now) this->StartSendInitialMetadata();
    Run(a);
    if (finalize) Finalize();
  }

  // On the pool: CallGuard::Admit, then Begin, then registration for
  // revocation events.
  absl::Status Admit() {
    absl::StatusOr<CallGuard::Admission> admission =
        shared_.guard->Admit(*ctx_, method_, *request_);
    if (!admission.ok()) return admission.status();
    admission_ = std::move(*admission);
    if (absl::Status begun = Begin(); !begun.ok()) return begun;
    registration_ = shared_.open_streams->Add([this] { Recheck(); });
    return absl::OkStatus();
  }

  void Finalize() {
    absl::Status final;
    {
      absl::MutexLock lock(&mu_);
      final = final_;
    }
    grpc::Status result = EndStream(*shared_.guard, admission_ ? &*admission_ : nullptr,
                                    method_, final, started_);
    // Free before the reader hears the end (it may open another stream at
    // once), not when gRPC is done with the call.
    if (admission_) admission_->stream_slot.reset();
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      finalized_ = true;
      final_grpc_ = std::move(result);
      Decide(a);
    }
    Run(a);
  }

  grpc::CallbackServerContext* const ctx_;
  const Request* const request_;
  const char* const method_;
  const StreamContext shared_;
  const std::chrono::steady_clock::time_point started_;

  // Touched by the strand (and by OnDone once it is past finalizing).
  std::optional<CallGuard::Admission> admission_;
  uint64_t registration_ = 0;

  absl::Mutex mu_;
  int refs_ ABSL_GUARDED_BY(mu_) = 1;  // gRPC's, released by OnDone
  Phase phase_ ABSL_GUARDED_BY(mu_) = Phase::kAdmitting;
  absl::Status final_ ABSL_GUARDED_BY(mu_);
  grpc::Status final_grpc_ ABSL_GUARDED_BY(mu_);
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool again_ ABSL_GUARDED_BY(mu_) = false;  // asked to step (again) since the last step began
  bool finalized_claimed_ ABSL_GUARDED_BY(mu_) = false;
  bool finalized_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Response> queue_ ABSL_GUARDED_BY(mu_);
  Response write_buf_;  // the outstanding write's
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_SERVER_STREAM_REACTOR_H_
