// What a clinician reads of a session, accumulated chunk by chunk so memory
// stays bounded by one chunk whatever the session's length. Not thread-safe.
#ifndef TRACTUS_DEVICE_GATEWAY_SESSION_SUMMARY_H_
#define TRACTUS_DEVICE_GATEWAY_SESSION_SUMMARY_H_

#include <cstdint>
#include <vector>

#include "device_gateway/telemetry.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

// An overshoot: measured force above 110 % of a target that has not fallen
// in the last kSteadyTargetMs (so a table easing off after a hold is not
// one), or above the plan's maximum by more than the sensor tolerance. A run
// of overshoot samples counts once; it ends when the force is back within
// 105 % of the target and under the plan's maximum.
inline constexpr double kOvershootRatio = 1.10;
inline constexpr double kOvershootEndRatio = 1.05;
inline constexpr double kPlanMaxTolerance = 1.05;
inline constexpr int64_t kSteadyTargetMs = 5000;
// At or above 90 % of the target counts as time at target.
inline constexpr double kAtTargetRatio = 0.90;

class SummaryAccumulator {
 public:
  // `protocol` gives the hold threshold; `plan_max_newtons` (the episode
  // plan's target maximum) the absolute overshoot ceiling.
  SummaryAccumulator(const v1::TractionProtocol& protocol, double plan_max_newtons);

  // Adds the next chunk's samples and events.
  // REQUIRES: chunks in seq order; samples strictly after the previous
  // chunk's (callers check this: see Uploads::FinishSession).
  void Add(const Samples& samples, const v1::TelemetryChunk& chunk);

  v1::SessionSummary Finish() const;

 private:
  void AddSample(int64_t t, int32_t measured, int32_t target, uint32_t flags);

  const int32_t plan_max_dn_;
  const int32_t hold_threshold_dn_;
  int64_t last_target_drop_ms_ = INT64_MIN / 2;
  int64_t count_ = 0;
  int64_t first_ms_ = 0;
  int64_t last_ms_ = 0;
  int32_t last_measured_ = 0;
  int32_t last_target_ = 0;
  bool in_hold_ = false;
  bool in_overshoot_ = false;
  bool stop_flag_ = false;
  int64_t at_target_ms_ = 0;
  double dose_dn_ms_ = 0;
  double sum_measured_dn_ = 0;
  int32_t peak_dn_ = 0;
  int32_t hold_cycles_ = 0;
  int32_t overshoots_ = 0;
  int32_t stops_ = 0;
  std::vector<int32_t> error_codes_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_SESSION_SUMMARY_H_
