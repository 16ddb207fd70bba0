// Request validation for clinics, patients and episodes: pure functions,
// the only producers of INVALID_ARGUMENT. Each adds one FieldViolation per
// bad field (path relative to the request, e.g. "patient.identity.zip_code")
// so a client sees every problem at once.
#ifndef TRACTUS_RECORDS_VALIDATION_H_
#define TRACTUS_RECORDS_VALIDATION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "tractus/v1/clinic.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/patient.pb.h"

namespace tractus::records {

// A required client-chosen id (request_id, observation_id, report_id).
void CheckClientId(absl::string_view field, absl::string_view id, Violations& v);
// A required server-assigned id with the given prefix ("pt_", ...).
void CheckOpaqueId(absl::string_view field, absl::string_view id,
                   absl::string_view prefix, Violations& v);

// display_name and an IANA time_zone known to this machine's tzdata.
void CheckClinic(absl::string_view field, const v1::Clinic& clinic, Violations& v);

// Every identity field; `today` bounds the birth date.
void CheckIdentity(absl::string_view field, const v1::PatientIdentity& identity,
                   absl::Time now, Violations& v);

// Conditions, start date (within 5 years back and 1 year ahead of `now`)
// and plan (evenly: sessions_planned and sessions_per_week; or week by
// week: weekly_sessions).
void CheckEpisode(absl::string_view field, const v1::Episode& episode,
                  absl::Time now, Violations& v);

// Weeks a plan's weekly_sessions may list: episode weeks 0..12.
inline constexpr int kPlanWeeks = 13;

// A week-by-week plan with sessions_planned and sessions_per_week set to
// what its weeks say (the sum, the largest week); an even plan unchanged.
// REQUIRES: CheckEpisode accepted the plan.
v1::TreatmentPlan NormalizedPlan(v1::TreatmentPlan plan);

// The identity field names that UpdatePatient's mask may name (after
// "identity.").
bool IsIdentityMaskPath(absl::string_view path);

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_VALIDATION_H_
