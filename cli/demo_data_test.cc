// The demo must pass the server's own validation, so check it with the same
// pure validators the server uses.
#include "cli/demo_data.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "records/civil_date.h"
#include "records/observation_input.h"
#include "records/validation.h"

namespace tractus::cli {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 27, 2, 30, 0),
                                        absl::UTCTimeZone());

TEST(DemoDataTest, DeterministicForASeedAndDay) {
  DemoClinic a = MakeDemoClinic(7, 5, kNow);
  DemoClinic b = MakeDemoClinic(7, 5, kNow + absl::Minutes(1));
  ASSERT_EQ(a.patients.size(), 5u);
  EXPECT_EQ(a.clinic.request_id(), b.clinic.request_id());
  EXPECT_EQ(a.patients[1].home_reports.size(), b.patients[1].home_reports.size());
  EXPECT_EQ(a.patients[1].patient.SerializeAsString(), b.patients[1].patient.SerializeAsString());
  DemoClinic other = MakeDemoClinic(8, 5, kNow);
  EXPECT_NE(a.clinic.request_id(), other.clinic.request_id());
}

TEST(DemoDataTest, EveryRequestPassesServerValidation) {
  DemoClinic demo = MakeDemoClinic(7, 8, kNow);
  Violations clinic_v;
  records::CheckClinic("clinic", demo.clinic.clinic(), clinic_v);
  EXPECT_TRUE(clinic_v.empty());
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone(kDemoTimeZone, &zone));
  for (const DemoPatient& p : demo.patients) {
    Violations v;
    records::CheckIdentity("identity", p.patient.patient().identity(), kNow, v);
    records::CheckEpisode("episode", p.episode.episode(), kNow, v);
    const records::ObservationContext ctx{
        records::StartOfDay(p.episode.episode().start_date(), zone), kNow, nullptr};
    for (const auto& in : p.measures) records::CheckObservationInput("m", in, ctx, v);
    for (const auto& report : p.home_reports) {
      EXPECT_NE(report.report_case(), v1::SubmitHomeReportRequest::REPORT_NOT_SET);
      EXPECT_LE(report.effective_time().seconds(), absl::ToUnixSeconds(kNow));
    }
    for (const auto& fv : v.list()) ADD_FAILURE() << fv.field << ": " << fv.description;
    EXPECT_GT(p.home_reports.size(), 50u);  // daily pain and weekly questionnaires
    EXPECT_GT(p.measures.size(), 30u);       // exams and steps
  }
  EXPECT_EQ(demo.patients[3].close_reason, v1::CLOSE_REASON_LOST_TO_FOLLOW_UP);
}

}  // namespace
}  // namespace tractus::cli
