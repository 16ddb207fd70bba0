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
// Thread-safe. Work on one session is serialized by its open state
// (open_sessions.h), which also keeps what is stored so that storing a chunk
// reads nothing and finishing a session uploaded in order reads nothing back.
#ifndef TRACTUS_DEVICE_GATEWAY_UPLOADS_H_
#define TRACTUS_DEVICE_GATEWAY_UPLOADS_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "device_gateway/chunk_timeline.h"
#include "device_gateway/open_sessions.h"
#include "records/records.h"
#include "storage/store.h"
#include "tractus/v1/device.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

struct UploadConfig {
  int max_samples_per_chunk = 4096;
  int max_message_bytes = 256 << 10;
  int max_chunks_in_flight = 8;
  int max_streams_per_device = 2;
  // An open upload stream costs ~30 KiB and no thread (measured with
  // bench/connections_bench: 29 MiB per 1,000 streams): 10,000 ~ 300 MiB.
  int max_streams_total = 10000;
  double max_force_newtons = 1400;
  // Chunks a session may have stored above a missing one. A table sends in
  // order with a few chunks in flight, so only a lost window leaves gaps;
  // the bound keeps what an open session holds in memory small.
  int max_chunks_above_gap = 4096;
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

  // A session as a table names it: session ids are scoped to the device.
  struct DeviceSession {
    std::string device_id;
    std::string session_id;  // the table's own (SessionHeader.session_id)
  };

  // An open upload of one session: pass it to StoreChunk and FinishSession.
  struct Opened {
    DeviceSession name;
    v1::Session session;  // as stored when opened
    v1::HeaderAck ack;
    bool ack_ranges = false;  // the header's: the table takes ChunkAck.count
    std::shared_ptr<OpenSessionState> state;
  };
  // A header names the device's own session id: a new one starts a session
  // under a new server id ("ss_" + 32 hex digits), a known one resumes.
  // INVALID_ARGUMENT for a bad header (fields under "header."), NOT_FOUND
  // for an unknown episode or one of another clinic (alike),
  // FAILED_PRECONDITION for a closed episode or a finalized session,
  // ALREADY_EXISTS for a resumed session whose header differs.
  absl::StatusOr<Opened> OpenSession(const v1::Device& device, const v1::SessionHeader& header);

  // A chunk checked against its session and reserved in the session's
  // state (later chunks are checked against it), to be written by
  // CommitChunks.
  struct AcceptedChunk {
    uint32_t seq = 0;
    uint32_t samples = 0;
    std::string key;
    std::string value;
  };
  // Either the response to send now — a ChunkNack, the ChunkAck of a replay
  // — or a chunk to commit and then acknowledge. A non-OK status means
  // storage failed (the caller ends the stream).
  using ChunkDecision = std::variant<v1::UploadSessionResponse, AcceptedChunk>;
  // `wire` is `chunk` serialized as received, stored as it is; when empty,
  // `chunk` is serialized.
  absl::StatusOr<ChunkDecision> AcceptChunk(const Opened& opened, const v1::TelemetryChunk& chunk,
                                            absl::string_view wire = {});

  // Writes chunks accepted for `opened` in one batch, durable per the
  // store's options (so the chunks in flight on a stream share one fsync).
  // On failure none is acknowledged and the session's state is rebuilt from
  // the store before its next use.
  absl::Status CommitChunks(const Opened& opened, const std::vector<AcceptedChunk>& chunks);

  // The chunks accepted for several uploads, written in one batch (one
  // fsync for all of them: see commit_queue.h), each session settled as by
  // CommitChunks. On failure none of them is stored.
  struct Commit {
    const Opened* opened;
    const std::vector<AcceptedChunk>* chunks;
  };
  absl::Status CommitGroup(absl::Span<const Commit> group);

  // The responses to a batch of decisions whose chunks were committed, in
  // the batch's order: each response as decided, and for the committed
  // chunks one ChunkAck each — or, when the table takes ranges
  // (SessionHeader.ack_ranges), one per run of consecutive seqs. Pure.
  static std::vector<v1::UploadSessionResponse> Acknowledgements(
      const std::vector<ChunkDecision>& committed, bool ack_ranges);

  // AcceptChunk then CommitChunks: the UploadSessionResponse holding a
  // ChunkAck or a ChunkNack.
  absl::StatusOr<v1::UploadSessionResponse> StoreChunk(const Opened& opened,
                                                       const v1::TelemetryChunk& chunk);

  // INVALID_ARGUMENT for a bad end message, FAILED_PRECONDITION naming the
  // missing chunks, UNAVAILABLE while chunks accepted on another stream are
  // still being written. Finishing a finalized session with the same outcome
  // returns it unchanged.
  absl::StatusOr<v1::Session> FinishSession(const Opened& opened, const v1::SessionEnd& end);

  // The chunks below `end.chunk_count` not stored, as [first, last] seq
  // ranges in order (empty: the end can be accepted). INVALID_ARGUMENT for
  // a bad end message. As many ranges as out-of-order chunks stored, + 1.
  absl::StatusOr<std::vector<std::pair<uint32_t, uint32_t>>> MissingChunks(
      const Opened& opened, const v1::SessionEnd& end);

  absl::StatusOr<v1::GetUploadStateResponse> UploadState(const v1::Device& device,
                                                         const v1::GetUploadStateRequest& req);

  absl::StatusOr<v1::ListSessionsResponse> ListSessions(const v1::ListSessionsRequest& req);
  // Every session of an episode known to exist (by start time), without
  // pages: for the views computed from a whole episode. With `index_reader`
  // (from NewSessionIndexReader), the episode's index entries are read
  // through it: for jobs reading episode after episode in id order.
  absl::StatusOr<storage::RecordList<v1::Session>> SessionsOfEpisode(
      const std::string& episode_id, storage::Store::RangeReader* index_reader = nullptr) const;
  absl::StatusOr<std::unique_ptr<storage::Store::RangeReader>> NewSessionIndexReader() const {
    return store_->NewRangeReader(storage::Cf::kIndex);
  }
  absl::StatusOr<v1::GetSessionResponse> GetSession(const v1::GetSessionRequest& req);
  // Where a read of a session's telemetry stopped, to go on from there.
  struct TelemetryPosition {
    std::string after_key;  // the last chunk emitted; empty: the start
    int64_t sample_index = 0;  // samples passed (every_nth counts across calls)
    bool done = false;  // every chunk was emitted
  };
  // Calls `emit` once per stored chunk, in time order, until it returns
  // false. With `position`, starts after it and leaves it after the last
  // chunk emitted (a stream reads a few parts at a time this way).
  absl::Status ReadTelemetry(const v1::ReadTelemetryRequest& req,
                             const std::function<bool(const v1::ReadTelemetryResponse&)>& emit,
                             TelemetryPosition* position = nullptr);

  // Chunks and samples stored since start (replays not counted; metrics).
  int64_t chunks_stored() const { return chunks_stored_.load(std::memory_order_relaxed); }
  int64_t samples_stored() const { return samples_stored_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> chunks_stored_{0};
  std::atomic<int64_t> samples_stored_{0};
  absl::StatusOr<ChunkTimeline> ScanStoredChunks(const std::string& session_id) const;
  absl::StatusOr<v1::Session> LoadSession(const std::string& session_id) const;
  // The session the device names `device_session_id`, if any.
  absl::StatusOr<std::optional<v1::Session>> FindSession(absl::string_view device_id,
                                                         absl::string_view device_session_id) const;
  // Reads the session record and its chunks into `state` (summary empty).
  absl::Status Load(const DeviceSession& name, OpenSessionState& state) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
  // Writes `batch`; after a failure `state` is reloaded before its next use.
  absl::Status WriteFor(OpenSessionState& state, const storage::WriteBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu);
  // The summary of the stored chunks, read back in seq order.
  absl::StatusOr<v1::SessionSummary> SummarizeStored(const v1::Session& session) const;
  absl::Status RecordConsolePain(const v1::Session& session, const v1::SessionEnd& end);

  storage::Store* const store_;
  const Clock* const clock_;
  records::Records* const records_;
  const UploadConfig config_;
  OpenSessions open_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_UPLOADS_H_
