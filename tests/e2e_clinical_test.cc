// Worked clinical scenarios over real gRPC on loopback, one for each rule
// that used to say something clinically false (docs/outcomes.md): a day-0
// session's pre/post pain, a one-visit "response", relapse after a
// response, pain at the ceiling, a tapering plan attended in full, a
// cohort of episodes at different stages, and alerts that read the same
// twice. Expected values are worked by hand in the comments.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "analytics/disclosure.h"
#include "gmock/gmock.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::testing {
namespace {

// The fixture's clock: 2026-11-27 15:00 UTC = 09:00 in Chicago.
const absl::CivilDay kToday(2026, 11, 27);

class ClinicalE2eTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    absl::LoadTimeZone("America/Chicago", &chicago_);
    gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
    auto clinic = CreateClinicFor(server_->address(), keys_,
                                  records::testing::ClinicRequest("clinical"));
    ASSERT_TRUE(clinic.ok()) << clinic.status();
    clinic_id_ = clinic->clinic().clinic_id();
    table_ = gw_->Enroll(clinic_id_, "CLIN-1");
    stub_ = v1::OutcomeService::NewStub(TestChannel(server_->address(), keys_.clinician));
  }

  // An episode whose day 0 is `days_ago` days before today, with the
  // fixture's plan (20 sessions, 5 a week) unless `weekly` is given.
  std::string NewEpisode(const std::string& tag, int days_ago, std::vector<int> weekly = {},
                         v1::Condition condition = v1::CONDITION_SCIATICA) {
    auto patient = gw_->records().Call(&v1::PatientService::Stub::CreatePatient,
                                       gw_->records().patients(),
                                       records::testing::PatientRequest(clinic_id_, tag));
    EXPECT_TRUE(patient.ok()) << patient.status();
    v1::CreateEpisodeRequest req =
        records::testing::EpisodeRequest(patient->patient().patient_id(), tag, condition);
    const absl::CivilDay start = kToday - days_ago;
    req.mutable_episode()->mutable_start_date()->set_year(static_cast<int>(start.year()));
    req.mutable_episode()->mutable_start_date()->set_month(start.month());
    req.mutable_episode()->mutable_start_date()->set_day(start.day());
    if (!weekly.empty()) {
      v1::TreatmentPlan* plan = req.mutable_episode()->mutable_plan();
      plan->clear_sessions_planned();
      plan->clear_sessions_per_week();
      for (int n : weekly) plan->add_weekly_sessions(n);
    }
    auto episode = gw_->records().Call(&v1::EpisodeService::Stub::CreateEpisode,
                                       gw_->records().episodes(), req);
    EXPECT_TRUE(episode.ok()) << episode.status();
    starts_[episode->episode().episode_id()] = start;
    return episode->episode().episode_id();
  }

  absl::Time Local(const std::string& episode_id, int day, int hour) {
    return absl::FromCivil(absl::CivilSecond(starts_.at(episode_id) + day) + hour * 3600,
                           chicago_);
  }

  // Home pain reports (day -> value) at 20:00 local, in one batch.
  void Pain(const std::string& episode_id, const std::map<int, int>& values) {
    v1::RecordObservationsRequest req;
    req.set_episode_id(episode_id);
    for (const auto& [day, value] : values) {
      v1::ObservationInput* in = req.add_observations();
      in->set_observation_id(absl::StrCat("pain-", day));
      in->set_instrument(v1::INSTRUMENT_NPRS);
      *in->mutable_effective_time() = records::ToProto(Local(episode_id, day, 20));
      in->set_source(v1::SOURCE_HOME);
      in->set_value(value);
    }
    auto resp = gw_->records().Call(&v1::ObservationService::Stub::RecordObservations,
                                    gw_->records().observations(), req);
    ASSERT_TRUE(resp.ok()) << resp.status();
  }

  std::map<int, int> Days(int from, int to, int value) {
    std::map<int, int> out;
    for (int day = from; day <= to; ++day) out[day] = value;
    return out;
  }

  // A 30-second session at 10:00 local on `day`, with the pain typed at the
  // table's console before and after.
  void Session(const std::string& episode_id, const std::string& session_id, int day,
               std::optional<int> pre = std::nullopt, std::optional<int> post = std::nullopt) {
    auto ctx = GatewayClient::Context(table_);
    auto stream = gw_->device()->UploadSession(ctx.get());
    v1::UploadSessionRequest m;
    v1::UploadSessionResponse r;
    *m.mutable_header() =
        GatewayClient::Header(session_id, episode_id, Local(episode_id, day, 10), clock_.Now());
    ASSERT_TRUE(stream->Write(m) && stream->Read(&r));
    last_session_id_ = r.header_ack().server_session_id();
    m.Clear();
    *m.mutable_chunk() = GatewayClient::Chunk(0, 300);
    ASSERT_TRUE(stream->Write(m) && stream->Read(&r));
    m.Clear();
    v1::SessionEnd* end = m.mutable_end();
    end->set_chunk_count(1);
    end->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
    if (pre) end->set_pre_session_pain(*pre);
    if (post) end->set_post_session_pain(*post);
    ASSERT_TRUE(stream->Write(m) && stream->Read(&r));
    stream->WritesDone();
    grpc::Status s = stream->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::EpisodeProgress Progress(const std::string& episode_id) {
    v1::GetEpisodeProgressRequest req;
    req.set_episode_id(episode_id);
    auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetEpisodeProgress, stub_.get(), req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp->progress();
  }

  // A reference into `p`: never of a temporary.
  static const v1::MeasureProgress& Nprs(v1::EpisodeProgress&&) = delete;
  static const v1::MeasureProgress& Nprs(const v1::EpisodeProgress& p) {
    for (const auto& m : p.measures()) {
      if (m.instrument() == v1::INSTRUMENT_NPRS) return m;
    }
    ADD_FAILURE() << "no NPRS";
    return p.measures(0);
  }

  static std::vector<v1::AlertKind> Kinds(const v1::EpisodeProgress& p) {
    std::vector<v1::AlertKind> kinds;
    for (const auto& a : p.alerts()) kinds.push_back(a.kind());
    return kinds;
  }

  absl::TimeZone chicago_;
  std::unique_ptr<GatewayClient> gw_;
  std::unique_ptr<v1::OutcomeService::Stub> stub_;
  std::string clinic_id_;
  std::string table_;
  std::string last_session_id_;  // the server's id of the last session Session() uploaded
  std::map<std::string, absl::CivilDay> starts_;
};

using ::testing::Contains;
using ::testing::Not;

// Pre 7 / post 4 at the first session on day 0 (10:00), a home report of 4
// that evening, then 6, 6: the baseline is the pre-session 7 (neither the
// post-session 4 nor the evening's, both after treatment began), so 6 is
// no worsening; 7 -> 5 is a responder; the 3-point drop is the session's
// immediate effect, not part of the course.
TEST_F(ClinicalE2eTest, DayZeroSessionPrePostPain) {
  const std::string e = NewEpisode("day0", 25);
  Session(e, "d0-s1", 0, 7, 4);
  Pain(e, {{0, 4}, {1, 6}, {2, 6}});
  v1::EpisodeProgress p = Progress(e);
  const v1::MeasureProgress& pain = Nprs(p);
  EXPECT_EQ(pain.baseline(), 7);
  EXPECT_EQ(pain.baseline_source().rule(), v1::BASELINE_RULE_PRE_TREATMENT);
  EXPECT_EQ(pain.baseline_source().observation_id(), "session." + last_session_id_ + ".pre");
  EXPECT_EQ(pain.baseline_source().day(), 0);
  EXPECT_EQ(pain.count(), 4);  // pre 7, 4, 6, 6: the post value is not a course assessment
  EXPECT_THAT(Kinds(p), Not(Contains(v1::ALERT_KIND_WORSENING)));
  const v1::ImmediateEffect& effect = p.course().immediate_effect();
  ASSERT_EQ(effect.sessions_size(), 1);
  EXPECT_EQ(effect.sessions(0).pre_session_pain(), 7);
  EXPECT_EQ(effect.sessions(0).post_session_pain(), 4);
  EXPECT_EQ(effect.mean_relief(), 3);

  Pain(e, {{3, 5}, {4, 5}});
  p = Progress(e);
  EXPECT_EQ(Nprs(p).latest(), 5);
  EXPECT_TRUE(Nprs(p).responder());  // 7 -> 5: 2 points
}

// One session's pre 5 / post 4 against a baseline of 7, pain back at 7 the
// next days: no sustained response (week 0's median is 7).
TEST_F(ClinicalE2eTest, OneVisitIsNotASustainedResponse) {
  const std::string e = NewEpisode("visit", 25);
  Pain(e, {{-1, 7}});
  Session(e, "v-s1", 1, 5, 4);
  Pain(e, Days(2, 20, 7));
  const v1::EpisodeProgress p = Progress(e);
  const v1::MeasureProgress& pain = Nprs(p);
  EXPECT_EQ(pain.baseline(), 7);
  EXPECT_FALSE(pain.has_first_sustained_response_week());
  EXPECT_EQ(pain.sustained_rule(), v1::SUSTAINED_RULE_WEEKLY_MEDIANS);
}

// 8 -> 2 -> 7: no worsening (7 < 8 + 2) but a relapse, raised by day 14's
// report, which brought week 2's median 5 points above the best week's 2.
TEST_F(ClinicalE2eTest, RelapseAfterAResponse) {
  const std::string e = NewEpisode("relapse", 25);
  Pain(e, {{-1, 8}});
  Pain(e, Days(1, 13, 2));
  Pain(e, Days(14, 20, 7));
  v1::EpisodeProgress p = Progress(e);
  EXPECT_EQ(Nprs(p).first_sustained_response_week(), 0);
  EXPECT_THAT(Kinds(p), Contains(v1::ALERT_KIND_RELAPSE));
  EXPECT_THAT(Kinds(p), Not(Contains(v1::ALERT_KIND_WORSENING)));
  for (const v1::Alert& a : p.alerts()) {
    if (a.kind() != v1::ALERT_KIND_RELAPSE) continue;
    EXPECT_EQ(a.severity(), v1::ALERT_SEVERITY_HIGH);
    EXPECT_EQ(records::FromProto(a.raise_time()), Local(e, 14, 20));
  }
}

// A baseline of 9 and two days of 10: the ceiling alert (the worsening
// rule has no room above 9).
TEST_F(ClinicalE2eTest, PainAtTheCeiling) {
  const std::string e = NewEpisode("ceiling", 25);
  Pain(e, {{-1, 9}, {3, 10}, {4, 10}});
  v1::EpisodeProgress p = Progress(e);
  EXPECT_THAT(Kinds(p), Contains(v1::ALERT_KIND_PAIN_AT_CEILING));
  EXPECT_THAT(Kinds(p), Not(Contains(v1::ALERT_KIND_WORSENING)));
}

// ODI from home: 30 % before treatment (sections summing to 15 of 50),
// then 42 % and 44 % on two later days (12 and 14 points worse, over the
// ODI's MCID of 10): a disability-worsening alert with the baseline and
// both days as evidence.
TEST_F(ClinicalE2eTest, DisabilityWorseningByTheMcid) {
  const std::string e = NewEpisode("odi", 25);
  const auto odi = [&](int day, std::vector<int> sections) {
    v1::SubmitHomeReportRequest r;
    r.set_episode_id(e);
    r.set_report_id(absl::StrCat("odi-", day));
    *r.mutable_effective_time() = records::ToProto(Local(e, day, 19));
    v1::OdiAnswers* a = r.mutable_odi();
    a->set_pain_intensity(sections[0]); a->set_personal_care(sections[1]);
    a->set_lifting(sections[2]); a->set_walking(sections[3]); a->set_sitting(sections[4]);
    a->set_standing(sections[5]); a->set_sleeping(sections[6]); a->set_sex_life(sections[7]);
    a->set_social_life(sections[8]); a->set_travelling(sections[9]);
    auto resp = gw_->records().Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                                    gw_->records().home_reports(), r);
    ASSERT_TRUE(resp.ok()) << resp.status();
  };
  odi(-1, {2, 2, 2, 2, 2, 1, 1, 1, 1, 1});  // 15 / 50 = 30 %
  odi(7, {3, 3, 2, 2, 2, 2, 2, 2, 2, 1});   // 21 / 50 = 42 %
  v1::EpisodeProgress p = Progress(e);
  EXPECT_THAT(Kinds(p), Not(Contains(v1::ALERT_KIND_DISABILITY_WORSENING)));  // one day
  odi(14, {3, 3, 3, 2, 2, 2, 2, 2, 2, 1});  // 22 / 50 = 44 %
  p = Progress(e);
  ASSERT_THAT(Kinds(p), Contains(v1::ALERT_KIND_DISABILITY_WORSENING));
  for (const v1::Alert& a : p.alerts()) {
    if (a.kind() != v1::ALERT_KIND_DISABILITY_WORSENING) continue;
    ASSERT_EQ(a.evidence_size(), 3);
    EXPECT_EQ(a.evidence(0).label(), "baseline");
    EXPECT_NEAR(a.evidence(0).value(), 30, 1e-9);
    EXPECT_NEAR(a.evidence(1).value(), 42, 1e-9);
    EXPECT_NEAR(a.evidence(2).value(), 44, 1e-9);
    EXPECT_EQ(records::FromProto(a.raise_time()), Local(e, 14, 19));
  }
}

// A 5, 3, 2, 2, 1, 1, 1, 1 course attended in full is 100 % adherent at
// day 28 (12 of the 12 scheduled in weeks 0-3); read as 16 sessions at 5 a
// week it would have been 12 of 16 and raised a low-adherence alert.
TEST_F(ClinicalE2eTest, TaperingPlanAttendedInFull) {
  const std::string e = NewEpisode("taper", 25, {5, 3, 2, 2, 1, 1, 1, 1});
  const v1::Episode episode = Progress(e).episode();
  EXPECT_EQ(episode.plan().sessions_planned(), 16);  // the server's sum
  EXPECT_EQ(episode.plan().sessions_per_week(), 5);  // the largest week
  int n = 0;
  for (int day : {0, 1, 2, 3, 4, 7, 9, 11, 14, 16, 21, 23}) {
    Session(e, absl::StrCat("t-", n++), day);
  }
  clock_.Advance(absl::Hours(24 * 3));  // day 28: weeks 0-3 are over
  Pain(e, Days(0, 27, 5));
  v1::EpisodeProgress p = Progress(e);
  EXPECT_EQ(p.today_day(), 28);
  EXPECT_EQ(p.course().planned_to_date(), 12);
  EXPECT_EQ(p.course().adherence_to_date(), 1.0);
  EXPECT_EQ(p.course().weeks(1).planned(), 3);
  EXPECT_EQ(p.course().weeks(4).planned(), 1);
  EXPECT_THAT(Kinds(p), Not(Contains(v1::ALERT_KIND_LOW_ADHERENCE)));
}

// Two reads with no new data in between, hours apart, are the same answer
// (alerts included: no evidence carries the time of asking).
TEST_F(ClinicalE2eTest, TwoReadsWithoutNewDataAreIdentical) {
  const std::string e = NewEpisode("stable", 25);
  Pain(e, {{-1, 5}, {2, 5}, {10, 7}, {11, 8}});
  Session(e, "st-1", 1, 5, 3);
  const v1::EpisodeProgress first = Progress(e);
  ASSERT_GE(first.alerts_size(), 3);  // worsening, low adherence, no home report
  clock_.Advance(absl::Hours(5));
  const v1::EpisodeProgress second = Progress(e);
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString())
      << first.DebugString() << "\nvs\n" << second.DebugString();
}

// Fourteen completed courses (day 0 was 100 days ago) and fourteen episodes
// on day 20 (weeks 0 and 1 over): weeks 4, 8 and 12 count only the
// completed ones; week 1 counts all 28, week 2 (not over for the young) 14;
// dose-response is taken at week 12. Figures are protected (counts move by
// -2..2, a rate's numerator by less than 2.8; docs/disclosure.md): 14 keeps
// every count at 11 or more.
TEST_F(ClinicalE2eTest, CohortOfMixedStagesIsAnchoredInTime) {
  for (int i = 0; i < 14; ++i) {
    const std::string old = NewEpisode(absl::StrCat("old", i), 100);
    std::map<int, int> pain = Days(1, 90, i < 9 ? 3 : 7);
    pain[-1] = 7;
    Pain(old, pain);
    const std::string young = NewEpisode(absl::StrCat("young", i), 20);
    std::map<int, int> early = Days(1, 19, 4);
    early[-1] = 7;
    Pain(young, early);
  }
  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_SCIATICA);
  auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetCohortOutcomes, stub_.get(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  const v1::CohortOutcomes& c = resp->outcomes();
  EXPECT_NEAR(c.episodes(), 28, 2);
  EXPECT_NEAR(c.analysed(), 28, 2);
  ASSERT_EQ(c.responder_rates_size(), 3);
  for (const v1::ResponderRateAtWeek& r : c.responder_rates()) {
    // 9 of the 14 old episodes fell from 7 to 3; the young ones (all
    // responders so far) are not at week 4 yet: pooled, the rate would be
    // 23 / 28.
    EXPECT_NEAR(r.intention_to_treat_patients(), 14, 2) << r.week();
    EXPECT_NEAR(r.per_protocol_patients(), 14, 2) << r.week();
    EXPECT_NEAR(r.per_protocol().estimate(), 9.0 / 14, analytics::kRateNumeratorNoise / 14)
        << r.week();
  }
  EXPECT_NEAR(c.weeks(1).patients(), 28, 2);
  EXPECT_NEAR(c.weeks(2).patients(), 14, 2);
  EXPECT_EQ(c.dose_response_week(), 12);
}

}  // namespace
}  // namespace tractus::testing
