// Upload load for the benchmarks: table-like upload streams (header, chunks
// with a window in flight, end) against any DeviceService, and the null
// sink that measures what gRPC alone carries.
#ifndef TRACTUS_BENCH_UPLOAD_LOAD_H_
#define TRACTUS_BENCH_UPLOAD_LOAD_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <string>
#include <vector>

#include "tractus/v1/session.grpc.pb.h"

namespace tractus::bench {

struct Rate {
  double samples_per_s = 0;
  double bytes_per_s = 0;
};

double Median(std::vector<double> v);

// An upload message serialized once and sent as these bytes, as a table
// resends a chunk from its outbox: the load generator shares the cores
// with the server it measures, so it spends none of them serializing.
struct SerializedRequest {
  grpc::ByteBuffer bytes;
};
SerializedRequest Serialized(const v1::UploadSessionRequest& request);

// The chunks of one session (10 Hz, within 3 x a 90-minute protocol),
// serialized once.
struct SessionChunks {
  void Add(v1::TelemetryChunk chunk);

  std::vector<v1::TelemetryChunk> chunks;
  std::vector<SerializedRequest> requests;  // the chunks, ready to send
  std::vector<int64_t> sizes;               // serialized bytes of each chunk
  int64_t bytes = 0;
};
SessionChunks MakeChunks(int chunk_samples);

// Acknowledges every message, stores nothing: what gRPC alone carries of
// the same protocol (a writer thread answers what was read since its last
// write, ranges of chunks for tables that take them, as Tractus does).
class NullSink final : public v1::DeviceService::Service {
  grpc::Status UploadSession(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::UploadSessionResponse, v1::UploadSessionRequest>* stream)
      override;
};

struct UploadOptions {
  std::vector<std::string> credentials;  // one per stream (cycled); empty: none
  std::string episode_id;
  int streams = 16;
  int window = 8;
  double seconds = 10;
  // When > 0: upload this many sessions in all, then return (the rate is
  // over the time they took); `seconds` is ignored.
  int64_t max_sessions = 0;
  // When > 0: all streams together send about this many samples a second
  // (each paces its chunks), like tables sampling in real time.
  double samples_per_s = 0;
  // Set to stop early (e.g. by another phase); may be null.
  const std::atomic<bool>* stop = nullptr;
};

// `options.streams` threads upload sessions of `session` to `channel` until
// `options.seconds` pass; returns the rate of acknowledged samples.
Rate Upload(const std::shared_ptr<grpc::Channel>& channel, const SessionChunks& session,
            const UploadOptions& options);

}  // namespace tractus::bench

namespace grpc {

// Sends the bytes as they are (the slices are shared, not copied).
template <>
class SerializationTraits<tractus::bench::SerializedRequest> {
 public:
  static Status Serialize(const tractus::bench::SerializedRequest& request, ByteBuffer* buffer,
                          bool* own_buffer) {
    *buffer = request.bytes;
    *own_buffer = true;
    return Status::OK;
  }
  static Status Deserialize(ByteBuffer*, tractus::bench::SerializedRequest*) {
    return Status(StatusCode::UNIMPLEMENTED, "the load generator only sends these");
  }
};

}  // namespace grpc

#endif  // TRACTUS_BENCH_UPLOAD_LOAD_H_
