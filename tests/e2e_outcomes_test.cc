// OutcomeService end to end over real gRPC on loopback: progress, ranked
// alerts, the alert stream, cohort outcomes.
#include <filesystem>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "records/time_proto.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::testing {
namespace {

class OutcomesE2eTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
    episode_id_ = gw_->MakeEpisode("o", &clinic_id_);
    stub_ = v1::OutcomeService::NewStub(
        TestChannel(server_->address(), keys_.clinician));
  }

  // Pain reported from home at 19:00 Chicago time on episode day `day`
  // (the fixture's episodes start 2026-11-02; "now" is day 25).
  void Pain(const std::string& episode_id, int day, int value) {
    absl::TimeZone chicago;
    absl::LoadTimeZone("America/Chicago", &chicago);
    v1::SubmitHomeReportRequest r;
    r.set_episode_id(episode_id);
    r.set_report_id("pain-" + std::to_string(day));
    *r.mutable_effective_time() = records::ToProto(
        absl::FromCivil(absl::CivilSecond(2026, 11, 2 + day, 19, 0, 0), chicago));
    r.set_pain_nprs(value);
    auto resp = gw_->records().Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                                    gw_->records().home_reports(), r);
    ASSERT_TRUE(resp.ok()) << resp.status();
  }

  // The clinic's alert stream, subscribed (its initial metadata is the
  // acknowledgement: every alert raised from now on comes).
  std::unique_ptr<grpc::ClientReader<v1::StreamClinicAlertsResponse>> OpenAlertStream(
      grpc::ClientContext* ctx) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::StreamClinicAlertsRequest req;
    req.set_clinic_id(clinic_id_);
    auto reader = stub_->StreamClinicAlerts(ctx, req);
    reader->WaitForInitialMetadata();
    return reader;
  }

  std::unique_ptr<GatewayClient> gw_;
  std::unique_ptr<v1::OutcomeService::Stub> stub_;
  std::string clinic_id_;
  std::string episode_id_;
};

TEST_F(OutcomesE2eTest, ProgressOverGrpc) {
  for (int day = 0; day <= 24; day += 2) Pain(episode_id_, day, std::max(2, 7 - day / 4));
  v1::GetEpisodeProgressRequest req;
  req.set_episode_id(episode_id_);
  auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetEpisodeProgress, stub_.get(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  const v1::EpisodeProgress& p = resp->progress();
  EXPECT_EQ(p.today_day(), 25);
  ASSERT_EQ(p.measures_size(), 1);
  EXPECT_EQ(p.measures(0).baseline(), 7);
  EXPECT_EQ(p.measures(0).latest(), 2);
  EXPECT_TRUE(p.measures(0).responder());
  EXPECT_LT(p.measures(0).trend().theil_sen_per_week(), 0);
  ASSERT_EQ(p.measures(0).weeks_size(), 13);
  EXPECT_EQ(p.course().sessions_planned(), 20);
  ASSERT_TRUE(p.has_similar_patients());
  EXPECT_FALSE(p.similar_patients().sufficient());  // no completed episodes yet
  // The only alert: no sessions at all (adherence).
  ASSERT_EQ(p.alerts_size(), 1);
  EXPECT_EQ(p.alerts(0).kind(), v1::ALERT_KIND_LOW_ADHERENCE);

  req.set_episode_id("ep_00000000000000000000000000000000");
  EXPECT_EQ(gw_->records().Call(&v1::OutcomeService::Stub::GetEpisodeProgress, stub_.get(), req)
                .status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OutcomesE2eTest, AlertStreamPushesNewAlertsAndRankingFollows) {
  grpc::ClientContext ctx;
  auto reader = OpenAlertStream(&ctx);
  absl::Mutex mu;
  std::vector<v1::Alert> received;
  std::thread read([&] {
    v1::StreamClinicAlertsResponse resp;
    while (reader->Read(&resp)) {
      absl::MutexLock lock(&mu);
      received.push_back(resp.alert());
    }
  });
  Pain(episode_id_, 0, 4);
  Pain(episode_id_, 22, 7);
  Pain(episode_id_, 23, 8);  // worsening: two consecutive reports >= baseline + 2
  {
    absl::MutexLock lock(&mu);
    auto has_worsening = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
      for (const auto& a : received) {
        if (a.kind() == v1::ALERT_KIND_WORSENING) return true;
      }
      return false;
    };
    mu.AwaitWithTimeout(absl::Condition(&has_worsening), absl::Seconds(10));
    EXPECT_TRUE(has_worsening());
  }
  ctx.TryCancel();
  read.join();
  reader->Finish();

  v1::ListClinicAlertsRequest list;
  list.set_clinic_id(clinic_id_);
  auto ranked = gw_->records().Call(&v1::OutcomeService::Stub::ListClinicAlerts, stub_.get(), list);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_EQ(ranked->patients_size(), 1);
  EXPECT_EQ(ranked->patients(0).highest_severity(), v1::ALERT_SEVERITY_HIGH);

  v1::StreamClinicAlertsRequest bad;
  bad.set_clinic_id("cl_00000000000000000000000000000000");
  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto missing = stub_->StreamClinicAlerts(&ctx2, bad);
  v1::StreamClinicAlertsResponse nothing;
  EXPECT_FALSE(missing->Read(&nothing));
  EXPECT_EQ(missing->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

// A stopping server ends open alert streams UNAVAILABLE with a retry delay
// (a clinic's board reconnects), not OK (which reads as "no more alerts"),
// and does not wait for its grace period to do so.
TEST_F(OutcomesE2eTest, AlertStreamsEndUnavailableWhenTheServerStops) {
  grpc::ClientContext ctx;
  auto reader = OpenAlertStream(&ctx);
  const auto stopping = std::chrono::steady_clock::now();
  std::thread stop([&] { EXPECT_TRUE(server_->Shutdown(absl::Seconds(20)).ok()); });
  v1::StreamClinicAlertsResponse resp;
  while (reader->Read(&resp)) {
  }
  const grpc::Status status = reader->Finish();
  stop.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_GT(RetryDelay(status), absl::ZeroDuration());
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(10));
}

TEST_F(OutcomesE2eTest, CohortOverGrpcSuppressesSmallCohorts) {
  for (int i = 0; i < 5; ++i) {
    std::string unused;
    const std::string e = gw_->MakeEpisode("k" + std::to_string(i), &unused);
    for (int day = 0; day <= 14; day += 2) Pain(e, day, 6 - day / 4);
  }
  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_SCIATICA);
  auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetCohortOutcomes, stub_.get(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  const v1::CohortOutcomes& c = resp->outcomes();
  // 6 and 5 episodes: under 11 whatever the -2..2 perturbation, withheld
  // and named.
  EXPECT_FALSE(c.has_episodes());
  EXPECT_FALSE(c.has_analysed());
  EXPECT_THAT(c.disclosure().withheld(), ::testing::IsSupersetOf({"episodes", "analysed"}));
  for (const auto& r : c.responder_rates()) {  // 5 < 11: suppressed
    EXPECT_FALSE(r.has_per_protocol());
    EXPECT_FALSE(r.has_intention_to_treat());
  }
  for (const auto& w : c.weeks()) EXPECT_TRUE(w.suppressed());
  EXPECT_FALSE(c.has_dose_response_spearman());
  req.mutable_start_from()->set_month(13);
  EXPECT_EQ(gw_->records().Call(&v1::OutcomeService::Stub::GetCohortOutcomes, stub_.get(), req)
                .status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OutcomesE2eTest, CohortSummariesOutliveACleanRestart) {
  for (int i = 0; i < 12; ++i) {
    std::string unused;
    const std::string e = gw_->MakeEpisode("k" + std::to_string(i), &unused);
    for (int day = 0; day <= 14; day += 2) Pain(e, day, 6 - day / 4 - i % 2);
  }
  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_SCIATICA);
  const auto cohort = [&] {
    auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetCohortOutcomes, stub_.get(), req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? resp->outcomes().SerializeAsString() : "";
  };
  const std::string before = cohort();
  const std::string snapshot =
      (data_dir_.empty() ? dir_.path() + "/data" : data_dir_) + "/cohort-summaries";
  Stop();
  EXPECT_TRUE(std::filesystem::exists(snapshot));  // saved by the clean stop
  Start();
  EXPECT_FALSE(std::filesystem::exists(snapshot));  // taken by the start
  stub_ = v1::OutcomeService::NewStub(TestChannel(server_->address(), keys_.clinician));
  gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
  EXPECT_EQ(cohort(), before);
  // Restored summaries still follow new data.
  Pain(episode_id_, 0, 8);
  Pain(episode_id_, 14, 1);
  EXPECT_NE(cohort(), before);
}

}  // namespace
}  // namespace tractus::testing
