#include "cli/table_model.h"

#include "device_gateway/telemetry.h"
#include "gtest/gtest.h"

namespace tractus::cli {
namespace {

v1::TractionProtocol Intermittent() {
  v1::TractionProtocol p;
  p.set_mode(v1::TRACTION_MODE_INTERMITTENT);
  p.set_max_force_newtons(400);
  p.set_min_force_newtons(200);
  p.set_hold_seconds(60);
  p.set_relax_seconds(30);
  p.set_progressive_steps(3);
  p.set_regressive_steps(3);
  p.set_angle_degrees(10);
  p.set_planned_minutes(20);
  return p;
}

// Every chunk the simulator makes must pass the server's own checks.
TEST(TableModelTest, ChunksPassServerValidation) {
  for (auto mode : {v1::TRACTION_MODE_INTERMITTENT, v1::TRACTION_MODE_CYCLIC,
                    v1::TRACTION_MODE_STATIC}) {
    v1::TractionProtocol p = Intermittent();
    p.set_mode(mode);
    TableModel model(p, TableModelOptions{}, 42);
    device_gateway::ChunkRules rules;
    rules.max_samples_per_chunk = 1000;
    rules.protocol_max_dn = 4000;
    rules.max_offset_ms = 60 * 60 * 1000;
    v1::TelemetryChunk chunk;
    int64_t samples = 0;
    uint32_t expected_seq = 0;
    double peak_target = 0;
    while (model.NextChunk(1000, &chunk)) {
      EXPECT_EQ(chunk.seq(), expected_seq++);
      device_gateway::Samples s;
      ASSERT_FALSE(device_gateway::DecodeChunk(chunk, &s).has_value());
      auto problem = device_gateway::CheckChunk(s, chunk, rules);
      ASSERT_FALSE(problem.has_value()) << problem->reason << " at " << problem->sample_index;
      samples += s.size();
      for (int32_t t : s.target_dn) peak_target = std::max(peak_target, t / 10.0);
    }
    EXPECT_EQ(samples, 20 * 60 * 10);
    EXPECT_EQ(peak_target, 400);
    EXPECT_FALSE(model.aborted());
  }
}

TEST(TableModelTest, PatientStopReleasesForceAndAborts) {
  TableModelOptions options;
  options.patient_stop_at_s = 300;
  TableModel model(Intermittent(), options, 7);
  v1::TelemetryChunk chunk;
  int events = 0;
  int64_t last_offset = 0;
  while (model.NextChunk(1000, &chunk)) {
    events += chunk.events_size();
    device_gateway::Samples s;
    ASSERT_FALSE(device_gateway::DecodeChunk(chunk, &s).has_value());
    last_offset = s.offset_ms.back();
  }
  EXPECT_TRUE(model.aborted());
  EXPECT_EQ(events, 1);
  EXPECT_LT(last_offset, 310 * 1000);
}

}  // namespace
}  // namespace tractus::cli
