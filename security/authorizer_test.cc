#include "security/authorizer.h"

#include <map>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/outcomes.pb.h"
#include "tractus/v1/patient.pb.h"

namespace tractus::security {
namespace {

using ::tractus::testing::IsOk;
using ::tractus::testing::StatusIs;

const std::string kClinicA = "cl_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kClinicB = "cl_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kPatientA = "pt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kEpisodeA = "ep_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

class FakeOwners : public OwnerLookup {
 public:
  absl::StatusOr<Owner> Find(TargetKind kind, const std::string& id) const override {
    if (kind == TargetKind::kPatient && id == kPatientA) return RecordOwner(kClinicA, kPatientA, "");
    if (kind == TargetKind::kEpisode && id == kEpisodeA) {
      return RecordOwner(kClinicA, kPatientA, kEpisodeA);
    }
    return absl::NotFoundError("no such record");
  }
};

Principal Who(v1::Role role, std::vector<std::string> clinics = {}, std::string patient = "") {
  Principal p;
  p.id = "us_x";
  p.role = role;
  p.clinic_ids = std::move(clinics);
  p.patient_id = std::move(patient);
  return p;
}

absl::StatusOr<Decision> Check(const Principal& p, absl::string_view method,
                            const google::protobuf::Message& req) {
  const Rule* rule = FindRule(method);
  EXPECT_NE(rule, nullptr) << method;
  return Authorize(p, *rule, req, FakeOwners());
}

TEST(AuthorizerTest, ClinicianScopeIsTheBoundClinics) {
  v1::GetPatientRequest get;
  get.set_patient_id(kPatientA);
  auto owner = Check(Who(v1::ROLE_CLINICIAN, {kClinicA}), "tractus.v1.PatientService/GetPatient", get);
  ASSERT_THAT(owner, IsOk());
  EXPECT_FALSE(owner->target_missing);
  EXPECT_EQ(owner->owner.clinic_id, kClinicA);
  EXPECT_EQ(owner->owner.patient_id, kPatientA);
  // Another clinic's clinician sees "not found", as for a missing patient.
  EXPECT_THAT(Check(Who(v1::ROLE_CLINICIAN, {kClinicB}), "tractus.v1.PatientService/GetPatient", get),
              StatusIs(absl::StatusCode::kNotFound));
  // A missing patient: the call may go ahead (the domain answers NOT_FOUND)
  // but its result is authorized again.
  get.set_patient_id("pt_cccccccccccccccccccccccccccccccc");
  auto missing =
      Check(Who(v1::ROLE_CLINICIAN, {kClinicA}), "tractus.v1.PatientService/GetPatient", get);
  ASSERT_THAT(missing, IsOk());
  EXPECT_TRUE(missing->target_missing);
  get.set_patient_id("garbage");
  EXPECT_THAT(Check(Who(v1::ROLE_CLINICIAN, {kClinicA}), "tractus.v1.PatientService/GetPatient", get),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AuthorizerTest, RolesOutsideTheRowAreDenied) {
  v1::GetPatientRequest get;
  get.set_patient_id(kPatientA);
  for (v1::Role role : {v1::ROLE_ADMINISTRATOR, v1::ROLE_ANALYST, v1::ROLE_PATIENT, v1::ROLE_DEVICE}) {
    EXPECT_THAT(Check(Who(role, {kClinicA}, kPatientA), "tractus.v1.PatientService/GetPatient", get),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << v1::Role_Name(role);
  }
}

TEST(AuthorizerTest, PatientSeesOnlyOwnEpisode) {
  v1::GetEpisodeProgressRequest progress;
  progress.set_episode_id(kEpisodeA);
  EXPECT_THAT(Check(Who(v1::ROLE_PATIENT, {}, kPatientA),
                    "tractus.v1.OutcomeService/GetEpisodeProgress", progress),
              IsOk());
  EXPECT_THAT(Check(Who(v1::ROLE_PATIENT, {}, "pt_dddddddddddddddddddddddddddddddd"),
                    "tractus.v1.OutcomeService/GetEpisodeProgress", progress),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(AuthorizerTest, AnalystCohortScope) {
  v1::GetCohortOutcomesRequest cohort;
  EXPECT_THAT(Check(Who(v1::ROLE_ANALYST), "tractus.v1.OutcomeService/GetCohortOutcomes", cohort),
              IsOk());
  cohort.add_clinic_ids(kClinicB);
  EXPECT_THAT(Check(Who(v1::ROLE_ANALYST), "tractus.v1.OutcomeService/GetCohortOutcomes", cohort),
              IsOk());
  EXPECT_THAT(Check(Who(v1::ROLE_ANALYST, {kClinicA}),
                    "tractus.v1.OutcomeService/GetCohortOutcomes", cohort),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(AuthorizerTest, ARuleAppliedToTheWrongRequestTypeRefuses) {
  v1::GetEpisodeRequest wrong_type;
  wrong_type.set_episode_id(kEpisodeA);
  EXPECT_THAT(Check(Who(v1::ROLE_CLINICIAN, {kClinicA}), "tractus.v1.PatientService/GetPatient",
                    wrong_type),
              StatusIs(absl::StatusCode::kInternal));
}

TEST(AuthorizerTest, EveryRuleIsUniqueAndNamesARole) {
  std::map<std::string, int> seen;
  for (const Rule& rule : Rules()) {
    EXPECT_EQ(++seen[std::string(rule.method)], 1) << rule.method;
    EXPECT_TRUE(rule.is_public || rule.roles != 0) << rule.method;
  }
}

}  // namespace
}  // namespace tractus::security
