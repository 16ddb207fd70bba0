// Outcomes: the clinician's views computed from an episode's records —
// per-measure progress, the treatment course, the alerts in force — and a
// clinic's patients ranked by urgency. Reads go through records::Records
// and device_gateway::Uploads (one episode's key ranges); the arithmetic is
// analytics/.
//
// Alerts are evaluated from the data and the current time whenever they are
// read, so a new report or session shows at once and nothing waits on a
// timer.
//
// Thread-safe.
#ifndef TRACTUS_OUTCOMES_OUTCOMES_H_
#define TRACTUS_OUTCOMES_OUTCOMES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "device_gateway/uploads.h"
#include "records/records.h"
#include "tractus/v1/outcomes.pb.h"

namespace tractus::outcomes {

class Outcomes {
 public:
  // Every pointer must outlive this object.
  Outcomes(records::Records* records, device_gateway::Uploads* uploads, const Clock* clock)
      : records_(records), uploads_(uploads), clock_(clock) {}

  absl::StatusOr<v1::GetEpisodeProgressResponse> GetEpisodeProgress(
      const v1::GetEpisodeProgressRequest& req);
  absl::StatusOr<v1::ListClinicAlertsResponse> ListClinicAlerts(
      const v1::ListClinicAlertsRequest& req);

  // Everything the views are computed from, for one episode.
  struct EpisodeData {
    v1::Episode episode;
    absl::TimeZone zone;
    std::vector<v1::Observation> observations;  // by instrument, then time
    std::vector<v1::Session> sessions;          // by start time
  };
  absl::StatusOr<EpisodeData> LoadEpisode(const std::string& episode_id) const;

 private:
  records::Records* const records_;
  device_gateway::Uploads* const uploads_;
  const Clock* const clock_;
};

// The views of one episode at `now` (pure; exposed for tests).
v1::EpisodeProgress ComputeProgress(const Outcomes::EpisodeData& data, absl::Time now);

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_OUTCOMES_H_
