// A telemetry chunk for tests: `n` samples at 10 Hz continuing from chunk
// seq-1 (offsets (seq * n + i) * 100 ms), measured force `newtons`, target
// 400 N, angle 10 degrees. For tests only.
#ifndef TRACTUS_DEVICE_GATEWAY_TEST_CHUNKS_H_
#define TRACTUS_DEVICE_GATEWAY_TEST_CHUNKS_H_

#include "device_gateway/telemetry.h"

namespace tractus::device_gateway {

inline v1::TelemetryChunk TestChunk(uint32_t seq, int n = 100, int newtons = 390) {
  Samples s;
  for (int i = 0; i < n; ++i) {
    s.offset_ms.push_back((int64_t{seq} * n + i) * 100);
    s.measured_dn.push_back(newtons * 10);
    s.target_dn.push_back(4000);
    s.angle_decideg.push_back(100);
    s.flags.push_back(0);
  }
  v1::TelemetryChunk chunk;
  chunk.set_seq(seq);
  EncodeColumns(s, &chunk);
  return chunk;
}

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_TEST_CHUNKS_H_
