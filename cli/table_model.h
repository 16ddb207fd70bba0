// A decompression table running a protocol: target force over time
// (progressive ramp cycles, hold/relax at max/min or cyclic, regressive ramp
// cycles), a measured force that lags the target with sensor noise and
// occasional overshoots, and an optional patient stop. Deterministic for a
// seed. Produces samples at a fixed rate, chunk by chunk. Not thread-safe.
#ifndef TRACTUS_CLI_TABLE_MODEL_H_
#define TRACTUS_CLI_TABLE_MODEL_H_

#include <cstdint>
#include <optional>
#include <random>

#include "device_gateway/telemetry.h"
#include "tractus/v1/session.pb.h"

namespace tractus::cli {

struct TableModelOptions {
  int sample_hz = 10;
  // The session's length (the protocol's planned minutes when 0).
  int minutes = 0;
  // If set: the patient presses the stop switch this many seconds in; the
  // table releases force and the session ends aborted.
  std::optional<int> patient_stop_at_s;
};

class TableModel {
 public:
  TableModel(const v1::TractionProtocol& protocol, const TableModelOptions& options,
             uint32_t seed);

  // The next chunk (seq, columns, events) of at most `samples` samples;
  // false when the session is over.
  bool NextChunk(int samples, v1::TelemetryChunk* chunk);

  bool aborted() const { return stopped_; }
  int64_t total_samples() const { return total_samples_; }

 private:
  double TargetAt(double t_s) const;

  v1::TractionProtocol protocol_;
  TableModelOptions options_;
  std::mt19937 rng_;
  std::normal_distribution<double> noise_{0.0, 1.0};
  int64_t total_samples_;
  int64_t next_sample_ = 0;
  uint32_t next_seq_ = 0;
  double measured_ = 0;
  bool stop_pressed_ = false;  // the switch was pressed (event sent)
  bool stopped_ = false;       // force released: the session is over
};

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_TABLE_MODEL_H_
