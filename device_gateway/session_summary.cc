#include "device_gateway/session_summary.h"

#include <algorithm>
#include <cmath>

namespace tractus::device_gateway {
namespace {

google::protobuf::Duration Millis(int64_t ms) {
  google::protobuf::Duration d;
  d.set_seconds(ms / 1000);
  d.set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
  return d;
}

}  // namespace

SummaryAccumulator::SummaryAccumulator(const v1::TractionProtocol& protocol,
                                       double plan_max_newtons)
    : plan_max_dn_(static_cast<int32_t>(std::lround(plan_max_newtons * 10))),
      hold_threshold_dn_(static_cast<int32_t>(
          std::lround((protocol.max_force_newtons() + protocol.min_force_newtons()) * 5))) {}

void SummaryAccumulator::AddSample(int64_t t, int32_t measured, int32_t target,
                                   uint32_t flags) {
  if (count_ > 0) {
    // The interval since the previous sample is credited to the previous
    // sample's state (a step function, as the table held it).
    const int64_t dt = t - last_ms_;
    dose_dn_ms_ += static_cast<double>(last_measured_) * static_cast<double>(dt);
    if (last_target_ > 0 && last_measured_ >= kAtTargetRatio * last_target_) {
      at_target_ms_ += dt;
    }
  } else {
    first_ms_ = t;
  }
  if (count_ > 0 && target < last_target_) last_target_drop_ms_ = t;
  const bool steady = t - last_target_drop_ms_ >= kSteadyTargetMs;
  const bool above_plan = measured > kPlanMaxTolerance * plan_max_dn_;
  if (!in_overshoot_) {
    if ((steady && target > 0 && measured > kOvershootRatio * target) || above_plan) {
      in_overshoot_ = true;
      ++overshoots_;
    }
  } else if (measured <= kOvershootEndRatio * target && !above_plan) {
    in_overshoot_ = false;
  }
  const bool holding = target >= hold_threshold_dn_ && target > 0;
  if (holding && !in_hold_) ++hold_cycles_;
  in_hold_ = holding;
  const bool stop = (flags & v1::SAMPLE_FLAG_PATIENT_STOP) != 0;
  stop_flag_ = stop;
  peak_dn_ = std::max(peak_dn_, measured);
  sum_measured_dn_ += measured;
  last_ms_ = t;
  last_measured_ = measured;
  last_target_ = target;
  ++count_;
}

void SummaryAccumulator::Add(const Samples& s, const v1::TelemetryChunk& chunk) {
  for (size_t i = 0; i < s.size(); ++i) {
    const bool was_stopped = stop_flag_;
    AddSample(s.offset_ms[i], s.measured_dn[i], s.target_dn[i], s.flags[i]);
    // A stop-flag onset without an explicit event still counts once.
    if (stop_flag_ && !was_stopped) {
      bool has_event = false;
      for (const auto& e : chunk.events()) {
        has_event |= e.kind() == v1::SESSION_EVENT_KIND_PATIENT_STOP &&
                     std::llabs(e.offset_ms() - s.offset_ms[i]) <= 2000;
      }
      if (!has_event) ++stops_;
    }
  }
  for (const auto& e : chunk.events()) {
    if (e.kind() == v1::SESSION_EVENT_KIND_PATIENT_STOP) ++stops_;
    if (e.kind() == v1::SESSION_EVENT_KIND_ERROR) error_codes_.push_back(e.error_code());
  }
}

v1::SessionSummary SummaryAccumulator::Finish() const {
  v1::SessionSummary out;
  *out.mutable_duration() = Millis(count_ > 0 ? last_ms_ - first_ms_ : 0);
  *out.mutable_time_at_target() = Millis(at_target_ms_);
  out.set_peak_force_newtons(peak_dn_ / 10.0);
  out.set_mean_force_newtons(count_ > 0 ? sum_measured_dn_ / count_ / 10.0 : 0);
  out.set_hold_cycles(hold_cycles_);
  out.set_patient_stops(stops_);
  out.set_overshoots(overshoots_);
  // decinewton-milliseconds -> newton-seconds.
  out.set_traction_dose_newton_seconds(dose_dn_ms_ / 10.0 / 1000.0);
  out.set_sample_count(count_);
  for (int32_t code : error_codes_) out.add_error_codes(code);
  return out;
}

}  // namespace tractus::device_gateway
