// Validation and scoring of submitted measures (ObservationInput ->
// Observation). Pure functions: time comes in through ObservationContext.
#ifndef TRACTUS_RECORDS_OBSERVATION_INPUT_H_
#define TRACTUS_RECORDS_OBSERVATION_INPUT_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "analytics/scoring.h"
#include "common/errors.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/observation.pb.h"

namespace tractus::records {

// How far ahead of the server clock a measured time may be (device and
// phone clocks drift).
inline constexpr absl::Duration kFutureTolerance = absl::Minutes(5);
// How long before day 0 a measure may be taken (the baseline looks back 14
// days; pre-treatment assessments happen up to four weeks ahead).
inline constexpr int kMaxDaysBeforeEpisode = 28;
// Most observations one RecordObservations call may carry.
inline constexpr int kMaxObservationsPerBatch = 500;

struct ObservationContext {
  absl::Time episode_start;  // first instant of day 0 in the clinic's zone
  absl::Time now;
  // Installed PROMIS T-score table, or nullptr (then no T-score is given).
  const analytics::TScoreTable* tscore_table = nullptr;
};

// Adds a violation for every bad field of `in`, with paths under `field`
// (e.g. "observations[3].odi.walking").
void CheckObservationInput(absl::string_view field, const v1::ObservationInput& in,
                           const ObservationContext& ctx, Violations& v);

// Scores `in` into the record to store (record_time = ctx.now).
// REQUIRES: CheckObservationInput reported nothing for `in`.
v1::Observation BuildObservation(const v1::ObservationInput& in,
                                 const v1::Episode& episode,
                                 const ObservationContext& ctx);

// True if `stored` is what `in` would produce (a replay, not a conflict):
// everything but record_time is equal.
bool SameObservation(const v1::Observation& stored, const v1::Observation& built);

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_OBSERVATION_INPUT_H_
