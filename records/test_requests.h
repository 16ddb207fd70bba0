// Request builders for tests: a clinic, a patient and an episode with
// plausible content. For tests only (domain-level and end-to-end alike).
#ifndef TRACTUS_RECORDS_TEST_REQUESTS_H_
#define TRACTUS_RECORDS_TEST_REQUESTS_H_

#include <string>

#include "tractus/v1/clinic.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/patient.pb.h"

namespace tractus::records::testing {

// A clinic in America/Chicago; `tag` makes the request id unique.
inline v1::CreateClinicRequest ClinicRequest(const std::string& tag) {
  v1::CreateClinicRequest req;
  req.set_request_id("clinic-" + tag);
  req.mutable_clinic()->set_display_name("Clinic " + tag);
  req.mutable_clinic()->set_time_zone("America/Chicago");
  return req;
}

// A patient of `clinic_id`; MRN and request id derive from `tag`.
inline v1::CreatePatientRequest PatientRequest(const std::string& clinic_id,
                                               const std::string& tag) {
  v1::CreatePatientRequest req;
  req.set_request_id("patient-" + tag);
  req.mutable_patient()->set_clinic_id(clinic_id);
  v1::PatientIdentity* id = req.mutable_patient()->mutable_identity();
  id->set_given_name("Pat");
  id->set_family_name("Ient");
  id->mutable_birth_date()->set_year(1961);
  id->mutable_birth_date()->set_month(6);
  id->mutable_birth_date()->set_day(6);
  id->set_sex(v1::SEX_FEMALE);
  id->set_zip_code("60614");
  id->set_mrn("T-" + tag);
  return req;
}

// An episode of `patient_id` starting 2026-11-02 with `condition`; plan:
// 20 sessions, 5 a week, 400 N, 30 minutes.
inline v1::CreateEpisodeRequest EpisodeRequest(const std::string& patient_id,
                                               const std::string& tag,
                                               v1::Condition condition) {
  v1::CreateEpisodeRequest req;
  req.set_request_id("episode-" + tag);
  v1::Episode* e = req.mutable_episode();
  e->set_patient_id(patient_id);
  e->add_conditions(condition);
  e->mutable_start_date()->set_year(2026);
  e->mutable_start_date()->set_month(11);
  e->mutable_start_date()->set_day(2);
  e->mutable_plan()->set_sessions_planned(20);
  e->mutable_plan()->set_sessions_per_week(5);
  e->mutable_plan()->set_target_max_force_newtons(400);
  e->mutable_plan()->set_session_minutes(30);
  return req;
}

}  // namespace tractus::records::testing

#endif  // TRACTUS_RECORDS_TEST_REQUESTS_H_
