// UploadPipeline: the writing half of one upload stream. The stream's
// handler reads and checks chunks (Uploads::AcceptChunk) and hands them
// here; a writer thread commits everything handed over since its last
// write in one batch — so the chunks a table has in flight share one fsync,
// and RocksDB groups the batches of concurrent streams — then sends their
// acknowledgements: one per chunk, or for a table that takes ranges
// (SessionHeader.ack_ranges) one per run of consecutive seqs in the batch.
// Responses that need no write (nacks, acks of replays)
// go out in order with the rest. Only the writer thread writes to the
// stream until Drain() returns.
//
// Thread-compatible: one handler thread calls Submit and Drain.
#ifndef TRACTUS_SERVICES_UPLOAD_PIPELINE_H_
#define TRACTUS_SERVICES_UPLOAD_PIPELINE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "device_gateway/uploads.h"
#include "services/received_upload.h"
#include "tractus/v1/session.pb.h"

namespace tractus::services {

class UploadPipeline {
 public:
  using Stream = UploadStream;

  // At most `max_queued` decisions wait; Submit blocks beyond that. Every
  // pointer must outlive this object.
  UploadPipeline(device_gateway::Uploads* uploads, const device_gateway::Uploads::Opened* opened,
                 grpc::ServerContext* ctx, Stream* stream, int max_queued);
  // Commits and acknowledges what is queued, then stops the writer.
  ~UploadPipeline();
  UploadPipeline(const UploadPipeline&) = delete;
  UploadPipeline& operator=(const UploadPipeline&) = delete;

  // Queues a decision. Returns the pipeline's error once it has failed (a
  // storage error, or CANCELLED when the table went away): the caller ends
  // the stream with it. Accepted chunks are committed even then (they hold
  // reservations in their session); only the acknowledgements stop.
  absl::Status Submit(device_gateway::Uploads::ChunkDecision decision);

  // Waits until everything submitted is committed and acknowledged.
  absl::Status Drain();

 private:
  void WriterLoop();
  // Commits the batch's chunks, then (if `acknowledge`) writes every
  // response in order.
  absl::Status WriteBatch(std::vector<device_gateway::Uploads::ChunkDecision>& batch,
                          bool acknowledge);

  device_gateway::Uploads* const uploads_;
  const device_gateway::Uploads::Opened* const opened_;
  grpc::ServerContext* const ctx_;
  Stream* const stream_;
  const size_t max_queued_;

  absl::Mutex mu_;
  std::vector<device_gateway::Uploads::ChunkDecision> queue_ ABSL_GUARDED_BY(mu_);
  size_t in_progress_ ABSL_GUARDED_BY(mu_) = 0;  // taken by the writer, not yet done
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::thread writer_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_UPLOAD_PIPELINE_H_
