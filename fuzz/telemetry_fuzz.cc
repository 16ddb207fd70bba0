// Telemetry chunks as a table sends them: decoding and physical validation
// never crash; a chunk that validates round-trips through the codec and can
// be summarized; a chunk found in an upload request's bytes is the one the
// request parses to.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "device_gateway/session_summary.h"
#include "device_gateway/telemetry.h"

using namespace tractus;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

// The same bytes as an upload request: a chunk found in it (ChunkWireOf,
// stored as received) is exactly the chunk the request parses to.
void CheckChunkWire(const uint8_t* data, size_t size) {
  const absl::string_view wire(reinterpret_cast<const char*>(data), size);
  const absl::string_view chunk_wire = device_gateway::ChunkWireOf(wire);
  v1::UploadSessionRequest request;
  // The server looks for the chunk only in a request that parsed.
  if (chunk_wire.empty() || !request.ParseFromArray(data, static_cast<int>(size))) return;
  v1::TelemetryChunk chunk;
  if (!request.has_chunk() ||
      !chunk.ParseFromArray(chunk_wire.data(), static_cast<int>(chunk_wire.size())) ||
      chunk.SerializeAsString() != request.chunk().SerializeAsString()) {
    std::abort();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckChunkWire(data, size);
  v1::TelemetryChunk chunk;
  if (!chunk.ParseFromArray(data, static_cast<int>(size))) return 0;
  device_gateway::Samples samples;
  if (device_gateway::DecodeChunk(chunk, &samples).has_value()) return 0;
  device_gateway::ChunkRules rules;
  rules.max_samples_per_chunk = 4096;
  rules.max_force_dn = 14000;
  rules.protocol_max_dn = 4000;
  rules.max_offset_ms = 90 * 60 * 1000;
  if (device_gateway::CheckChunk(samples, chunk, rules).has_value()) return 0;
  v1::TelemetryChunk encoded;
  device_gateway::EncodeColumns(samples, &encoded);
  device_gateway::Samples again;
  if (device_gateway::DecodeChunk(encoded, &again).has_value() ||
      again.offset_ms != samples.offset_ms || again.measured_dn != samples.measured_dn) {
    std::abort();
  }
  v1::TractionProtocol protocol;
  protocol.set_max_force_newtons(400);
  protocol.set_min_force_newtons(200);
  device_gateway::SummaryAccumulator summary(protocol, 400);
  summary.Add(samples, chunk);
  if (summary.Finish().sample_count() != static_cast<int64_t>(samples.size())) std::abort();
  return 0;
}
