// Telemetry chunks as a table sends them: decoding and physical validation
// never crash; a chunk that validates round-trips through the codec and can
// be summarized.
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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
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
