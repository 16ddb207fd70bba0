// Observation and questionnaire inputs from clients: validation never
// crashes, and whatever it accepts can be scored (the scoring functions'
// REQUIREs hold) into a value within the instrument's range.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/time/civil_time.h"
#include "analytics/instruments.h"
#include "records/observation_input.h"
#include "tractus/v1/observation.pb.h"

using namespace tractus;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v1::RecordObservationsRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return 0;
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 11, 27, 12, 0, 0), absl::UTCTimeZone());
  const records::ObservationContext ctx{now - absl::Hours(24 * 30), now, nullptr};
  v1::Episode episode;
  episode.set_episode_id("ep_fuzz");
  episode.set_patient_id("pt_fuzz");
  for (int i = 0; i < req.observations_size() && i < 64; ++i) {
    Violations v;
    records::CheckObservationInput("o", req.observations(i), ctx, v);
    if (!v.empty()) continue;
    v1::Observation o = records::BuildObservation(req.observations(i), episode, ctx);
    const analytics::MeasureInfo* m = analytics::FindMeasure(o.instrument());
    if (m == nullptr || !std::isfinite(o.value()) || o.value() < m->min_value ||
        o.value() > m->max_value) {
      std::abort();
    }
  }
  return 0;
}
