#include "cli/table_client.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cli/client.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace tractus::cli {
namespace {

constexpr int kMaxAttempts = 40;

absl::Duration Backoff(int attempt) {
  return std::min(absl::Milliseconds(100) * (1 << std::min(attempt, 4)), absl::Seconds(1));
}

bool Retryable(const absl::Status& s) {
  return absl::IsUnavailable(s) || absl::IsCancelled(s) || absl::IsResourceExhausted(s) ||
         absl::IsDeadlineExceeded(s) || absl::IsAborted(s) || absl::IsUnknown(s);
}

// The server's retry hint, if it gave one.
absl::Duration RetryDelay(const grpc::Status& status) {
  google::rpc::Status details;
  if (details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::RetryInfo info;
      if (any.UnpackTo(&info)) {
        return absl::Seconds(info.retry_delay().seconds()) +
               absl::Nanoseconds(info.retry_delay().nanos());
      }
    }
  }
  return absl::Milliseconds(200);
}

}  // namespace

void Ledger::Chunk(const std::string& session_id, uint32_t seq, int samples) {
  absl::MutexLock lock(&mu_);
  out_ << "chunk " << session_id << " " << seq << " " << samples << "\n";
  out_.flush();
}

void Ledger::Final(const std::string& session_id, const v1::SessionHeader& header,
                   uint32_t chunks, const v1::SessionEnd& end) {
  absl::MutexLock lock(&mu_);
  out_ << "final " << session_id << " " << header.episode_id() << " " << chunks << " "
       << (end.has_pre_session_pain() ? end.pre_session_pain() : -1) << " "
       << (end.has_post_session_pain() ? end.post_session_pain() : -1) << "\n";
  out_.flush();
}

TableClient::TableClient(std::shared_ptr<grpc::Channel> channel, std::string credential,
                         UploadCounters* counters, uint32_t seed, Ledger* ledger)
    : stub_(v1::DeviceService::NewStub(channel)),
      credential_(std::move(credential)),
      counters_(counters),
      ledger_(ledger),
      rng_(seed) {}

void TableClient::Authorize(grpc::ClientContext* ctx) const {
  ctx->AddMetadata("authorization", "Bearer " + credential_);
}

void TableClient::Confirm(const std::vector<v1::TelemetryChunk>& chunks, uint32_t seq,
                          std::vector<bool>* acked) {
  if (seq >= acked->size()) return;
  (*acked)[seq] = true;
  if (counted_[seq]) return;
  counted_[seq] = true;
  counters_->chunks_acked++;
  counters_->samples_acked += chunks[seq].offset_ms_size();
  counters_->bytes_acked += static_cast<int64_t>(chunks[seq].ByteSizeLong());
  if (ledger_ != nullptr) ledger_->Chunk(session_id_, seq, chunks[seq].offset_ms_size());
}

absl::StatusOr<v1::GetUploadStateResponse> TableClient::State(const std::string& session_id) {
  grpc::ClientContext ctx;
  Authorize(&ctx);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetUploadStateRequest req;
  req.set_session_id(session_id);
  v1::GetUploadStateResponse resp;
  grpc::Status s = stub_->GetUploadState(&ctx, req, &resp);
  if (!s.ok()) return FromGrpc(s);
  return resp;
}

absl::Status TableClient::UploadSession(const v1::SessionHeader& header,
                                        const std::vector<v1::TelemetryChunk>& chunks,
                                        const v1::SessionEnd& end, const UploadOptions& faults,
                                        int window) {
  std::uniform_real_distribution<double> coin(0, 1);
  std::vector<bool> acked(chunks.size(), false);
  counted_.assign(chunks.size(), false);
  session_id_.clear();  // the server's id, from the first answer that names it
  const auto finished = [&] {
    if (ledger_ != nullptr) {
      ledger_->Final(session_id_, header, static_cast<uint32_t>(chunks.size()), end);
    }
    return absl::OkStatus();
  };
  const bool drop = coin(rng_) < faults.drop_rate;
  const bool reboot = drop && coin(rng_) < faults.reboot_rate;
  int drop_after = drop && chunks.size() > 1
                       ? 1 + static_cast<int>(rng_() % (chunks.size() - 1))
                       : -1;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) {
      // After a drop, a reboot or a server restart: ask the server what it
      // holds (it may be coming back: back off and retry).
      counters_->resumes++;
      if (reboot) std::fill(acked.begin(), acked.end(), false);
      auto state = State(header.session_id());
      if (!state.ok()) {
        if (!Retryable(state.status())) return state.status();
        absl::SleepFor(Backoff(attempt));
        continue;
      }
      if (state->known()) session_id_ = state->server_session_id();
      for (uint32_t seq = 0; seq < state->next_seq(); ++seq) Confirm(chunks, seq, &acked);
      for (uint32_t seq : state->stored_above()) Confirm(chunks, seq, &acked);
      if (state->finalized()) {
        // Finalized by an end whose acknowledgement was lost.
        (end.outcome() == v1::SESSION_OUTCOME_ABORTED ? counters_->sessions_aborted
                                                      : counters_->sessions_completed)++;
        return finished();
      }
    }
    bool done = false;
    absl::Status s = Attempt(header, chunks, end, faults, window, drop_after, &acked, &done);
    drop_after = -1;  // the fault happens once
    if (done) return finished();
    if (!s.ok() && !Retryable(s)) return s;  // not worth retrying
    if (attempt > 0) absl::SleepFor(Backoff(attempt));
  }
  return absl::UnavailableError(
      absl::StrCat("session ", header.session_id(), ": gave up after ", kMaxAttempts, " attempts"));
}

absl::Status TableClient::Attempt(const v1::SessionHeader& header,
                                  const std::vector<v1::TelemetryChunk>& chunks,
                                  const v1::SessionEnd& end, const UploadOptions& faults,
                                  int window, int drop_after, std::vector<bool>* acked,
                                  bool* finished) {
  grpc::ClientContext ctx;
  Authorize(&ctx);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  auto stream = stub_->UploadSession(&ctx);

  v1::UploadSessionRequest req;
  *req.mutable_header() = header;
  req.mutable_header()->set_ack_ranges(true);
  v1::UploadSessionResponse resp;
  if (!stream->Write(req) || !stream->Read(&resp) || !resp.has_header_ack()) {
    stream->WritesDone();
    grpc::Status st = stream->Finish();
    if (st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      counters_->retries_after_limit++;
      absl::SleepFor(RetryDelay(st));
    }
    return st.ok() ? absl::UnavailableError("no header acknowledgement") : FromGrpc(st);
  }
  session_id_ = resp.header_ack().server_session_id();
  for (uint32_t seq = 0; seq < resp.header_ack().next_seq(); ++seq) Confirm(chunks, seq, acked);
  for (uint32_t seq : resp.header_ack().stored_above()) Confirm(chunks, seq, acked);

  // The reader thread takes acknowledgements; the writer keeps at most
  // `window` chunks unacknowledged.
  absl::Mutex mu;
  int in_flight = 0;
  bool reader_done = false;
  bool end_acked = false;
  std::string nack_error;
  std::thread reader([&] {
    v1::UploadSessionResponse r;
    while (stream->Read(&r)) {
      absl::MutexLock lock(&mu);
      if (r.has_chunk_ack()) {
        const uint32_t count = std::max<uint32_t>(1, r.chunk_ack().count());  // a range
        for (uint32_t i = 0; i < count; ++i) Confirm(chunks, r.chunk_ack().seq() + i, acked);
        if (r.chunk_ack().replayed()) counters_->replayed_acks++;
        in_flight -= static_cast<int>(count);
      } else if (r.has_chunk_nack()) {
        counters_->nacks++;
        nack_error = absl::StrCat("chunk ", r.chunk_nack().seq(), " refused (code ",
                                  r.chunk_nack().code(), "): ", r.chunk_nack().reason());
        --in_flight;
      } else if (r.has_end_ack()) {
        end_acked = true;
      }
    }
    absl::MutexLock lock(&mu);
    reader_done = true;
  });

  std::uniform_real_distribution<double> coin(0, 1);
  int writes = 0;
  bool broken = false;
  for (size_t seq = 0; seq < chunks.size() && !broken; ++seq) {
    {
      absl::MutexLock lock(&mu);
      if ((*acked)[seq]) continue;
    }
    const int copies = coin(rng_) < faults.duplicate_rate ? 2 : 1;
    for (int c = 0; c < copies && !broken; ++c) {
      {
        absl::MutexLock lock(&mu);
        auto room = [&] { return in_flight < window || reader_done; };
        mu.Await(absl::Condition(&room));
        if (reader_done) {
          broken = true;
          break;
        }
        ++in_flight;
      }
      v1::UploadSessionRequest chunk_req;
      *chunk_req.mutable_chunk() = chunks[seq];
      if (!stream->Write(chunk_req)) broken = true;
      if (faults.pace > absl::ZeroDuration()) absl::SleepFor(faults.pace);
      if (drop_after >= 0 && ++writes >= drop_after) {
        ctx.TryCancel();  // the connection drops
        broken = true;
      }
    }
  }
  if (!broken) {
    // Wait for every chunk's acknowledgement, then end the session.
    absl::MutexLock lock(&mu);
    auto settled = [&] { return in_flight == 0 || reader_done; };
    mu.Await(absl::Condition(&settled));
    broken = reader_done;
  }
  bool all_acked = true;
  {
    absl::MutexLock lock(&mu);
    for (bool a : *acked) all_acked &= a;
  }
  if (!broken && all_acked) {
    v1::UploadSessionRequest end_req;
    *end_req.mutable_end() = end;
    end_req.mutable_end()->set_chunk_count(static_cast<uint32_t>(chunks.size()));
    stream->Write(end_req);
  }
  stream->WritesDone();
  reader.join();
  grpc::Status st = stream->Finish();
  if (end_acked) {
    *finished = true;
    if (end.outcome() == v1::SESSION_OUTCOME_ABORTED) {
      counters_->sessions_aborted++;
    } else {
      counters_->sessions_completed++;
    }
    return absl::OkStatus();
  }
  if (!nack_error.empty()) return absl::InternalError(nack_error);
  if (!st.ok()) return FromGrpc(st);
  return absl::UnavailableError("the stream ended before the session was finalized");
}

}  // namespace tractus::cli
