// The table side of the upload protocol: uploads one session's chunks with
// several in flight, and survives dropped connections and reboots by asking
// the server what it already holds (GetUploadState) and resuming.
// Thread-safe for use by one table (one session at a time).
#ifndef TRACTUS_CLI_TABLE_CLIENT_H_
#define TRACTUS_CLI_TABLE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tractus/v1/session.grpc.pb.h"

namespace tractus::cli {

// Counters shared by all simulated tables.
struct UploadCounters {
  std::atomic<int64_t> chunks_acked{0};
  std::atomic<int64_t> samples_acked{0};
  std::atomic<int64_t> bytes_acked{0};
  std::atomic<int64_t> replayed_acks{0};
  std::atomic<int64_t> nacks{0};
  std::atomic<int64_t> resumes{0};
  std::atomic<int64_t> sessions_completed{0};
  std::atomic<int64_t> sessions_aborted{0};
  std::atomic<int64_t> retries_after_limit{0};
};

// Records what the server acknowledged, one line each, so a verifier can
// later check it is all stored exactly once:
//   chunk SESSION SEQ SAMPLES   (SESSION: the server's id of the session)
//   final SESSION EPISODE CHUNKS PRE_PAIN POST_PAIN   (-1: no pain typed)
// Thread-safe.
class Ledger {
 public:
  explicit Ledger(const std::string& path) : out_(path, std::ios::app) {}
  bool ok() const { return out_.good(); }
  void Chunk(const std::string& session_id, uint32_t seq, int samples);
  // `session_id` is the server's (HeaderAck.server_session_id).
  void Final(const std::string& session_id, const v1::SessionHeader& header, uint32_t chunks,
             const v1::SessionEnd& end);

 private:
  absl::Mutex mu_;
  std::ofstream out_ ABSL_GUARDED_BY(mu_);
};

// How a table uploads: the faults it injects into its own uploads, and its
// pace.
struct UploadOptions {
  double drop_rate = 0;       // per session: cut the stream mid-way once
  double reboot_rate = 0;     // of dropped sessions: the table also reboots and
                              // forgets what was acknowledged
  double duplicate_rate = 0;  // per chunk: send it twice
  // Wait this long after sending each chunk (a table uploading while it
  // treats); zero: as fast as acknowledgements allow.
  absl::Duration pace = absl::ZeroDuration();
};

class TableClient {
 public:
  // `ledger` may be null.
  TableClient(std::shared_ptr<grpc::Channel> channel, std::string credential,
              UploadCounters* counters, uint32_t seed, Ledger* ledger = nullptr);

  // Uploads `chunks` under `header`, then `end`. Returns once the server
  // acknowledged the end (or the session was already finalized). Survives
  // the server going away and coming back: retries with backoff and
  // resumes from GetUploadState.
  absl::Status UploadSession(const v1::SessionHeader& header,
                             const std::vector<v1::TelemetryChunk>& chunks,
                             const v1::SessionEnd& end, const UploadOptions& faults,
                             int window);

 private:
  // One stream attempt. `drop_after` >= 0 cuts the stream after that many
  // chunk writes. Sets *finished when the end was acknowledged.
  absl::Status Attempt(const v1::SessionHeader& header,
                       const std::vector<v1::TelemetryChunk>& chunks,
                       const v1::SessionEnd& end, const UploadOptions& faults, int window,
                       int drop_after, std::vector<bool>* acked, bool* finished);
  absl::StatusOr<v1::GetUploadStateResponse> State(const std::string& session_id);
  // Marks `seq` durable; counts it once per session in the counters.
  void Confirm(const std::vector<v1::TelemetryChunk>& chunks, uint32_t seq,
               std::vector<bool>* acked);
  void Authorize(grpc::ClientContext* ctx) const;

  std::unique_ptr<v1::DeviceService::Stub> stub_;
  std::string credential_;
  UploadCounters* counters_;
  Ledger* ledger_;
  std::mt19937 rng_;
  // The server's id of the session being uploaded (for the ledger).
  std::string session_id_;
  std::vector<bool> counted_;  // chunks of the current session already counted
};

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_TABLE_CLIENT_H_
