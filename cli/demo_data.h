// A small, seeded, realistic demo clinic: a few patients with 12-week
// episodes of decompression therapy — daily home pain, weekly
// questionnaires, in-clinic exams at weeks 0/4/8/12, wearable steps — with
// responders, a non-responder and a drop-out (figures in the spirit of the
// published case series in DESIGN.md). Pure: the same seed, `now` and zone
// give the same requests.
#ifndef TRACTUS_CLI_DEMO_DATA_H_
#define TRACTUS_CLI_DEMO_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tractus/v1/clinic.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/home_report.pb.h"
#include "tractus/v1/observation.pb.h"
#include "tractus/v1/patient.pb.h"

namespace tractus::cli {

struct DemoPatient {
  // clinic_id is filled in by the loader.
  v1::CreatePatientRequest patient;
  // patient_id is filled in by the loader.
  v1::CreateEpisodeRequest episode;
  // episode_id is filled in by the loader. Sent one by one (patient app).
  std::vector<v1::SubmitHomeReportRequest> home_reports;
  // Clinic exams and wearable steps, recorded in batches.
  std::vector<v1::ObservationInput> measures;
  // CLOSE_REASON_UNSPECIFIED: the episode stays open.
  v1::CloseReason close_reason = v1::CLOSE_REASON_UNSPECIFIED;
};

struct DemoClinic {
  v1::CreateClinicRequest clinic;
  std::vector<DemoPatient> patients;
};

inline constexpr const char* kDemoTimeZone = "America/Chicago";

// Episodes start 84 days before `now` (in the demo clinic's zone), so the
// whole 12-week window has passed; nothing is dated after `now`. Request
// ids derive from the seed and the start date, so loading the same demo
// twice on one day replays instead of duplicating.
DemoClinic MakeDemoClinic(uint32_t seed, int patients, absl::Time now);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_DEMO_DATA_H_
