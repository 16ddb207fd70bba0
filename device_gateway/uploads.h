// Uploads: the exactly-once, resumable session upload protocol, and the
// clinicians' reads of sessions and telemetry.
//
//   OpenSession   header of a new session (stored) or of an unfinished one
//                 (resumed: the ack says which chunks are stored)
//   StoreChunk    durable write of (session, seq); a replay with the same
//                 content is acknowledged again and stored once; other
//                 content under a stored seq, bad samples, or a chunk of a
//                 finalized session get a negative acknowledgement naming
//                 seq, sample and reason, and nothing is written
//   FinishSession requires chunks 0..n-1, computes the summary, records
//                 pre/post pain as observations, makes the session immutable
//
// Thread-safe. Work on one session is serialized by a striped lock.
#ifndef TRACTUS_DEVICE_GATEWAY_UPLOADS_H_
#define TRACTUS_DEVICE_GATEWAY_UPLOADS_H_

#include <atomic>
#include <functional>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "records/records.h"
#include "records/striped_lock.h"
#include "storage/store.h"
#include "tractus/v1/device.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

struct UploadConfig {
  int max_samples_per_chunk = 4096;
  int max_message_bytes = 256 << 10;
  int max_chunks_in_flight = 8;
  int max_streams_per_device = 2;
  int max_streams_total = 256;
  double max_force_newtons = 1400;
};

// A session started more than this long before it reached the server is a
// late (backlog) upload.
inline constexpr absl::Duration kLateAfter = absl::Hours(24);

class Uploads {
 public:
  // Every pointer must outlive this object.
  Uploads(storage::Store* store, const Clock* clock, records::Records* records,
          const UploadConfig& config);

  v1::UploadLimits Limits() const;

  struct Opened {
    v1::Session session;
    v1::HeaderAck ack;
  };
  // INVALID_ARGUMENT for a bad header (fields under "header."), NOT_FOUND
  // for an unknown episode, PERMISSION_DENIED for an episode of another
  // clinic or a session id of another device, FAILED_PRECONDITION for a
  // closed episode or a finalized session, ALREADY_EXISTS for a resumed
  // session whose header differs.
  absl::StatusOr<Opened> OpenSession(const v1::Device& device, const v1::SessionHeader& header);

  // An UploadSessionResponse holding a ChunkAck or a ChunkNack. A non-OK
  // status means storage failed (the caller ends the stream).
  absl::StatusOr<v1::UploadSessionResponse> StoreChunk(const v1::Session& session,
                                                       const v1::TelemetryChunk& chunk);

  // INVALID_ARGUMENT for a bad end message, FAILED_PRECONDITION naming the
  // missing chunks. Finishing a finalized session with the same outcome
  // returns it unchanged.
  absl::StatusOr<v1::Session> FinishSession(const v1::Session& session,
                                            const v1::SessionEnd& end);

  absl::StatusOr<v1::GetUploadStateResponse> UploadState(const v1::Device& device,
                                                         const v1::GetUploadStateRequest& req);

  absl::StatusOr<v1::ListSessionsResponse> ListSessions(const v1::ListSessionsRequest& req);
  absl::StatusOr<v1::GetSessionResponse> GetSession(const v1::GetSessionRequest& req);
  // Calls `emit` once per stored chunk, in time order, until it returns false.
  absl::Status ReadTelemetry(const v1::ReadTelemetryRequest& req,
                             const std::function<bool(const v1::ReadTelemetryResponse&)>& emit);

  // Chunks and samples stored since start (replays not counted; metrics).
  int64_t chunks_stored() const { return chunks_stored_.load(std::memory_order_relaxed); }
  int64_t samples_stored() const { return samples_stored_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> chunks_stored_{0};
  std::atomic<int64_t> samples_stored_{0};
  struct StoredChunks {
    uint32_t next_seq = 0;              // 0..next_seq-1 all stored
    std::vector<uint32_t> stored_above;  // stored seqs >= next_seq
  };
  absl::StatusOr<StoredChunks> ScanStoredChunks(const std::string& session_id) const;
  absl::StatusOr<v1::Session> LoadSession(const std::string& session_id) const;
  absl::Status RecordConsolePain(const v1::Session& session, const v1::SessionEnd& end);

  storage::Store* const store_;
  const Clock* const clock_;
  records::Records* const records_;
  const UploadConfig config_;
  records::StripedLock locks_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_UPLOADS_H_
