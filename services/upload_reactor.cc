#include "services/upload_reactor.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/rpc/error_details.pb.h"
#include "services/unary_handler.h"

namespace tractus::services {
namespace {

constexpr char kUploadMethod[] = "tractus.v1.DeviceService/UploadSession";

using device_gateway::Uploads;

// The answer to an end with chunks missing (ranges of seqs, in order).
v1::EndNack EndNackFor(const std::vector<std::pair<uint32_t, uint32_t>>& missing) {
  v1::EndNack nack;
  nack.set_code(static_cast<int32_t>(absl::StatusCode::kFailedPrecondition));
  uint64_t count = 0;
  for (const auto& [first, last] : missing) {
    google::rpc::PreconditionFailure::Violation* v = nack.mutable_missing()->add_violations();
    v->set_type("MISSING_CHUNKS");
    v->set_subject(first == last ? absl::StrCat("seq:", first)
                                 : absl::StrCat("seq:", first, "-", last));
    v->set_description(absl::StrCat(last - first + 1, " chunk", first == last ? "" : "s",
                                    " not stored"));
    count += last - first + 1;
  }
  nack.set_reason(absl::StrCat(count, " chunks below the end's chunk_count are not stored (",
                               missing.size(), " ranges); send them on this stream, then the end "
                               "again"));
  return nack;
}

absl::Status ClientGone() { return absl::CancelledError("the table closed the stream"); }

}  // namespace

// What a step of the strand found to do.
struct UploadReactor::Actions {
  bool step = false;
  bool read = false;
  bool write = false;
  bool finish = false;
  grpc::Status status;
  // A commit to submit: the chunks of in_commit_.
  bool commit = false;
  std::vector<Uploads::AcceptedChunk> chunks;
};

UploadReactor::UploadReactor(grpc::CallbackServerContext* ctx, const UploadContext& shared)
    : ctx_(ctx),
      shared_(shared),
      max_in_flight_(static_cast<size_t>(
          std::max(1, shared.uploads->Limits().max_chunks_in_flight()))),
      started_(std::chrono::steady_clock::now()) {
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    Schedule(a);  // admission
  }
  Run(a);
}

UploadReactor::~UploadReactor() = default;

void UploadReactor::Schedule(Actions& a) {
  if (running_) return;
  running_ = true;
  ++refs_;
  a.step = true;
}

void UploadReactor::Decide(Actions& a) {
  if ((phase_ == Phase::kHeader || phase_ == Phase::kChunks) && !reading_ && !read_closed_ &&
      inbox_.size() + batch_.size() + in_commit_.size() < max_in_flight_) {
    reading_ = true;
    a.read = true;
  }
  if (!writing_ && !write_failed_ && !outbox_.empty()) {
    write_buf_.Swap(&outbox_.front());
    outbox_.pop_front();
    writing_ = true;
    a.write = true;
  }
  if (audited_ && !finish_called_ && !writing_ && (outbox_.empty() || write_failed_)) {
    finish_called_ = true;
    a.finish = true;
    a.status = final_grpc_;
  }
}

void UploadReactor::Run(Actions& a) {
  if (a.commit) {
    shared_.commits->Submit(&*opened_, std::move(a.chunks),
                            [this](absl::Status written) { CommitDone(std::move(written)); });
  }
  if (a.step) {
    shared_.pool->Post([this] {
      Step();
      Unref();
    });
  }
  if (a.read) StartRead(&read_buf_);
  if (a.write) StartWrite(&write_buf_);
  if (a.finish) Finish(a.status);
}

void UploadReactor::Unref() {
  bool last;
  {
    absl::MutexLock lock(&mu_);
    last = --refs_ == 0;
  }
  if (last) delete this;
}

void UploadReactor::Queue(const v1::UploadSessionResponse& response) {
  if (!write_failed_) outbox_.push_back(SerializeToByteBuffer(response));
}

void UploadReactor::End(absl::Status status, Actions& a) {
  if (phase_ == Phase::kEnding) return;
  phase_ = Phase::kEnding;
  final_ = std::move(status);
  inbox_.clear();  // nothing more is handled
  deferred_end_.reset();
  Schedule(a);  // to finalize once drained
}

void UploadReactor::HandOff(Actions& a) {
  if (committing_ || batch_.empty()) return;
  const bool any_chunk = std::any_of(batch_.begin(), batch_.end(), [](const Decision& d) {
    return std::holds_alternative<Uploads::AcceptedChunk>(d);
  });
  if (!any_chunk) {  // nacks and replay acks: nothing to wait for
    for (const v1::UploadSessionResponse& r : Uploads::Acknowledgements(batch_, false)) Queue(r);
    batch_.clear();
    return;
  }
  in_commit_.swap(batch_);
  committing_ = true;
  ++refs_;
  a.commit = true;
  for (Decision& d : in_commit_) {
    // Moves the key and value out; the seq stays for the acknowledgement.
    if (auto* c = std::get_if<Uploads::AcceptedChunk>(&d)) a.chunks.push_back(std::move(*c));
  }
}

void UploadReactor::CommitDone(absl::Status written) {
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    committing_ = false;
    if (written.ok()) {
      for (const v1::UploadSessionResponse& r :
           Uploads::Acknowledgements(in_commit_, opened_->ack_ranges)) {
        Queue(r);
      }
    } else {
      End(std::move(written), a);
    }
    in_commit_.clear();
    HandOff(a);  // accepted chunks are committed even once the stream ends
    if (deferred_end_ || phase_ == Phase::kEnding || !inbox_.empty()) Schedule(a);
    Decide(a);
  }
  Run(a);
  Unref();
}

void UploadReactor::OnReadDone(bool ok) {
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    reading_ = false;
    if (!ok) {
      read_closed_ = true;
    } else if (phase_ != Phase::kEnding) {
      inbox_.emplace_back();
      inbox_.back().Swap(&read_buf_);
    }
    read_buf_.Clear();
    if (phase_ != Phase::kEnding) Schedule(a);
    Decide(a);
  }
  Run(a);
}

void UploadReactor::OnWriteDone(bool ok) {
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    write_buf_.Clear();
    if (!ok) {
      write_failed_ = true;
      outbox_.clear();
      End(ClientGone(), a);
    }
    Decide(a);
  }
  Run(a);
}

void UploadReactor::OnCancel() {
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    End(ClientGone(), a);
    Decide(a);
  }
  Run(a);
}

void UploadReactor::OnDone() {
  // The strand is past finalizing: nothing else touches these now.
  if (registration_ != 0) shared_.open_streams->Remove(registration_);
  slot_.reset();
  admission_.reset();
  Unref();
}

void UploadReactor::Recheck() {
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    if (phase_ != Phase::kHeader && phase_ != Phase::kChunks) return;
    recheck_ = true;
    Schedule(a);
  }
  Run(a);
}

void UploadReactor::Step() {
  for (;;) {
    enum class Work { kNone, kAdmit, kRecheck, kMessage, kEnd, kFinalize } work = Work::kNone;
    grpc::ByteBuffer message;
    v1::SessionEnd end;
    Actions a;
    {
      absl::MutexLock lock(&mu_);
      if (phase_ == Phase::kAdmitting) {
        work = Work::kAdmit;
      } else if (phase_ == Phase::kEnding) {
        if (!finalized_ && Drained()) {
          finalized_ = true;
          work = Work::kFinalize;
        }
      } else if (recheck_) {
        recheck_ = false;
        work = Work::kRecheck;
      } else if (deferred_end_) {
        if (Drained()) {
          end = std::move(*deferred_end_);
          deferred_end_.reset();
          work = Work::kEnd;
        }
      } else if (!inbox_.empty()) {
        message.Swap(&inbox_.front());
        inbox_.pop_front();
        work = Work::kMessage;
      } else if (read_closed_) {
        // Closed without an end: what was acknowledged is stored and the
        // session stays open to be resumed — ABORTED, so a table can tell
        // it from an accepted end (EndAck) and from a refused stream.
        End(phase_ == Phase::kHeader
                ? absl::InvalidArgumentError("the stream ended before a session header")
                : absl::AbortedError("the stream was closed without an end: the session stays "
                                     "open; resume it with the same header"),
            a);
        continue;
      }
      if (work == Work::kNone) {
        running_ = false;
        Decide(a);
      }
    }
    absl::Status outcome;
    switch (work) {
      case Work::kNone:
        Run(a);
        return;
      case Work::kAdmit:
        Admit();
        continue;
      case Work::kFinalize:
        Finalize();
        continue;
      case Work::kRecheck:
        // A device revoked while its stream is open stores nothing more.
        outcome = shared_.guard->StillAdmitted(*admission_);
        break;
      case Work::kEnd:
        outcome = HandleEnd(end, a);
        break;
      case Work::kMessage: {
        ReceivedUploadRequest received;
        outcome = ParseReceivedUpload(&message, &received);
        if (outcome.ok()) outcome = Handle(received, a);
        break;
      }
    }
    {
      absl::MutexLock lock(&mu_);
      if (!outcome.ok()) End(std::move(outcome), a);
      Decide(a);
    }
    Run(a);
  }
}

void UploadReactor::Admit() {
  Actions a;
  absl::StatusOr<CallGuard::Admission> admission = shared_.guard->Admit(
      *ctx_, kUploadMethod, v1::UploadSessionRequest::default_instance());
  absl::Status refused = admission.status();
  if (admission.ok()) {
    admission_ = std::move(*admission);
    absl::StatusOr<std::unique_ptr<device_gateway::StreamSlots::Slot>> slot =
        shared_.slots->Acquire(admission_->device.device_id());
    if (slot.ok()) {
      slot_ = std::move(*slot);
      registration_ = shared_.open_streams->Add([this] { Recheck(); });
    } else {
      refused = slot.status();
    }
  }
  {
    absl::MutexLock lock(&mu_);
    if (!refused.ok()) {
      End(std::move(refused), a);
    } else if (phase_ == Phase::kAdmitting) {
      phase_ = Phase::kHeader;
    }
    Decide(a);
  }
  Run(a);
}

absl::Status UploadReactor::Handle(const ReceivedUploadRequest& received, Actions& a) {
  if (received.undecodable) {
    return absl::InvalidArgumentError(
        "message: the bytes do not parse as a tractus.v1.UploadSessionRequest");
  }
  const v1::UploadSessionRequest& req = received.message;
  Phase phase;
  {
    absl::MutexLock lock(&mu_);
    phase = phase_;
  }
  if (phase == Phase::kHeader) {
    if (!req.has_header()) {
      return absl::InvalidArgumentError("the first message must be a session header");
    }
    ASSIGN_OR_RETURN(Uploads::Opened opened,
                     shared_.uploads->OpenSession(admission_->device, req.header()));
    // The audit entry at the end names the episode written to.
    admission_->owner.patient_id = opened.session.patient_id();
    admission_->owner.episode_id = opened.session.episode_id();
    v1::UploadSessionResponse resp;
    *resp.mutable_header_ack() = opened.ack;
    absl::MutexLock lock(&mu_);
    opened_ = std::move(opened);
    if (phase_ == Phase::kHeader) phase_ = Phase::kChunks;
    Queue(resp);
    return absl::OkStatus();
  }
  if (phase != Phase::kChunks) return absl::OkStatus();
  // A device revoked while its stream is open stores nothing more.
  RETURN_IF_ERROR(shared_.guard->StillAdmitted(*admission_));
  switch (req.message_case()) {
    case v1::UploadSessionRequest::kChunk: {
      ASSIGN_OR_RETURN(Decision decision,
                       shared_.uploads->AcceptChunk(*opened_, req.chunk(), received.chunk_wire));
      absl::MutexLock lock(&mu_);
      batch_.push_back(std::move(decision));
      HandOff(a);
      return absl::OkStatus();
    }
    case v1::UploadSessionRequest::kEnd: {
      {
        absl::MutexLock lock(&mu_);
        if (!Drained()) {  // answered once every chunk before it is
          deferred_end_ = req.end();
          return absl::OkStatus();
        }
      }
      return HandleEnd(req.end(), a);
    }
    case v1::UploadSessionRequest::kHeader:
      return absl::InvalidArgumentError(
          "header: a stream carries one session; open a new stream for the next");
    case v1::UploadSessionRequest::MESSAGE_NOT_SET:
      return absl::InvalidArgumentError("message: an empty upload message");
  }
  return absl::OkStatus();
}

absl::Status UploadReactor::HandleEnd(const v1::SessionEnd& end, Actions& a) {
  // Missing chunks: an EndNack naming every one, and the stream goes on.
  ASSIGN_OR_RETURN(auto missing, shared_.uploads->MissingChunks(*opened_, end));
  v1::UploadSessionResponse resp;
  if (!missing.empty()) {
    *resp.mutable_end_nack() = EndNackFor(missing);
    absl::MutexLock lock(&mu_);
    Queue(resp);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(v1::Session session, shared_.uploads->FinishSession(*opened_, end));
  *resp.mutable_end_ack()->mutable_session() = std::move(session);
  absl::MutexLock lock(&mu_);
  Queue(resp);
  End(absl::OkStatus(), a);
  return absl::OkStatus();
}

void UploadReactor::Finalize() {
  absl::Status final;
  {
    absl::MutexLock lock(&mu_);
    final = final_;
  }
  grpc::Status result = EndStream(*shared_.guard, admission_ ? &*admission_ : nullptr,
                                  kUploadMethod, final, started_);
  // Free before the table hears the end (it may open the next stream at
  // once), not when gRPC is done with the call.
  slot_.reset();
  Actions a;
  {
    absl::MutexLock lock(&mu_);
    audited_ = true;
    final_grpc_ = std::move(result);
    Decide(a);
  }
  Run(a);
}

}  // namespace tractus::services
