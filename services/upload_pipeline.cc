#include "services/upload_pipeline.h"

#include <variant>

namespace tractus::services {

using device_gateway::Uploads;

UploadPipeline::UploadPipeline(Uploads* uploads, const Uploads::Opened* opened,
                               grpc::ServerContext* ctx, Stream* stream, int max_queued)
    : uploads_(uploads),
      opened_(opened),
      ctx_(ctx),
      stream_(stream),
      max_queued_(static_cast<size_t>(std::max(1, max_queued))),
      writer_([this] { WriterLoop(); }) {}

UploadPipeline::~UploadPipeline() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }
  writer_.join();
}

absl::Status UploadPipeline::Submit(Uploads::ChunkDecision decision) {
  absl::MutexLock lock(&mu_);
  const auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !error_.ok() || queue_.size() + in_progress_ < max_queued_;
  };
  mu_.Await(absl::Condition(&room));
  // Queued even after a failure: an accepted chunk holds a reservation in
  // its session that only its commit releases.
  queue_.push_back(std::move(decision));
  return error_;
}

absl::Status UploadPipeline::Drain() {
  absl::MutexLock lock(&mu_);
  const auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !error_.ok() || (queue_.empty() && in_progress_ == 0);
  };
  mu_.Await(absl::Condition(&idle));
  return error_;
}

void UploadPipeline::WriterLoop() {
  std::vector<Uploads::ChunkDecision> batch;
  for (;;) {
    bool acknowledge;
    {
      absl::MutexLock lock(&mu_);
      in_progress_ = 0;
      const auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || closing_;
      };
      mu_.Await(absl::Condition(&work));
      if (queue_.empty()) return;  // closing, and everything committed
      batch.swap(queue_);
      in_progress_ = batch.size();
      acknowledge = error_.ok();
    }
    absl::Status s = WriteBatch(batch, acknowledge);
    batch.clear();
    if (!s.ok()) {
      absl::MutexLock lock(&mu_);
      if (error_.ok()) error_ = s;
      // The handler may be waiting in Read for a table that waits for
      // acknowledgements: end the call so both sides stop.
      ctx_->TryCancel();
    }
  }
}

absl::Status UploadPipeline::WriteBatch(std::vector<Uploads::ChunkDecision>& batch,
                                        bool acknowledge) {
  std::vector<Uploads::AcceptedChunk> chunks;
  for (Uploads::ChunkDecision& d : batch) {
    // Moves the key and value out; the seq stays for the acknowledgement.
    if (auto* c = std::get_if<Uploads::AcceptedChunk>(&d)) chunks.push_back(std::move(*c));
  }
  // Every accepted chunk is committed, even once the stream has failed.
  if (absl::Status s = uploads_->CommitChunks(*opened_, chunks); !s.ok()) return s;
  if (!acknowledge) return absl::OkStatus();
  for (const v1::UploadSessionResponse& resp :
       Uploads::Acknowledgements(batch, opened_->ack_ranges)) {
    if (!stream_->Write(resp)) return absl::CancelledError("the table closed the stream");
  }
  return absl::OkStatus();
}

}  // namespace tractus::services
