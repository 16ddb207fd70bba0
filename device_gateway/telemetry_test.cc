#include "device_gateway/telemetry.h"

#include <functional>

#include "device_gateway/test_chunks.h"
#include "gtest/gtest.h"

namespace tractus::device_gateway {
namespace {

Samples Ramp(int n) {
  Samples s;
  for (int i = 0; i < n; ++i) {
    s.offset_ms.push_back(1000 + 100 * i);
    s.measured_dn.push_back(2000 + 10 * i);
    s.target_dn.push_back(2000 + 10 * i);
    s.angle_decideg.push_back(50);
    s.flags.push_back(0);
  }
  return s;
}

ChunkRules Rules() {
  ChunkRules r;
  r.max_samples_per_chunk = 100;
  r.max_force_dn = 14000;
  r.protocol_max_dn = 4000;
  r.max_offset_ms = 90 * 60 * 1000;
  return r;
}

v1::UploadSessionRequest ChunkRequestForTest() {
  v1::UploadSessionRequest req;
  *req.mutable_chunk() = TestChunk(3, 500, 390);
  return req;
}

TEST(ChunkWireOfTest, FindsTheChunkOfAOneFieldRequest) {
  const v1::UploadSessionRequest req = ChunkRequestForTest();
  EXPECT_EQ(ChunkWireOf(req.SerializeAsString()), req.chunk().SerializeAsString());
}

TEST(ChunkWireOfTest, AnythingElseIsLeftToSerialize) {
  v1::UploadSessionRequest header;
  header.mutable_header()->set_session_id("s-1");
  EXPECT_TRUE(ChunkWireOf(header.SerializeAsString()).empty());
  // Two chunk fields merge when parsed: neither's bytes are the chunk.
  const std::string twice =
      ChunkRequestForTest().SerializeAsString() + ChunkRequestForTest().SerializeAsString();
  EXPECT_TRUE(ChunkWireOf(twice).empty());
  const std::string wire = ChunkRequestForTest().SerializeAsString();
  EXPECT_TRUE(ChunkWireOf(wire.substr(0, wire.size() - 1)).empty());  // truncated
  EXPECT_TRUE(ChunkWireOf("").empty());
}

TEST(TelemetryTest, EncodeDecodeRoundTripsAndDeltasAreSmall) {
  Samples in = Ramp(50);
  v1::TelemetryChunk chunk;
  EncodeColumns(in, &chunk);
  EXPECT_EQ(chunk.offset_ms(0), 1000);
  EXPECT_EQ(chunk.offset_ms(1), 100);  // delta
  EXPECT_EQ(chunk.measured_force_dn(1), 10);
  Samples out;
  ASSERT_FALSE(DecodeChunk(chunk, &out).has_value());
  EXPECT_EQ(out.offset_ms, in.offset_ms);
  EXPECT_EQ(out.measured_dn, in.measured_dn);
  EXPECT_EQ(out.target_dn, in.target_dn);
  EXPECT_EQ(out.angle_decideg, in.angle_decideg);
  EXPECT_FALSE(CheckChunk(out, chunk, Rules()).has_value());
}

TEST(TelemetryTest, DecodeRejectsRaggedColumnsAndOverflow) {
  v1::TelemetryChunk chunk;
  EncodeColumns(Ramp(3), &chunk);
  chunk.add_flags(0);
  Samples s;
  EXPECT_TRUE(DecodeChunk(chunk, &s).has_value());
  v1::TelemetryChunk overflow;
  EncodeColumns(Ramp(2), &overflow);
  overflow.set_measured_force_dn(1, 2147483647);
  EXPECT_TRUE(DecodeChunk(overflow, &s).has_value());
}

struct Case {
  const char* name;
  std::function<void(Samples&, v1::TelemetryChunk&)> mutate;
  absl::StatusCode code;  // kOk = accepted
  int sample_index;
};

TEST(TelemetryTest, CheckTable) {
  const Case cases[] = {
      {"valid", [](auto&, auto&) {}, absl::StatusCode::kOk, 0},
      {"time backwards", [](Samples& s, auto&) { s.offset_ms[7] = s.offset_ms[6]; },
       absl::StatusCode::kInvalidArgument, 7},
      {"negative offset", [](Samples& s, auto&) { s.offset_ms[0] = -5; },
       absl::StatusCode::kInvalidArgument, 0},
      {"offset past 3x planned", [](Samples& s, auto&) { s.offset_ms[9] = 99 * 60 * 1000; },
       absl::StatusCode::kInvalidArgument, 9},
      {"negative force", [](Samples& s, auto&) { s.measured_dn[3] = -1; },
       absl::StatusCode::kInvalidArgument, 3},
      {"force over device max", [](Samples& s, auto&) { s.measured_dn[4] = 14001; },
       absl::StatusCode::kInvalidArgument, 4},
      {"target over protocol +5%", [](Samples& s, auto&) { s.target_dn[5] = 4201; },
       absl::StatusCode::kInvalidArgument, 5},
      {"target at protocol +5%", [](Samples& s, auto&) { s.target_dn[5] = 4200; },
       absl::StatusCode::kOk, 0},
      {"angle 31", [](Samples& s, auto&) { s.angle_decideg[2] = 310; },
       absl::StatusCode::kInvalidArgument, 2},
      {"unknown flag", [](Samples& s, auto&) { s.flags[1] = 8; },
       absl::StatusCode::kInvalidArgument, 1},
      {"event outside",
       [](auto&, v1::TelemetryChunk& c) {
         auto* e = c.add_events();
         e->set_kind(v1::SESSION_EVENT_KIND_PAUSE);
         e->set_offset_ms(1);
       },
       absl::StatusCode::kInvalidArgument, -1},
      {"event unknown kind",
       [](auto&, v1::TelemetryChunk& c) {
         auto* e = c.add_events();
         e->set_kind(static_cast<v1::SessionEventKind>(9));
         e->set_offset_ms(1100);
       },
       absl::StatusCode::kInvalidArgument, -1},
      {"too many samples", [](Samples& s, auto&) { s = Ramp(101); },
       absl::StatusCode::kResourceExhausted, -1},
      {"empty", [](Samples& s, auto&) { s = Samples(); }, absl::StatusCode::kInvalidArgument, -1},
  };
  for (const Case& c : cases) {
    Samples s = Ramp(10);
    v1::TelemetryChunk chunk;
    c.mutate(s, chunk);
    auto problem = CheckChunk(s, chunk, Rules());
    if (c.code == absl::StatusCode::kOk) {
      EXPECT_FALSE(problem.has_value()) << c.name << ": " << problem->reason;
    } else {
      ASSERT_TRUE(problem.has_value()) << c.name;
      EXPECT_EQ(problem->code, c.code) << c.name;
      EXPECT_EQ(problem->sample_index, c.sample_index) << c.name;
    }
  }
}

}  // namespace
}  // namespace tractus::device_gateway
