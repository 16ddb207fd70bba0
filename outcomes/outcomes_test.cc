#include "outcomes/outcomes.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "absl/synchronization/notification.h"
#include "analytics/disclosure.h"
#include "common/status_matchers.h"
#include "device_gateway/gateway_test_util.h"
#include "outcomes/summary_snapshot.h"

namespace tractus::outcomes {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

// The gateway fixture's clinic is in America/Chicago; its episode starts
// 2026-11-02 (plan: 20 sessions, 5 a week, 400 N); "now" is 2026-11-27
// 15:00 UTC = 09:00 local, day 25 (week 3).
class OutcomesTest : public device_gateway::GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    outcomes_ = std::make_unique<Outcomes>(store_.get(), records_.get(), uploads_.get(), &clock_);
    records_->SetListener(outcomes_.get());
  }

  absl::Time Day(int day, int hour_local = 19) {
    absl::TimeZone chicago;
    absl::LoadTimeZone("America/Chicago", &chicago);
    return absl::FromCivil(absl::CivilSecond(2026, 11, 2 + day, hour_local, 0, 0), chicago);
  }

  void Pain(const std::string& episode_id, int day, int value) {
    v1::SubmitHomeReportRequest r;
    r.set_episode_id(episode_id);
    r.set_report_id("pain-" + std::to_string(day));
    *r.mutable_effective_time() = records::ToProto(Day(day));
    r.set_pain_nprs(value);
    ASSERT_THAT(records_->SubmitHomeReport(r), IsOk());
  }

  // A finished 30-second session on `day`, optionally with a patient stop.
  void Session(int day, bool stop) {
    v1::Device device = EnrollDevice(clinic_id_);
    v1::SessionHeader h = Header("sess-" + std::to_string(day), Day(day, 10));
    // Uploaded now by a table whose clock is right.
    *h.mutable_device_send_time() = records::ToProto(clock_.Now());
    auto opened = uploads_->OpenSession(device, h);
    ASSERT_THAT(opened, IsOk());
    v1::TelemetryChunk chunk = Chunk(0, 300);
    if (stop) {
      auto* e = chunk.add_events();
      e->set_kind(v1::SESSION_EVENT_KIND_PATIENT_STOP);
      e->set_offset_ms(10000);
    }
    ASSERT_TRUE(uploads_->StoreChunk(*opened, chunk)->has_chunk_ack());
    v1::SessionEnd end;
    end.set_chunk_count(1);
    end.set_outcome(stop ? v1::SESSION_OUTCOME_ABORTED : v1::SESSION_OUTCOME_COMPLETED);
    if (stop) end.set_abort_reason("patient stop");
    ASSERT_THAT(uploads_->FinishSession(*opened, end), IsOk());
  }

  v1::EpisodeProgress Progress() {
    v1::GetEpisodeProgressRequest req;
    req.set_episode_id(episode_id_);
    auto resp = outcomes_->GetEpisodeProgress(req);
    EXPECT_THAT(resp, IsOk());
    return resp->progress();
  }

  void TearDown() override { records_->SetListener(nullptr); }

  // Stops everything as tractusd does at shutdown and starts it again on
  // the same data dir.
  void Restart() {
    records_->SetListener(nullptr);
    outcomes_.reset();
    uploads_.reset();
    devices_.reset();
    records_.reset();
    ASSERT_THAT(store_->Close(), IsOk());
    store_ = *storage::Store::Open(dir_.path(), storage::StoreOptions{.sync_writes = false});
    records_ = std::make_unique<records::Records>(store_.get(), &clock_);
    devices_ = std::make_unique<device_gateway::Devices>(store_.get(), &clock_);
    uploads_ = std::make_unique<device_gateway::Uploads>(store_.get(), &clock_, records_.get(),
                                                         device_gateway::UploadConfig{});
    outcomes_ = std::make_unique<Outcomes>(store_.get(), records_.get(), uploads_.get(), &clock_);
    records_->SetListener(outcomes_.get());
  }

  // What tractusd's shutdown does: once nothing writes (alert work done),
  // the cohort summaries go to `path`.
  void SaveAsAtShutdown(const std::string& path) {
    outcomes_->Stop();
    ASSERT_THAT(outcomes_->SaveCohortSummaries(path), IsOk());
  }

  // Decodes the snapshot at `path`, lets `edit` change it, writes it back.
  static void EditSnapshot(const std::string& path,
                           const std::function<void(SummarySnapshot&)>& edit) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto snapshot = DecodeSummarySnapshot(bytes);
    ASSERT_THAT(snapshot, IsOk());
    edit(*snapshot);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << EncodeSummarySnapshot(*snapshot);
  }

  // Twelve more herniated-disc patients with five weeks of pain reports;
  // the clock moves to day 39, so weeks 0..4 are over.
  // Enough episodes that every protected count (true count -2..+2) stays
  // at 11 or more.
  void SixteenCourses() {
    clock_.Advance(absl::Hours(24 * 14));
    for (int i = 0; i < 16; ++i) {
      const std::string e = MakeEpisode(clinic_id_, "c" + std::to_string(i));
      for (int day = 0; day <= 33; day += 3) Pain(e, day, std::max(1, 7 - day / 3 - i % 3));
    }
  }

  std::unique_ptr<Outcomes> outcomes_;
};

TEST_F(OutcomesTest, ProgressOfARespondingPatient) {
  // Pain 7 at day 0 falling by one point every four days to 2 on day 20,
  // reported 19:00 local.
  for (int day = 0; day <= 20; day += 4) Pain(episode_id_, day, 7 - day / 4);
  for (int day : {1, 2, 3, 4, 8, 9, 10, 11, 15, 16, 17, 18}) Session(day, false);
  v1::EpisodeProgress p = Progress();
  EXPECT_EQ(p.today_day(), 25);
  EXPECT_EQ(p.current_week(), 3);
  ASSERT_EQ(p.measures_size(), 1);
  const v1::MeasureProgress& nprs = p.measures(0);
  EXPECT_EQ(nprs.instrument(), v1::INSTRUMENT_NPRS);
  EXPECT_EQ(nprs.baseline(), 7);
  EXPECT_EQ(nprs.latest(), 2);
  EXPECT_EQ(nprs.change_points(), -5);
  EXPECT_TRUE(nprs.responder());
  EXPECT_FALSE(nprs.recovered());
  // Pain is read by weekly medians: week 0 (day 4: 6) is 1 point better,
  // weeks 1 (5, 4: 4.5) and 2 (3, 2: 2.5) at least 2: sustained from week 1.
  EXPECT_EQ(nprs.first_sustained_response_week(), 1);
  EXPECT_EQ(nprs.baseline_source().rule(), v1::BASELINE_RULE_PRE_TREATMENT);
  EXPECT_EQ(nprs.baseline_source().observation_id(), "pain-0");
  EXPECT_EQ(nprs.baseline_source().day(), 0);
  EXPECT_NEAR(nprs.trend().theil_sen_per_week(), -7.0 / 4, 1e-9);
  EXPECT_EQ(nprs.week12_projection(), 0);  // clamped to the scale
  EXPECT_EQ(p.course().sessions_done(), 12);
  EXPECT_EQ(p.course().planned_to_date(), 15);  // weeks 0-2 at 5 a week
  EXPECT_NEAR(p.course().adherence_to_date(), 0.8, 1e-9);
  EXPECT_GT(p.course().traction_dose_newton_seconds(), 0);
  // Last home report on day 20: under 7 days. Adherence 80 %. No alerts.
  for (const auto& a : p.alerts()) ADD_FAILURE() << "unexpected alert: " << a.summary();
}

TEST_F(OutcomesTest, WorseningStopsAndSilenceRaiseAlerts) {
  Pain(episode_id_, 0, 5);
  Pain(episode_id_, 10, 7);
  Pain(episode_id_, 11, 8);
  Session(22, true);
  v1::EpisodeProgress p = Progress();
  std::vector<v1::AlertKind> kinds;
  for (const auto& a : p.alerts()) kinds.push_back(a.kind());
  // Most severe first: worsening (high), patient stop (high), adherence
  // (medium: 1 of 15), no home report since day 11 (low).
  EXPECT_EQ(kinds, (std::vector<v1::AlertKind>{
                       v1::ALERT_KIND_PATIENT_STOP, v1::ALERT_KIND_WORSENING,
                       v1::ALERT_KIND_LOW_ADHERENCE, v1::ALERT_KIND_NO_HOME_REPORT}));
  const v1::Alert& worsening = p.alerts(1);
  EXPECT_EQ(worsening.severity(), v1::ALERT_SEVERITY_HIGH);
  EXPECT_EQ(worsening.evidence(0).label(), "baseline");
  EXPECT_EQ(worsening.evidence(2).value(), 8);
  EXPECT_EQ(records::FromProto(worsening.raise_time()), Day(11));
  EXPECT_EQ(worsening.episode_id(), episode_id_);

  // A new report back near baseline clears the worsening alert at once.
  Pain(episode_id_, 24, 5);
  const v1::EpisodeProgress after = Progress();
  for (const auto& a : after.alerts()) EXPECT_NE(a.kind(), v1::ALERT_KIND_WORSENING);
}

TEST_F(OutcomesTest, AKeptViewFollowsTheClockAndNewData) {
  Pain(episode_id_, 0, 6);
  Pain(episode_id_, 20, 5);
  Session(19, false);
  const v1::EpisodeProgress first = Progress();  // now kept
  EXPECT_EQ(first.today_day(), 25);
  EXPECT_EQ(first.course().sessions_done(), 1);
  EXPECT_EQ(first.alerts_size(), 1);  // adherence only: 1 of 15

  // Time passes with no new data: the day, the adherence to date and the
  // silence alert move with the clock.
  clock_.Advance(absl::Hours(24 * 3));
  const v1::EpisodeProgress later = Progress();
  EXPECT_EQ(later.today_day(), 28);
  EXPECT_EQ(later.current_week(), 4);
  EXPECT_EQ(later.course().planned_to_date(), 20);
  std::vector<v1::AlertKind> kinds;
  for (const auto& a : later.alerts()) kinds.push_back(a.kind());
  EXPECT_EQ(kinds, (std::vector<v1::AlertKind>{v1::ALERT_KIND_LOW_ADHERENCE,
                                               v1::ALERT_KIND_NO_HOME_REPORT}));

  // A finished session and a new report show at once.
  Session(27, false);
  Pain(episode_id_, 27, 3);
  const v1::EpisodeProgress fresh = Progress();
  EXPECT_EQ(fresh.course().sessions_done(), 2);
  EXPECT_EQ(fresh.measures(0).latest(), 3);
  EXPECT_EQ(fresh.measures(0).count(), 3);
}

TEST_F(OutcomesTest, ClinicPatientsRankedByUrgencyWithPages) {
  // Three more patients of the clinic: a quiet one, one with only a stale
  // report (low) and one worsening (high).
  const std::string quiet = MakeEpisode(clinic_id_, "quiet");
  const std::string stale = MakeEpisode(clinic_id_, "stale");
  const std::string worse = MakeEpisode(clinic_id_, "worse");
  for (const std::string& e : {quiet, stale, worse, episode_id_}) Pain(e, 0, 5);
  Pain(quiet, 24, 5);
  Pain(worse, 23, 8);
  Pain(worse, 24, 8);
  Pain(episode_id_, 24, 4);  // the fixture's patient: recent report, quiet too
  // Nobody has sessions, so everyone is under 75 % adherence (medium); the
  // worsening patient also has a high alert; the stale one a low one too.
  v1::ListClinicAlertsRequest req;
  req.set_clinic_id(clinic_id_);
  req.set_page_size(2);
  auto first = outcomes_->ListClinicAlerts(req);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->patients_size(), 2);
  EXPECT_EQ(first->patients(0).episode_id(), worse);
  EXPECT_EQ(first->patients(0).highest_severity(), v1::ALERT_SEVERITY_HIGH);
  EXPECT_EQ(first->patients(1).episode_id(), stale);  // medium + low: 2 alerts
  ASSERT_FALSE(first->next_page_token().empty());
  req.set_page_token(first->next_page_token());
  auto second = outcomes_->ListClinicAlerts(req);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->patients_size(), 2);
  EXPECT_TRUE(second->next_page_token().empty());
  req.set_page_token("garbage");
  EXPECT_THAT(outcomes_->ListClinicAlerts(req), StatusIs(absl::StatusCode::kInvalidArgument));
}

// A subscriber's alerts as its listener drains them.
class AlertCollector {
 public:
  // Subscribes to `clinic_id`'s alerts; they are collected from then on.
  absl::StatusOr<std::shared_ptr<AlertHub::Subscription>> Subscribe(Outcomes& outcomes,
                                                                    const std::string& clinic_id) {
    v1::StreamClinicAlertsRequest req;
    req.set_clinic_id(clinic_id);
    auto subscription = outcomes.SubscribeClinicAlerts(req, [this] {
      absl::MutexLock lock(&mu_);
      if (subscription_ == nullptr) return;
      while (auto a = subscription_->TryNext()) alerts_.push_back(*a);
    });
    if (subscription.ok()) {
      absl::MutexLock lock(&mu_);
      subscription_ = *subscription;
    }
    return subscription;
  }
  std::vector<v1::AlertKind> kinds() {
    absl::MutexLock lock(&mu_);
    std::vector<v1::AlertKind> out;
    for (const auto& a : alerts_) out.push_back(a.kind());
    return out;
  }
  std::vector<v1::Alert> alerts() {
    absl::MutexLock lock(&mu_);
    return alerts_;
  }

 private:
  absl::Mutex mu_;
  std::shared_ptr<AlertHub::Subscription> subscription_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::Alert> alerts_ ABSL_GUARDED_BY(mu_);
};

TEST_F(OutcomesTest, NewAlertsAreStreamedAsDataArrives) {
  AlertCollector collector;
  auto subscription = collector.Subscribe(*outcomes_, clinic_id_);
  ASSERT_THAT(subscription, IsOk());
  // Raise a worsening alert with two reports. The hub's worker tells the
  // listener before WaitForAlerts returns.
  for (int day : {0, 23}) Pain(episode_id_, day, day == 0 ? 4 : 7);
  outcomes_->WaitForAlerts();
  Pain(episode_id_, 24, 8);  // the second consecutive high report
  outcomes_->WaitForAlerts();
  Pain(episode_id_, 24, 8);  // a replay: no new data, no new alert
  outcomes_->WaitForAlerts();
  const std::vector<v1::AlertKind> kinds = collector.kinds();
  // The first report raised "low adherence" (no sessions) once; the second
  // high report raised worsening once. Nothing is announced twice.
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), v1::ALERT_KIND_WORSENING), 1);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), v1::ALERT_KIND_LOW_ADHERENCE), 1);
  for (const auto& a : collector.alerts()) EXPECT_EQ(a.episode_id(), episode_id_);
  // Stopping closes the subscription (the stream then ends UNAVAILABLE).
  outcomes_->Stop();
  EXPECT_TRUE((*subscription)->closed());
  v1::StreamClinicAlertsRequest req;
  req.set_clinic_id(clinic_id_);
  EXPECT_THAT(outcomes_->SubscribeClinicAlerts(req, nullptr),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(OutcomesTest, AlertStateSurvivesARestartWithoutRepeats) {
  Pain(episode_id_, 0, 4);
  outcomes_->WaitForAlerts();
  // A new Outcomes (as after a restart) knows what was already announced.
  records_->SetListener(nullptr);
  outcomes_ = std::make_unique<Outcomes>(store_.get(), records_.get(), uploads_.get(), &clock_);
  records_->SetListener(outcomes_.get());
  AlertCollector collector;
  // The precondition: the subscriber listens before the new data arrives
  // (else "no repeat" would pass for a late subscriber).
  ASSERT_THAT(collector.Subscribe(*outcomes_, clinic_id_), IsOk());
  Pain(episode_id_, 5, 4);  // new data, same alerts in force: nothing to push
  outcomes_->WaitForAlerts();
  // Then a new alert (two high reports: worsening). Alerts arrive in order,
  // so a repeat pushed for day 5 would be here before it.
  Pain(episode_id_, 23, 7);
  Pain(episode_id_, 24, 8);
  outcomes_->WaitForAlerts();
  EXPECT_THAT(collector.kinds(), ::testing::ElementsAre(v1::ALERT_KIND_WORSENING));
}

TEST_F(OutcomesTest, CohortOutcomesSuppressSmallCellsAndCountEpisodes) {
  SixteenCourses();
  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_HERNIATED_DISC);
  auto resp = outcomes_->GetCohortOutcomes(req);
  ASSERT_THAT(resp, IsOk());
  const v1::CohortOutcomes& c = resp->outcomes();
  // Protected counts: the true count moved by -2..2 (docs/disclosure.md).
  EXPECT_EQ(c.disclosure().method(), "tractus-cell-key");
  EXPECT_EQ(c.disclosure().version(), 1);
  EXPECT_NEAR(c.episodes(), 17, 2);  // and the fixture's episode, without data
  EXPECT_NEAR(c.analysed(), 16, 2);
  // Week 4 is over for all 16 (and they all responded); weeks 8 and 12 are
  // not: withheld, never pooled with week 4.
  ASSERT_EQ(c.responder_rates_size(), 3);
  EXPECT_EQ(c.responder_rates(0).week(), 4);
  ASSERT_TRUE(c.responder_rates(0).has_per_protocol());
  EXPECT_NEAR(c.responder_rates(0).per_protocol_patients(), 16, 2);
  // The numerator moves by less than kRateNumeratorNoise of 16.
  EXPECT_GE(c.responder_rates(0).per_protocol().estimate(),
            1 - analytics::kRateNumeratorNoise / 16);
  EXPECT_NEAR(c.responder_rates(0).intention_to_treat_patients(), 16, 2);
  EXPECT_FALSE(c.responder_rates(1).has_intention_to_treat());
  EXPECT_FALSE(c.responder_rates(2).has_intention_to_treat());
  EXPECT_FALSE(c.weeks(0).suppressed());
  EXPECT_NEAR(c.weeks(0).patients(), 16, 2);
  EXPECT_TRUE(c.weeks(5).suppressed());  // week 5 is not over
  EXPECT_GT(c.suppressed_cells(), 0);
  EXPECT_EQ(c.suppressed_cells(), c.disclosure().withheld_size());
  EXPECT_THAT(c.disclosure().withheld(), ::testing::Contains("weeks[5]"));
  // The same data, the same answer.
  EXPECT_EQ(outcomes_->GetCohortOutcomes(req)->outcomes().SerializeAsString(),
            c.SerializeAsString());
  // New data shows in the next cohort (the episode's summary is recomputed).
  Pain(episode_id_, 0, 8);
  Pain(episode_id_, 21, 2);
  EXPECT_NEAR(outcomes_->GetCohortOutcomes(req)->outcomes().analysed(), 17, 2);
  req.set_condition(v1::CONDITION_SPINAL_STENOSIS);
  EXPECT_FALSE(outcomes_->GetCohortOutcomes(req)->outcomes().has_episodes());
  req.set_condition(v1::CONDITION_UNSPECIFIED);
  EXPECT_THAT(outcomes_->GetCohortOutcomes(req), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(OutcomesTest, CohortSummariesAreKeptAcrossACleanRestartOfTheSameStore) {
  SixteenCourses();
  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_HERNIATED_DISC);
  auto before = outcomes_->GetCohortOutcomes(req);
  ASSERT_THAT(before, IsOk());
  const auto week4 = [](const v1::GetCohortOutcomesResponse& r) {
    return r.outcomes().responder_rates(0).per_protocol().estimate();
  };
  ASSERT_GE(week4(*before), 1 - analytics::kRateNumeratorNoise / 16);
  const std::string path = dir_.path() + "/cohort-summaries";
  SaveAsAtShutdown(path);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // What the snapshot says is what the next start serves: make every
  // episode a non-responder at week 4 in the file, then restart.
  EditSnapshot(path, [](SummarySnapshot& snapshot) {
    ASSERT_EQ(snapshot.summaries.size(), 17u);
    for (auto& [id, summary] : snapshot.summaries) summary.weekly[4] = summary.baseline;
  });
  Restart();
  std::string why;
  EXPECT_EQ(outcomes_->LoadCohortSummaries(path, &why), 17u) << why;
  EXPECT_EQ(outcomes_->cohort_summaries_cached(), 17u);
  EXPECT_FALSE(std::filesystem::exists(path));  // used once
  EXPECT_LE(week4(*outcomes_->GetCohortOutcomes(req)), analytics::kRateNumeratorNoise / 16);

  // Nothing is taken once the store changed after the save.
  SaveAsAtShutdown(path);
  Pain(episode_id_, 0, 8);
  Restart();
  EXPECT_EQ(outcomes_->LoadCohortSummaries(path, &why), 0u);
  EXPECT_THAT(why, HasSubstr("changed"));
  EXPECT_EQ(outcomes_->cohort_summaries_cached(), 0u);
  auto after = outcomes_->GetCohortOutcomes(req);
  ASSERT_THAT(after, IsOk());
  EXPECT_GE(week4(*after), 1 - analytics::kRateNumeratorNoise / 16);  // computed again

  // Nor from another build, nor when there is no file.
  SaveAsAtShutdown(path);
  Restart();
  EditSnapshot(path, [](SummarySnapshot& snapshot) { snapshot.build_id = "another"; });
  EXPECT_EQ(outcomes_->LoadCohortSummaries(path, &why), 0u);
  EXPECT_THAT(why, HasSubstr("another build"));
  EXPECT_EQ(outcomes_->LoadCohortSummaries(path, &why), 0u);
  EXPECT_THAT(why, HasSubstr("no snapshot"));
}

TEST_F(OutcomesTest, SimilarPatientsNeedElevenCompletedEpisodesAfterProtection) {
  Pain(episode_id_, 0, 6);
  Pain(episode_id_, 9, 4);
  auto similar = [&] { return Progress().similar_patients(); };
  EXPECT_EQ(similar().baseline_band(), "moderate");
  EXPECT_FALSE(similar().sufficient());
  EXPECT_EQ(similar().similar_episodes(), 0);
  // Fourteen completed moderate herniated-disc courses that fell 3 points
  // (14 - 2 >= 11: shown whatever the noise).
  for (int i = 0; i < 14; ++i) {
    const std::string e = MakeEpisode(clinic_id_, "done" + std::to_string(i));
    for (int day = 0; day <= 14; day += 1) Pain(e, day, day < 7 ? 6 : 3);
    v1::CloseEpisodeRequest close;
    close.set_episode_id(e);
    close.set_reason(v1::CLOSE_REASON_COMPLETED);
    ASSERT_THAT(records_->CloseEpisode(close), IsOk());
  }
  v1::SimilarPatients s = similar();
  EXPECT_NEAR(s.similar_episodes(), 14, 2);
  ASSERT_TRUE(s.sufficient());
  EXPECT_EQ(s.disclosure().method(), "tractus-cell-key");
  // Week 1: similar patients changed by -3 (a protected mean of 14: within
  // 10 / 14); this patient by 4 - 6 = -2.
  EXPECT_EQ(s.residual_week(), 1);
  EXPECT_NEAR(s.residual(), 1.0, 10.0 / 14);

  // The reference moves only once 11 episodes joined or left it: one more
  // completed course (pain up 4, which would move the mean) changes nothing
  // a clinician of another clinic could difference; ten more move it.
  const auto complete = [&](const std::string& tag, int pain) {
    const std::string e = MakeEpisode(clinic_id_, tag);
    for (int day = 0; day <= 14; day += 1) Pain(e, day, day < 7 ? 5 : pain);
    v1::CloseEpisodeRequest close;
    close.set_episode_id(e);
    close.set_reason(v1::CLOSE_REASON_COMPLETED);
    ASSERT_THAT(records_->CloseEpisode(close), IsOk());
  };
  complete("one-more", 9);
  EXPECT_EQ(similar().SerializeAsString(), s.SerializeAsString());
  for (int i = 0; i < 9; ++i) complete("batch" + std::to_string(i), 9);
  EXPECT_EQ(similar().SerializeAsString(), s.SerializeAsString());  // 10 joined
  complete("eleventh", 9);
  const v1::SimilarPatients moved = similar();
  EXPECT_NE(moved.SerializeAsString(), s.SerializeAsString());
  EXPECT_NEAR(moved.similar_episodes(), 25, 2);
}

TEST(SymmetricDifferenceTest, CountsUpToTheLimit) {
  EXPECT_EQ(SymmetricDifferenceUpTo({1, 2, 3}, {1, 2, 3}, 11), 0u);
  EXPECT_EQ(SymmetricDifferenceUpTo({1, 2, 3}, {2, 3, 4}, 11), 2u);
  EXPECT_EQ(SymmetricDifferenceUpTo({}, {5, 6}, 11), 2u);
  EXPECT_EQ(SymmetricDifferenceUpTo({1, 3, 5, 7}, {2, 4, 6, 8}, 3), 3u);
}

TEST_F(OutcomesTest, UnknownEpisodeIsNotFound) {
  v1::GetEpisodeProgressRequest req;
  req.set_episode_id("ep_00000000000000000000000000000000");
  EXPECT_THAT(outcomes_->GetEpisodeProgress(req), StatusIs(absl::StatusCode::kNotFound));
  req.set_episode_id("bad");
  EXPECT_THAT(outcomes_->GetEpisodeProgress(req), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace tractus::outcomes
