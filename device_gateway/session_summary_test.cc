#include "device_gateway/session_summary.h"

#include "gtest/gtest.h"

namespace tractus::device_gateway {
namespace {

// Intermittent 400 N / 200 N, one sample per second:
//   t(s)     0    1    2    3    4    5    6    7
//   target 200  400  400  200  400  400  400  200   (N)
//   meas.  200  390  460  200  300  380  400  200   (N)
// Hold cycles: target enters the upper half (>= 300 N) at t=1 and t=4 -> 2.
// Overshoot: 460 > 1.1 x 400 at t=2 -> 1 run.
// At target (>= 90 %), credited for the second after each sample:
//   t0 yes, t1 yes (390 >= 360), t2 yes, t3 yes, t4 no (300 < 360),
//   t5 yes (380), t6 yes -> 6 s.
// Dose = sum of measured over 7 one-second intervals (t0..t6):
//   200+390+460+200+300+380+400 = 2330 N s.
// Mean = (2330 + 200) / 8 = 316.25 N. Peak 460 N. One stop event.
TEST(SessionSummaryTest, WorkedExample) {
  v1::TractionProtocol protocol;
  protocol.set_mode(v1::TRACTION_MODE_INTERMITTENT);
  protocol.set_max_force_newtons(400);
  protocol.set_min_force_newtons(200);
  const int target[] = {200, 400, 400, 200, 400, 400, 400, 200};
  const int measured[] = {200, 390, 460, 200, 300, 380, 400, 200};
  SummaryAccumulator acc(protocol, /*plan_max_newtons=*/400);
  // Two chunks: t0..t3 and t4..t7.
  for (int part = 0; part < 2; ++part) {
    Samples s;
    v1::TelemetryChunk chunk;
    for (int i = part * 4; i < part * 4 + 4; ++i) {
      s.offset_ms.push_back(i * 1000);
      s.measured_dn.push_back(measured[i] * 10);
      s.target_dn.push_back(target[i] * 10);
      s.angle_decideg.push_back(0);
      s.flags.push_back(0);
    }
    if (part == 1) {
      auto* e = chunk.add_events();
      e->set_kind(v1::SESSION_EVENT_KIND_PATIENT_STOP);
      e->set_offset_ms(7000);
      auto* err = chunk.add_events();
      err->set_kind(v1::SESSION_EVENT_KIND_ERROR);
      err->set_error_code(301);
      err->set_offset_ms(7000);
    }
    acc.Add(s, chunk);
  }
  v1::SessionSummary sum = acc.Finish();
  EXPECT_EQ(sum.duration().seconds(), 7);
  EXPECT_EQ(sum.hold_cycles(), 2);
  EXPECT_EQ(sum.overshoots(), 1);
  EXPECT_EQ(sum.time_at_target().seconds(), 6);
  EXPECT_DOUBLE_EQ(sum.traction_dose_newton_seconds(), 2330);
  EXPECT_DOUBLE_EQ(sum.mean_force_newtons(), 316.25);
  EXPECT_DOUBLE_EQ(sum.peak_force_newtons(), 460);
  EXPECT_EQ(sum.patient_stops(), 1);
  EXPECT_EQ(sum.sample_count(), 8);
  ASSERT_EQ(sum.error_codes_size(), 1);
  EXPECT_EQ(sum.error_codes(0), 301);
}

TEST(SessionSummaryTest, StopFlagWithoutEventCountsOnce) {
  v1::TractionProtocol protocol;
  protocol.set_max_force_newtons(300);
  protocol.set_min_force_newtons(300);
  Samples s;
  for (int i = 0; i < 6; ++i) {
    s.offset_ms.push_back(i * 100);
    s.measured_dn.push_back(i < 3 ? 3000 : 0);
    s.target_dn.push_back(3000);
    s.angle_decideg.push_back(0);
    s.flags.push_back(i >= 3 ? v1::SAMPLE_FLAG_PATIENT_STOP : 0);
  }
  SummaryAccumulator acc(protocol, 300);
  acc.Add(s, v1::TelemetryChunk());
  EXPECT_EQ(acc.Finish().patient_stops(), 1);
  EXPECT_EQ(acc.Finish().overshoots(), 0);
}

Samples Series(const std::vector<int>& target, const std::vector<int>& measured) {
  Samples s;
  for (size_t i = 0; i < target.size(); ++i) {
    s.offset_ms.push_back(static_cast<int64_t>(i) * 1000);
    s.target_dn.push_back(target[i] * 10);
    s.measured_dn.push_back(measured[i] * 10);
    s.angle_decideg.push_back(0);
    s.flags.push_back(0);
  }
  return s;
}

TEST(SessionSummaryTest, EasingOffAfterAHoldIsNotAnOvershoot) {
  v1::TractionProtocol protocol;
  protocol.set_max_force_newtons(400);
  protocol.set_min_force_newtons(200);
  // Target drops 400 -> 200; the force follows over two seconds.
  SummaryAccumulator acc(protocol, 400);
  acc.Add(Series({400, 400, 200, 200, 200, 200, 200}, {400, 400, 330, 260, 215, 200, 200}),
          v1::TelemetryChunk());
  EXPECT_EQ(acc.Finish().overshoots(), 0);
}

TEST(SessionSummaryTest, NoiseAroundTheLimitIsOneRunNotMany) {
  v1::TractionProtocol protocol;
  protocol.set_max_force_newtons(400);
  protocol.set_min_force_newtons(400);
  // 450 N spike, then noise between 430 and 445 (still > 105 %), then back.
  SummaryAccumulator acc(protocol, 400);
  acc.Add(Series({400, 400, 400, 400, 400, 400, 400, 400},
                 {400, 450, 430, 445, 432, 400, 405, 399}),
          v1::TelemetryChunk());
  EXPECT_EQ(acc.Finish().overshoots(), 1);
  // Above the plan maximum counts even when the target is as high.
  SummaryAccumulator above(protocol, 300);
  above.Add(Series({400, 400, 400, 400}, {300, 330, 300, 330}), v1::TelemetryChunk());
  EXPECT_EQ(above.Finish().overshoots(), 2);
}

}  // namespace
}  // namespace tractus::device_gateway
