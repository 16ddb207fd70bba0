#include "cli/table_model.h"

#include <algorithm>
#include <cmath>

namespace tractus::cli {

TableModel::TableModel(const v1::TractionProtocol& protocol, const TableModelOptions& options,
                       uint32_t seed)
    : protocol_(protocol), options_(options), rng_(seed) {
  const int minutes = options.minutes > 0 ? options.minutes : protocol.planned_minutes();
  total_samples_ = int64_t{minutes} * 60 * options.sample_hz;
}

double TableModel::TargetAt(double t) const {
  const double max = protocol_.max_force_newtons();
  const double min = protocol_.min_force_newtons();
  const double total = static_cast<double>(total_samples_) / options_.sample_hz;
  const double hold = std::max(1, protocol_.hold_seconds());
  const double relax = protocol_.relax_seconds();
  const double cycle = hold + relax;
  const int up = protocol_.progressive_steps();
  const int down = protocol_.regressive_steps();
  if (protocol_.mode() == v1::TRACTION_MODE_STATIC) {
    // Ramp up over 30 s per progressive step, hold, ramp down at the end.
    const double ramp_up = 30.0 * std::max(1, up);
    const double ramp_down = 30.0 * std::max(1, down);
    if (t < ramp_up) return max * t / ramp_up;
    if (t > total - ramp_down) return std::max(0.0, max * (total - t) / ramp_down);
    return max;
  }
  const int n_cycles = std::max(1, static_cast<int>(total / cycle));
  const int i = std::min(n_cycles - 1, static_cast<int>(t / cycle));
  const double in_cycle = t - i * cycle;
  // Progressive and regressive cycles scale the peak.
  double scale = 1.0;
  if (i < up) scale = (i + 1.0) / (up + 1.0);
  if (i >= n_cycles - down) scale = (n_cycles - i) / (down + 1.0);
  const double peak = min + (max - min) * scale;
  if (protocol_.mode() == v1::TRACTION_MODE_CYCLIC) {
    const double phase = 2 * M_PI * in_cycle / cycle;
    return min + (peak - min) * (0.5 - 0.5 * std::cos(phase));
  }
  return in_cycle < hold ? peak : min;  // intermittent
}

bool TableModel::NextChunk(int samples, v1::TelemetryChunk* chunk) {
  if (next_sample_ >= total_samples_ || stopped_) return false;
  chunk->Clear();
  chunk->set_seq(next_seq_++);
  device_gateway::Samples s;
  const double dt = 1.0 / options_.sample_hz;
  const double lag = 1.0 - std::exp(-dt / 1.5);  // first-order, tau 1.5 s
  const double max_n = protocol_.max_force_newtons();
  for (int k = 0; k < samples && next_sample_ < total_samples_; ++k, ++next_sample_) {
    const double t = next_sample_ * dt;
    double target = TargetAt(t);
    uint32_t flags = 0;
    if (options_.patient_stop_at_s && t >= *options_.patient_stop_at_s) {
      if (!stop_pressed_) {
        stop_pressed_ = true;
        auto* e = chunk->add_events();
        e->set_offset_ms(static_cast<int64_t>(t * 1000));
        e->set_kind(v1::SESSION_EVENT_KIND_PATIENT_STOP);
      }
      flags |= v1::SAMPLE_FLAG_PATIENT_STOP;
      target = 0;
      // The table releases force within a few samples, then the session ends.
      if (measured_ < 1.0) stopped_ = true;
    }
    measured_ += (target - measured_) * (flags ? 0.6 : lag);
    // Load-cell noise: about 1 N plus 0.5 % of the reading.
    double reading = measured_ + noise_(rng_) * (1.0 + 0.005 * measured_);
    // A rare overshoot spike when the motor catches up (about one session
    // in three at 10 Hz for 30 minutes).
    if (target > 0 && rng_() % 50000 == 0) reading = std::min(max_n * 1.2, target * 1.15);
    s.offset_ms.push_back(static_cast<int64_t>(std::llround(t * 1000)));
    s.measured_dn.push_back(static_cast<int32_t>(std::lround(std::max(0.0, reading) * 10)));
    s.target_dn.push_back(static_cast<int32_t>(std::lround(target * 10)));
    s.angle_decideg.push_back(static_cast<int32_t>(std::lround(protocol_.angle_degrees() * 10)));
    s.flags.push_back(flags);
    if (stopped_) {
      ++next_sample_;
      break;
    }
  }
  if (s.size() == 0) return false;
  device_gateway::EncodeColumns(s, chunk);
  return true;
}

}  // namespace tractus::cli
