// End to end over real gRPC on loopback: the clinician's and the patient
// app's path, bad input, idempotent replay, restart persistence, limits.
#include <grpcpp/generic/generic_stub.h>

#include <future>

#include "common/status_matchers.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "records/time_proto.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

using ::testing::HasSubstr;

class RecordsE2eTest : public ServerFixture {
 protected:
  template <typename Stub, typename Req, typename Resp>
  grpc::Status Raw(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                   Stub* stub, const Req& req, Resp* resp,
                   absl::Duration deadline = absl::Seconds(10)) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(deadline));
    return (stub->*method)(&ctx, req, resp);
  }

  std::string CreateClinic() {
    v1::CreateClinicRequest req;
    req.set_request_id("clinic-e2e");
    req.mutable_clinic()->set_display_name("Riverside Decompression");
    req.mutable_clinic()->set_time_zone("America/Denver");
    auto resp = ServerFixture::CreateClinic(req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp->clinic().clinic_id();
  }

  v1::CreatePatientRequest PatientReq(const std::string& clinic_id) {
    v1::CreatePatientRequest req;
    req.set_request_id("patient-e2e");
    v1::Patient* p = req.mutable_patient();
    p->set_clinic_id(clinic_id);
    p->mutable_identity()->set_given_name("Noor");
    p->mutable_identity()->set_family_name("Haddad");
    p->mutable_identity()->mutable_birth_date()->set_year(1964);
    p->mutable_identity()->mutable_birth_date()->set_month(7);
    p->mutable_identity()->mutable_birth_date()->set_day(2);
    p->mutable_identity()->set_sex(v1::SEX_FEMALE);
    p->mutable_identity()->set_zip_code("80202");
    p->mutable_identity()->set_mrn("RS-77812");
    return req;
  }

  std::string CreateEpisode(const std::string& patient_id) {
    v1::CreateEpisodeRequest req;
    req.set_request_id("episode-e2e");
    v1::Episode* e = req.mutable_episode();
    e->set_patient_id(patient_id);
    e->add_conditions(v1::CONDITION_SPINAL_STENOSIS);
    e->mutable_start_date()->set_year(2026);
    e->mutable_start_date()->set_month(10);
    e->mutable_start_date()->set_day(5);
    e->mutable_plan()->set_sessions_planned(20);
    e->mutable_plan()->set_sessions_per_week(4);
    e->mutable_plan()->set_target_max_force_newtons(356);
    e->mutable_plan()->set_session_minutes(25);
    auto resp = client_->Call(&v1::EpisodeService::Stub::CreateEpisode, client_->episodes(), req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp->episode().episode_id();
  }

  google::protobuf::Timestamp Day(int day, int hour = 18) {
    // 2026-10-05 00:00 in Denver is 06:00 UTC.
    return records::ToProto(absl::FromCivil(absl::CivilSecond(2026, 10, 5, hour, 0, 0),
                                            absl::UTCTimeZone()) +
                            absl::Hours(24 * day));
  }

  std::vector<v1::Observation> List(const std::string& episode_id) {
    v1::ListObservationsRequest req;
    req.set_episode_id(episode_id);
    req.set_page_size(1000);
    auto resp = client_->Call(&v1::ObservationService::Stub::ListObservations,
                              client_->observations(), req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return {resp->observations().begin(), resp->observations().end()};
  }

  std::string HealthStatus() {
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice empty("");  // HealthCheckRequest{service: ""} encodes to no bytes
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                   &response, [&](grpc::Status s) { done.set_value(s); });
    grpc::Status s = done.get_future().get();
    if (!s.ok()) return "error " + s.error_message();
    std::vector<grpc::Slice> slices;
    (void)response.Dump(&slices);
    std::string bytes;
    for (const auto& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    return bytes == std::string("\x08\x01", 2) ? "SERVING" : "not serving";
  }
};

TEST_F(RecordsE2eTest, ClinicianAndPatientPathReadsBack) {
  const std::string clinic_id = CreateClinic();
  auto patient = client_->Call(&v1::PatientService::Stub::CreatePatient, client_->patients(),
                               PatientReq(clinic_id));
  ASSERT_TRUE(patient.ok()) << patient.status();
  const std::string patient_id = patient->patient().patient_id();
  const std::string episode_id = CreateEpisode(patient_id);

  // The clinician records a baseline ODI (one section skipped) and exams.
  v1::RecordObservationsRequest rec;
  rec.set_episode_id(episode_id);
  v1::ObservationInput* odi = rec.add_observations();
  odi->set_observation_id("odi-baseline");
  odi->set_instrument(v1::INSTRUMENT_ODI);
  *odi->mutable_effective_time() = Day(0, 16);
  odi->set_source(v1::SOURCE_CLINIC);
  for (auto setter : {&v1::OdiAnswers::set_pain_intensity, &v1::OdiAnswers::set_personal_care,
                      &v1::OdiAnswers::set_lifting, &v1::OdiAnswers::set_walking,
                      &v1::OdiAnswers::set_sitting, &v1::OdiAnswers::set_standing,
                      &v1::OdiAnswers::set_sleeping, &v1::OdiAnswers::set_social_life,
                      &v1::OdiAnswers::set_travelling}) {
    (odi->mutable_odi()->*setter)(2);
  }
  v1::ObservationInput* slr = rec.add_observations();
  slr->set_observation_id("slr-baseline");
  slr->set_instrument(v1::INSTRUMENT_STRAIGHT_LEG_RAISE);
  *slr->mutable_effective_time() = Day(0, 16);
  slr->set_source(v1::SOURCE_CLINIC);
  slr->set_laterality(v1::LATERALITY_RIGHT);
  slr->set_value(48);
  auto recorded = client_->Call(&v1::ObservationService::Stub::RecordObservations,
                                client_->observations(), rec);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_DOUBLE_EQ(recorded->results(0).observation().value(), 40.0);  // 18 / 45
  EXPECT_EQ(recorded->results(0).observation().items_answered(), 9);

  // The patient reports pain from home for a week.
  for (int day = 0; day < 7; ++day) {
    v1::SubmitHomeReportRequest report;
    report.set_episode_id(episode_id);
    report.set_report_id("pain-" + std::to_string(day));
    *report.mutable_effective_time() = Day(day);
    report.set_pain_nprs(7 - day / 2);
    auto resp = client_->Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                              client_->home_reports(), report);
    ASSERT_TRUE(resp.ok()) << resp.status();
    EXPECT_EQ(resp->observation().source(), v1::SOURCE_HOME);
  }

  std::vector<v1::Observation> all = List(episode_id);
  ASSERT_EQ(all.size(), 9u);
  // Ordered by instrument then time: NPRS (1) first, ODI (2), SLR (8).
  EXPECT_EQ(all[0].instrument(), v1::INSTRUMENT_NPRS);
  EXPECT_EQ(all[0].value(), 7);
  EXPECT_EQ(all[7].instrument(), v1::INSTRUMENT_ODI);
  EXPECT_TRUE(all[7].has_odi());
  EXPECT_FALSE(all[7].odi().has_sex_life());
  EXPECT_EQ(all[8].laterality(), v1::LATERALITY_RIGHT);

  v1::GetPatientRequest get;
  get.set_patient_id(patient_id);
  auto back = client_->Call(&v1::PatientService::Stub::GetPatient, client_->patients(), get);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->patient().identity().mrn(), "RS-77812");
  EXPECT_EQ(back->patient().clinic_id(), clinic_id);
}

TEST_F(RecordsE2eTest, BadInputNamesTheFieldAndWritesNothing) {
  const std::string clinic_id = CreateClinic();
  auto patient = *client_->Call(&v1::PatientService::Stub::CreatePatient,
                                client_->patients(), PatientReq(clinic_id));
  const std::string episode_id = CreateEpisode(patient.patient().patient_id());

  v1::RecordObservationsRequest rec;
  rec.set_episode_id(episode_id);
  for (int i = 0; i < 3; ++i) {
    v1::ObservationInput* in = rec.add_observations();
    in->set_observation_id("nprs-" + std::to_string(i));
    in->set_instrument(v1::INSTRUMENT_NPRS);
    *in->mutable_effective_time() = Day(i);
    in->set_source(v1::SOURCE_HOME);
    in->set_value(i == 2 ? 12 : 5);
  }
  v1::RecordObservationsResponse resp;
  grpc::Status s = Raw(&v1::ObservationService::Stub::RecordObservations,
                       client_->observations(), rec, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  google::rpc::BadRequest bad;
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "observations[2].value");
  EXPECT_THAT(bad.field_violations(0).description(), HasSubstr("0..10"));

  EXPECT_TRUE(List(episode_id).empty());
  EXPECT_EQ(HealthStatus(), "SERVING");
}

TEST_F(RecordsE2eTest, UnknownIdsAreNotFound) {
  v1::GetEpisodeRequest get;
  get.set_episode_id("ep_00000000000000000000000000000000");
  v1::GetEpisodeResponse resp;
  EXPECT_EQ(Raw(&v1::EpisodeService::Stub::GetEpisode, client_->episodes(), get, &resp)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListPatientsRequest list;
  list.set_clinic_id("cl_00000000000000000000000000000000");
  v1::ListPatientsResponse list_resp;
  EXPECT_EQ(Raw(&v1::PatientService::Stub::ListPatients, client_->patients(), list, &list_resp)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(RecordsE2eTest, ReplayedCreatesReturnTheFirstResult) {
  const std::string clinic_id = CreateClinic();
  EXPECT_EQ(CreateClinic(), clinic_id);
  auto first = *client_->Call(&v1::PatientService::Stub::CreatePatient, client_->patients(),
                              PatientReq(clinic_id));
  auto again = *client_->Call(&v1::PatientService::Stub::CreatePatient, client_->patients(),
                              PatientReq(clinic_id));
  EXPECT_EQ(first.patient().patient_id(), again.patient().patient_id());
  v1::ListPatientsRequest list;
  list.set_clinic_id(clinic_id);
  EXPECT_EQ(client_->Call(&v1::PatientService::Stub::ListPatients, client_->patients(), list)
                ->patients_size(),
            1);
}

TEST_F(RecordsE2eTest, EverythingSurvivesARestart) {
  const std::string clinic_id = CreateClinic();
  auto patient = *client_->Call(&v1::PatientService::Stub::CreatePatient,
                                client_->patients(), PatientReq(clinic_id));
  const std::string episode_id = CreateEpisode(patient.patient().patient_id());
  v1::SubmitHomeReportRequest report;
  report.set_episode_id(episode_id);
  report.set_report_id("pain-0");
  *report.mutable_effective_time() = Day(0);
  report.set_pain_nprs(6);
  ASSERT_TRUE(client_->Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                            client_->home_reports(), report)
                  .ok());

  Restart();

  v1::GetPatientRequest get;
  get.set_patient_id(patient.patient().patient_id());
  auto back = client_->Call(&v1::PatientService::Stub::GetPatient, client_->patients(), get);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->patient().identity().family_name(), "Haddad");
  auto obs = List(episode_id);
  ASSERT_EQ(obs.size(), 1u);
  EXPECT_EQ(obs[0].value(), 6);
  // The idempotency record survived too: a replay is recognised.
  auto replay = client_->Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                              client_->home_reports(), report);
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed());
}

TEST_F(RecordsE2eTest, OversizeRequestIsRejectedAndServerGoesOn) {
  v1::RecordObservationsRequest huge;
  huge.set_episode_id("ep_00000000000000000000000000000000");
  for (int i = 0; i < 500; ++i) {
    v1::ObservationInput* in = huge.add_observations();
    in->set_observation_id(std::string(120, 'x') + std::to_string(i));
    for (int a = 0; a < 5; ++a) {
      in->mutable_psfs()->add_activities()->set_activity(std::string(1000, 'a'));
    }
  }
  ASSERT_GT(huge.ByteSizeLong(), static_cast<size_t>(max_receive_message_bytes_));
  v1::RecordObservationsResponse resp;
  EXPECT_EQ(Raw(&v1::ObservationService::Stub::RecordObservations, client_->observations(),
                huge, &resp)
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(HealthStatus(), "SERVING");
}

TEST_F(RecordsE2eTest, ExpiredDeadlineIsDeadlineExceeded) {
  v1::ListClinicsRequest req;
  v1::ListClinicsResponse resp;
  EXPECT_EQ(Raw(&v1::ClinicService::Stub::ListClinics, client_->clinics(), req, &resp,
                absl::Milliseconds(-1))
                .error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(RecordsE2eTest, AbsurdPageSizeIsInvalidAndHugeIsClamped) {
  v1::ListClinicsRequest req;
  req.set_page_size(-5);
  v1::ListClinicsResponse resp;
  EXPECT_EQ(Raw(&v1::ClinicService::Stub::ListClinics, client_->clinics(), req, &resp)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  req.set_page_size(2000000000);
  EXPECT_TRUE(Raw(&v1::ClinicService::Stub::ListClinics, client_->clinics(), req, &resp).ok());
  req.set_page_size(10);
  req.set_page_token("bm90IGEgdG9rZW4");
  EXPECT_EQ(Raw(&v1::ClinicService::Stub::ListClinics, client_->clinics(), req, &resp)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace tractus::testing
