// Telemetry chunks: decoding the delta-coded columns and checking them
// against physics and the session's protocol. Pure functions.
#ifndef TRACTUS_DEVICE_GATEWAY_TELEMETRY_H_
#define TRACTUS_DEVICE_GATEWAY_TELEMETRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

// Samples of one chunk with absolute values, in wire units (ms, decinewtons,
// tenths of a degree).
struct Samples {
  std::vector<int64_t> offset_ms;
  std::vector<int32_t> measured_dn;
  std::vector<int32_t> target_dn;
  std::vector<int32_t> angle_decideg;
  std::vector<uint32_t> flags;
  size_t size() const { return offset_ms.size(); }
};

// Why a chunk is refused: the status code for the negative acknowledgement,
// the first offending sample (-1 for the whole chunk) and a reason.
struct ChunkProblem {
  absl::StatusCode code;
  int sample_index;
  std::string reason;
};

// What a chunk must respect.
struct ChunkRules {
  int max_samples_per_chunk = 4096;
  // The table model's ceiling, decinewtons.
  int32_t max_force_dn = 14000;
  // The session protocol's maximum, decinewtons: targets may not exceed it
  // by more than 5 %.
  int32_t protocol_max_dn = 0;
  // Offsets beyond this are implausible (planned minutes x 3).
  int64_t max_offset_ms = 0;
};

// Decodes `chunk` into absolute samples. Fails (INVALID_ARGUMENT) if the
// columns differ in length or a running sum overflows.
std::optional<ChunkProblem> DecodeChunk(const v1::TelemetryChunk& chunk, Samples* out);

// Checks decoded samples and the chunk's events: at least one sample, at
// most max_samples_per_chunk (RESOURCE_EXHAUSTED), offsets strictly
// increasing from >= 0 up to max_offset_ms, forces within 0..max_force_dn,
// targets within 0..protocol_max_dn x 1.05, angle 0..30 degrees, known flag
// bits and event kinds, events within the chunk's time span.
std::optional<ChunkProblem> CheckChunk(const Samples& samples,
                                       const v1::TelemetryChunk& chunk,
                                       const ChunkRules& rules);

// The serialized chunk inside a serialized UploadSessionRequest that holds
// that one field and nothing else (as tables send a chunk), so that it can
// be stored as received; empty for anything else (a header, an end, extra
// or repeated fields), which the caller then serializes itself.
absl::string_view ChunkWireOf(absl::string_view request_wire);

// Delta-codes absolute columns into `chunk` (used by the table simulator and
// tests; the inverse of DecodeChunk).
void EncodeColumns(const Samples& samples, v1::TelemetryChunk* chunk);

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_TELEMETRY_H_
