// UploadReactor: one UploadSession stream on gRPC's callback API.
//
// Who does what, so that no gRPC thread ever blocks and the number of
// threads does not grow with the number of streams:
//   - gRPC's callback threads only move bytes: a read goes into the
//     stream's inbox, a response out of its outbox;
//   - the stream's domain work — admission (CallGuard), OpenSession,
//     AcceptChunk, MissingChunks, FinishSession, the audit entry — runs on
//     a shared WorkPool, one step at a time per stream (a strand);
//   - accepted chunks are committed by the shared CommitQueue together
//     with other streams' chunks (one fsync for all of them), and their
//     acknowledgements are written from its completion, in order with the
//     nacks and replay acks decided meanwhile (Uploads::Acknowledgements).
// Flow control: the next message is read only while fewer than
// max_chunks_in_flight are read and not yet committed.
// Revocation is an event (OpenStreams): the strand then looks at the
// device again, and ends the stream UNAUTHENTICATED if it was revoked.
//
// The protocol is DeviceServiceImpl's (device_services.h): header, chunks,
// end; a stream that closes without an end is answered ABORTED and its
// session stays open. Accepted chunks are committed even when the stream
// ends with an error (they hold reservations in their session).
//
// Lifetime: created by gRPC per call; deletes itself once gRPC is done with
// it (OnDone) and no pool or commit work refers to it.
#ifndef TRACTUS_SERVICES_UPLOAD_REACTOR_H_
#define TRACTUS_SERVICES_UPLOAD_REACTOR_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/work_pool.h"
#include "device_gateway/commit_queue.h"
#include "device_gateway/stream_slots.h"
#include "device_gateway/uploads.h"
#include "services/call_guard.h"
#include "services/open_streams.h"
#include "services/received_upload.h"

namespace tractus::services {

// What every upload stream shares; outlives every call.
struct UploadContext {
  CallGuard* guard = nullptr;
  device_gateway::Uploads* uploads = nullptr;
  device_gateway::StreamSlots* slots = nullptr;  // upload streams per device and in total
  WorkPool* pool = nullptr;
  device_gateway::CommitQueue* commits = nullptr;
  OpenStreams* open_streams = nullptr;
};

class UploadReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  UploadReactor(grpc::CallbackServerContext* ctx, const UploadContext& shared);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  enum class Phase { kAdmitting, kHeader, kChunks, kEnding };
  using Decision = device_gateway::Uploads::ChunkDecision;

  // gRPC operations and commits decided under mu_ and started after it is
  // released (gRPC may run a reaction inline).
  struct Actions;

  ~UploadReactor() override;

  // The strand: runs on the pool until there is nothing it can do.
  void Step();
  void Admit();
  // Handles one message; a non-OK status ends the stream with it.
  absl::Status Handle(const ReceivedUploadRequest& received, Actions& a);
  absl::Status HandleEnd(const v1::SessionEnd& end, Actions& a);
  // The audit entry and the call's log line, then Finish once every
  // response is written.
  void Finalize();
  // Called by OpenStreams when access changes.
  void Recheck();
  void CommitDone(absl::Status written);

  void Queue(const v1::UploadSessionResponse& response) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Hands the decisions batched so far to the commit queue (or, without
  // chunks, straight to the outbox) unless a commit is in flight.
  void HandOff(Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends the stream with `status` once drained (the first end wins).
  void End(absl::Status status, Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Drained() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !committing_ && batch_.empty();
  }
  // Fills `a` with what may start now.
  void Decide(Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Schedule(Actions& a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run(Actions& a);
  void Unref();

  grpc::CallbackServerContext* const ctx_;
  const UploadContext shared_;
  const size_t max_in_flight_;
  const std::chrono::steady_clock::time_point started_;

  // Touched by the strand only.
  std::optional<CallGuard::Admission> admission_;
  std::unique_ptr<device_gateway::StreamSlots::Slot> slot_;
  std::optional<device_gateway::Uploads::Opened> opened_;
  uint64_t registration_ = 0;  // in OpenStreams; 0: none

  absl::Mutex mu_;
  int refs_ ABSL_GUARDED_BY(mu_) = 1;  // gRPC's, released by OnDone
  Phase phase_ ABSL_GUARDED_BY(mu_) = Phase::kAdmitting;
  absl::Status final_ ABSL_GUARDED_BY(mu_);  // once kEnding
  bool running_ ABSL_GUARDED_BY(mu_) = false;  // the strand is scheduled or running
  bool recheck_ ABSL_GUARDED_BY(mu_) = false;
  bool finalized_ ABSL_GUARDED_BY(mu_) = false;  // Finalize claimed
  bool audited_ ABSL_GUARDED_BY(mu_) = false;    // Finalize done
  grpc::Status final_grpc_ ABSL_GUARDED_BY(mu_);
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
  // Reads.
  grpc::ByteBuffer read_buf_;  // the outstanding read's
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool read_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<grpc::ByteBuffer> inbox_ ABSL_GUARDED_BY(mu_);
  std::optional<v1::SessionEnd> deferred_end_ ABSL_GUARDED_BY(mu_);  // waits for commits
  // Decisions not yet committed: batched, and the batch in the commit queue.
  std::vector<Decision> batch_ ABSL_GUARDED_BY(mu_);
  std::vector<Decision> in_commit_ ABSL_GUARDED_BY(mu_);
  bool committing_ ABSL_GUARDED_BY(mu_) = false;
  // Writes.
  grpc::ByteBuffer write_buf_;  // the outstanding write's
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<grpc::ByteBuffer> outbox_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_UPLOAD_REACTOR_H_
