// A catalogue of malformed and hostile requests over a real server. Each
// asserts its exact status code (and field, for INVALID_ARGUMENT), then that
// the server still answers its health check and that nothing stored changed.
#include <cmath>
#include <functional>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gmock/gmock.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::testing {
namespace {

struct Case {
  std::string name;
  std::function<grpc::Status()> call;
  grpc::StatusCode code;
  std::string field;  // first BadRequest field, for INVALID_ARGUMENT
};

std::string FirstField(const grpc::Status& s) {
  google::rpc::Status details;
  if (!details.ParseFromString(s.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      return bad.field_violations(0).field();
    }
  }
  return "";
}

class BadInputCatalogueTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
    episode_id_ = gw_->MakeEpisode("bad", &clinic_id_);
    credential_ = gw_->Enroll(clinic_id_, "BAD-1");
    gw_->MakeEpisode("other", &other_clinic_id_);
    outcomes_ = v1::OutcomeService::NewStub(
        TestChannel(server_->address(), keys_.clinician));
    // Some stored data to protect: an observation and a finalized session.
    v1::RecordObservationsRequest rec;
    rec.set_episode_id(episode_id_);
    *rec.add_observations() = Nprs("stored-1", 5);
    ASSERT_TRUE(Unary(&v1::ObservationService::Stub::RecordObservations,
                      cli().observations(), rec).ok());
  }

  cli::Client& cli() { return gw_->records(); }

  template <typename Stub, typename Req, typename Resp>
  grpc::Status Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                     Stub* stub, const Req& req, const std::string& credential = "",
                     absl::Duration deadline = absl::Seconds(10)) {
    auto ctx = GatewayClient::Context(credential, deadline);
    Resp resp;
    return (stub->*method)(ctx.get(), req, &resp);
  }

  v1::ObservationInput Nprs(const std::string& id, double value) {
    v1::ObservationInput in;
    in.set_observation_id(id);
    in.set_instrument(v1::INSTRUMENT_NPRS);
    *in.mutable_effective_time() = records::ToProto(FixedNow() - absl::Hours(24));
    in.set_source(v1::SOURCE_CLINIC);
    in.set_value(value);
    return in;
  }

  grpc::Status Record(std::function<void(v1::ObservationInput&)> mutate, int copies = 1) {
    v1::RecordObservationsRequest rec;
    rec.set_episode_id(episode_id_);
    for (int i = 0; i < copies; ++i) {
      v1::ObservationInput in = Nprs("new-" + std::to_string(i), 4);
      mutate(in);
      *rec.add_observations() = in;
    }
    return Unary(&v1::ObservationService::Stub::RecordObservations, cli().observations(), rec);
  }

  grpc::Status Patient(std::function<void(v1::CreatePatientRequest&)> mutate) {
    v1::CreatePatientRequest req = records::testing::PatientRequest(clinic_id_, "p-new");
    mutate(req);
    return Unary(&v1::PatientService::Stub::CreatePatient, cli().patients(), req);
  }

  grpc::Status Episode(std::function<void(v1::CreateEpisodeRequest&)> mutate) {
    v1::CreateEpisodeRequest req =
        records::testing::EpisodeRequest("pt_00000000000000000000000000000000", "e-new",
                                         v1::CONDITION_SCIATICA);
    mutate(req);
    return Unary(&v1::EpisodeService::Stub::CreateEpisode, cli().episodes(), req);
  }

  // Opens an upload stream, sends `messages`, closes; the stream's status.
  grpc::Status Upload(const std::string& credential,
                      const std::vector<v1::UploadSessionRequest>& messages) {
    auto ctx = GatewayClient::Context(credential);
    auto stream = gw_->device()->UploadSession(ctx.get());
    for (const auto& m : messages) {
      if (!stream->Write(m)) break;
    }
    stream->WritesDone();
    v1::UploadSessionResponse resp;
    while (stream->Read(&resp)) {
    }
    return stream->Finish();
  }

  v1::UploadSessionRequest HeaderMsg(std::function<void(v1::SessionHeader&)> mutate) {
    v1::UploadSessionRequest r;
    *r.mutable_header() = GatewayClient::Header("s-bad", episode_id_,
                                                FixedNow() - absl::Minutes(40), FixedNow());
    mutate(*r.mutable_header());
    return r;
  }

  // Everything stored, read back through the API.
  std::string Snapshot() {
    std::string out;
    v1::ListClinicsRequest clinics;
    out += cli().Call(&v1::ClinicService::Stub::ListClinics, cli().clinics(), clinics)
               ->SerializeAsString();
    for (const std::string& clinic : {clinic_id_, other_clinic_id_}) {
      v1::ListPatientsRequest patients;
      patients.set_clinic_id(clinic);
      auto listed = cli().Call(&v1::PatientService::Stub::ListPatients, cli().patients(), patients);
      out += listed->SerializeAsString();
      for (const auto& p : listed->patients()) {
        v1::ListEpisodesRequest episodes;
        episodes.set_patient_id(p.patient_id());
        out += cli().Call(&v1::EpisodeService::Stub::ListEpisodes, cli().episodes(), episodes)
                   ->SerializeAsString();
      }
    }
    v1::ListObservationsRequest obs;
    obs.set_episode_id(episode_id_);
    out += cli().Call(&v1::ObservationService::Stub::ListObservations, cli().observations(), obs)
               ->SerializeAsString();
    v1::ListSessionsRequest sessions;
    sessions.set_episode_id(episode_id_);
    out += cli().Call(&v1::SessionService::Stub::ListSessions, gw_->sessions(), sessions)
               ->SerializeAsString();
    v1::ListDevicesRequest devices;
    devices.set_clinic_id(clinic_id_);
    out += cli().Call(&v1::DeviceAdminService::Stub::ListDevices, gw_->admin(), devices)
               ->SerializeAsString();
    return out;
  }

  bool Healthy() {
    auto channel = TestChannel(server_->address(), keys_.clinician);
    return channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)) &&
           cli().Call(&v1::ClinicService::Stub::ListClinics, cli().clinics(),
                      v1::ListClinicsRequest())
               .ok();
  }

  std::unique_ptr<GatewayClient> gw_;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes_;
  std::string clinic_id_, other_clinic_id_, episode_id_, credential_;
};

TEST_F(BadInputCatalogueTest, EveryHostileRequestGetsItsExactStatus) {
  using C = grpc::StatusCode;
  const std::string kNoEpisode = "ep_00000000000000000000000000000000";
  std::vector<Case> cases = {
      // Clinics.
      {"clinic without request_id", [&] {
         auto r = records::testing::ClinicRequest("x");
         r.clear_request_id();
         return Unary(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "request_id"},
      {"request_id with a slash", [&] {
         auto r = records::testing::ClinicRequest("x");
         r.set_request_id("../../etc");
         return Unary(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "request_id"},
      {"clinic in an unknown time zone", [&] {
         auto r = records::testing::ClinicRequest("x");
         r.mutable_clinic()->set_time_zone("Mars/Olympus");
         return Unary(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "clinic.time_zone"},
      {"clinic name of 10 kB", [&] {
         auto r = records::testing::ClinicRequest("x");
         r.mutable_clinic()->set_display_name(std::string(10000, 'a'));
         return Unary(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "clinic.display_name"},
      {"malformed clinic id", [&] {
         v1::GetClinicRequest r;
         r.set_clinic_id("cl_' OR 1=1 --");
         return Unary(&v1::ClinicService::Stub::GetClinic, cli().clinics(), r);
       }, C::INVALID_ARGUMENT, "clinic_id"},
      {"unknown clinic", [&] {
         v1::GetClinicRequest r;
         r.set_clinic_id("cl_00000000000000000000000000000000");
         return Unary(&v1::ClinicService::Stub::GetClinic, cli().clinics(), r);
       }, C::NOT_FOUND, ""},
      {"negative page size", [&] {
         v1::ListClinicsRequest r;
         r.set_page_size(-1);
         return Unary(&v1::ClinicService::Stub::ListClinics, cli().clinics(), r);
       }, C::INVALID_ARGUMENT, "page_size"},
      {"forged page token", [&] {
         v1::ListClinicsRequest r;
         r.set_page_token("AAAAAAAAAAAAAAAAAAAAAAAA");
         return Unary(&v1::ClinicService::Stub::ListClinics, cli().clinics(), r);
       }, C::INVALID_ARGUMENT, "page_token"},
      // Patients.
      {"patient without identity", [&] {
         return Patient([](auto& r) { r.mutable_patient()->clear_identity(); });
       }, C::INVALID_ARGUMENT, "patient.identity"},
      {"born in the future", [&] {
         return Patient([](auto& r) {
           r.mutable_patient()->mutable_identity()->mutable_birth_date()->set_year(2099);
         });
       }, C::INVALID_ARGUMENT, "patient.identity.birth_date"},
      {"born on February 30", [&] {
         return Patient([](auto& r) {
           auto* d = r.mutable_patient()->mutable_identity()->mutable_birth_date();
           d->set_month(2);
           d->set_day(30);
         });
       }, C::INVALID_ARGUMENT, "patient.identity.birth_date"},
      {"ZIP with letters", [&] {
         return Patient([](auto& r) { r.mutable_patient()->mutable_identity()->set_zip_code("ABCDE"); });
       }, C::INVALID_ARGUMENT, "patient.identity.zip_code"},
      {"unknown sex enum value", [&] {
         return Patient([](auto& r) {
           r.mutable_patient()->mutable_identity()->set_sex(static_cast<v1::Sex>(99));
         });
       }, C::INVALID_ARGUMENT, "patient.identity.sex"},
      {"e-mail without a domain", [&] {
         return Patient([](auto& r) { r.mutable_patient()->mutable_identity()->set_email("a@"); });
       }, C::INVALID_ARGUMENT, "patient.identity.email"},
      {"patient of an unknown clinic", [&] {
         return Patient([](auto& r) {
           r.mutable_patient()->set_clinic_id("cl_00000000000000000000000000000000");
         });
       }, C::NOT_FOUND, ""},
      {"MRN already used in the clinic", [&] {
         return Patient([](auto& r) { r.mutable_patient()->mutable_identity()->set_mrn("T-bad"); });
       }, C::ALREADY_EXISTS, ""},
      {"request_id reused for other content", [&] {
         return Patient([](auto& r) {
           r.set_request_id("patient-bad");
           r.mutable_patient()->mutable_identity()->set_given_name("Changed");
         });
       }, C::ALREADY_EXISTS, ""},
      {"update of a non-identity field", [&] {
         v1::UpdatePatientRequest r;
         r.mutable_patient()->set_patient_id("pt_00000000000000000000000000000000");
         r.mutable_update_mask()->add_paths("clinic_id");
         return Unary(&v1::PatientService::Stub::UpdatePatient, cli().patients(), r);
       }, C::INVALID_ARGUMENT, "update_mask.paths[0]"},
      // Episodes.
      {"episode without conditions", [&] {
         return Episode([](auto& r) { r.mutable_episode()->clear_conditions(); });
       }, C::INVALID_ARGUMENT, "episode.conditions"},
      {"unknown condition enum value", [&] {
         return Episode([](auto& r) { r.mutable_episode()->set_conditions(0, static_cast<v1::Condition>(42)); });
       }, C::INVALID_ARGUMENT, "episode.conditions[0]"},
      {"zero traction force", [&] {
         return Episode([](auto& r) { r.mutable_episode()->mutable_plan()->set_target_max_force_newtons(0); });
       }, C::INVALID_ARGUMENT, "episode.plan.target_max_force_newtons"},
      {"eight sessions a week", [&] {
         return Episode([](auto& r) { r.mutable_episode()->mutable_plan()->set_sessions_per_week(8); });
       }, C::INVALID_ARGUMENT, "episode.plan.sessions_per_week"},
      {"eight sessions in one week of a schedule", [&] {
         return Episode([](auto& r) {
           for (int n : {5, 8, 3}) r.mutable_episode()->mutable_plan()->add_weekly_sessions(n);
         });
       }, C::INVALID_ARGUMENT, "episode.plan.weekly_sessions[1]"},
      {"a schedule of 14 weeks", [&] {
         return Episode([](auto& r) {
           for (int w = 0; w < 14; ++w) r.mutable_episode()->mutable_plan()->add_weekly_sessions(1);
         });
       }, C::INVALID_ARGUMENT, "episode.plan.weekly_sessions"},
      {"a schedule whose total contradicts sessions_planned", [&] {
         return Episode([](auto& r) {
           r.mutable_episode()->mutable_plan()->set_sessions_planned(20);
           for (int n : {5, 3, 2}) r.mutable_episode()->mutable_plan()->add_weekly_sessions(n);
         });
       }, C::INVALID_ARGUMENT, "episode.plan.sessions_planned"},
      {"episode of an unknown patient", [&] { return Episode([](auto&) {}); }, C::NOT_FOUND, ""},
      {"close without a reason", [&] {
         v1::CloseEpisodeRequest r;
         r.set_episode_id(episode_id_);
         return Unary(&v1::EpisodeService::Stub::CloseEpisode, cli().episodes(), r);
       }, C::INVALID_ARGUMENT, "reason"},
      // Observations.
      {"pain 11", [&] { return Record([](auto& in) { in.set_value(11); }); },
       C::INVALID_ARGUMENT, "observations[0].value"},
      {"pain 6.5", [&] { return Record([](auto& in) { in.set_value(6.5); }); },
       C::INVALID_ARGUMENT, "observations[0].value"},
      {"pain NaN", [&] { return Record([](auto& in) { in.set_value(NAN); }); },
       C::INVALID_ARGUMENT, "observations[0].value"},
      {"unknown instrument", [&] {
         return Record([](auto& in) { in.set_instrument(static_cast<v1::Instrument>(99)); });
       }, C::INVALID_ARGUMENT, "observations[0].instrument"},
      {"measured tomorrow", [&] {
         return Record([&](auto& in) { *in.mutable_effective_time() = records::ToProto(FixedNow() + absl::Hours(24)); });
       }, C::INVALID_ARGUMENT, "observations[0].effective_time"},
      {"measured a year before the episode", [&] {
         return Record([&](auto& in) { *in.mutable_effective_time() = records::ToProto(FixedNow() - absl::Hours(24 * 365)); });
       }, C::INVALID_ARGUMENT, "observations[0].effective_time"},
      {"timestamp with negative nanos", [&] {
         return Record([](auto& in) { in.mutable_effective_time()->set_nanos(-1); });
       }, C::INVALID_ARGUMENT, "observations[0].effective_time"},
      {"ODI section scored 7", [&] {
         return Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_ODI);
           auto* o = in.mutable_odi();
           o->set_pain_intensity(7); o->set_personal_care(1); o->set_lifting(1); o->set_walking(1);
           o->set_sitting(1); o->set_standing(1); o->set_sleeping(1); o->set_sex_life(1);
           o->set_social_life(1); o->set_travelling(1);
         });
       }, C::INVALID_ARGUMENT, "observations[0].odi.pain_intensity"},
      {"ODI with three sections missing", [&] {
         return Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_ODI);
           auto* o = in.mutable_odi();
           o->set_pain_intensity(1); o->set_personal_care(1); o->set_lifting(1); o->set_walking(1);
           o->set_sitting(1); o->set_standing(1); o->set_sleeping(1);
         });
       }, C::INVALID_ARGUMENT, "observations[0].odi"},
      {"RMDQ with 25 answers", [&] {
         return Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_RMDQ);
           for (int i = 0; i < 25; ++i) in.mutable_rmdq()->add_items(true);
         });
       }, C::INVALID_ARGUMENT, "observations[0].rmdq.items"},
      {"PROMIS item 6", [&] {
         return Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_PROMIS_PI_6A);
           for (int v : {1, 2, 3, 4, 5, 6}) in.mutable_promis_pi_6a()->add_items(v);
         });
       }, C::INVALID_ARGUMENT, "observations[0].promis_pi_6a.items[5]"},
      {"straight leg raise without a side", [&] {
         return Record([](auto& in) { in.set_instrument(v1::INSTRUMENT_STRAIGHT_LEG_RAISE); in.set_value(50); });
       }, C::INVALID_ARGUMENT, "observations[0].laterality"},
      {"questionnaire answers on a scalar measure", [&] {
         return Record([](auto& in) { in.mutable_psfs(); });
       }, C::INVALID_ARGUMENT, "observations[0].psfs"},
      {"501 observations in one batch", [&] { return Record([](auto&) {}, 501); },
       C::INVALID_ARGUMENT, "observations"},
      {"the same id twice in a batch", [&] {
         return Record([](auto& in) { in.set_observation_id("twice"); }, 2);
       }, C::INVALID_ARGUMENT, "observations[1].observation_id"},
      {"replayed id with other content", [&] {
         return Record([](auto& in) { in.set_observation_id("stored-1"); in.set_value(9); });
       }, C::ALREADY_EXISTS, ""},
      {"observations for an unknown episode", [&] {
         v1::RecordObservationsRequest r;
         r.set_episode_id(kNoEpisode);
         *r.add_observations() = Nprs("x", 3);
         return Unary(&v1::ObservationService::Stub::RecordObservations, cli().observations(), r);
       }, C::NOT_FOUND, ""},
      {"time range ending before it starts", [&] {
         v1::ListObservationsRequest r;
         r.set_episode_id(episode_id_);
         *r.mutable_start_time() = records::ToProto(FixedNow());
         *r.mutable_end_time() = records::ToProto(FixedNow() - absl::Hours(1));
         return Unary(&v1::ObservationService::Stub::ListObservations, cli().observations(), r);
       }, C::INVALID_ARGUMENT, "end_time"},
      {"home report with nothing reported", [&] {
         v1::SubmitHomeReportRequest r;
         r.set_episode_id(episode_id_);
         r.set_report_id("empty");
         *r.mutable_effective_time() = records::ToProto(FixedNow());
         return Unary(&v1::HomeReportService::Stub::SubmitHomeReport, cli().home_reports(), r);
       }, C::INVALID_ARGUMENT, "report"},
      {"negative step count", [&] {
         v1::SubmitHomeReportRequest r;
         r.set_episode_id(episode_id_);
         r.set_report_id("steps");
         *r.mutable_effective_time() = records::ToProto(FixedNow());
         r.set_daily_steps(-100);
         return Unary(&v1::HomeReportService::Stub::SubmitHomeReport, cli().home_reports(), r);
       }, C::INVALID_ARGUMENT, "daily_steps"},
      // Devices and uploads.
      {"enroll with a forged token", [&] {
         v1::EnrollRequest r;
         r.set_enrollment_token("tet1.et_00000000000000000000000000000000." + std::string(43, 'A'));
         r.set_serial_number("X");
         r.set_model("M");
         r.set_firmware_version("1");
         return Unary(&v1::DeviceService::Stub::Enroll, gw_->device(), r);
       }, C::UNAUTHENTICATED, ""},
      {"enroll with a serial number of spaces", [&] {
         v1::EnrollRequest r;
         r.set_serial_number("   ");
         r.set_model("M");
         r.set_firmware_version("1");
         return Unary(&v1::DeviceService::Stub::Enroll, gw_->device(), r);
       }, C::INVALID_ARGUMENT, "serial_number"},
      {"upload without a credential", [&] { return Upload("", {HeaderMsg([](auto&) {})}); },
       C::UNAUTHENTICATED, ""},
      {"upload with a garbage credential", [&] { return Upload("tdc1.x.y", {HeaderMsg([](auto&) {})}); },
       C::UNAUTHENTICATED, ""},
      {"stream that never sends a header", [&] { return Upload(credential_, {}); },
       C::INVALID_ARGUMENT, ""},
      {"stream that starts with a chunk", [&] {
         v1::UploadSessionRequest chunk;
         *chunk.mutable_chunk() = GatewayClient::Chunk(0);
         return Upload(credential_, {chunk});
       }, C::INVALID_ARGUMENT, ""},
      {"protocol of 5000 N", [&] {
         return Upload(credential_, {HeaderMsg([](auto& h) { h.mutable_protocol()->set_max_force_newtons(5000); })});
       }, C::INVALID_ARGUMENT, "header.protocol.max_force_newtons"},
      {"unknown traction mode", [&] {
         return Upload(credential_, {HeaderMsg([](auto& h) { h.mutable_protocol()->set_mode(static_cast<v1::TractionMode>(7)); })});
       }, C::INVALID_ARGUMENT, "header.protocol.mode"},
      {"upload for another clinic's episode (answers like a missing one)", [&] {
         std::string other_episode = gw_->MakeEpisode("other", &other_clinic_id_);
         return Upload(credential_, {HeaderMsg([&](auto& h) { h.set_episode_id(other_episode); })});
       }, C::NOT_FOUND, ""},
      {"upload state of a session id with a space", [&] {
         v1::GetUploadStateRequest r;
         r.set_session_id("a b");
         return Unary(&v1::DeviceService::Stub::GetUploadState, gw_->device(), r, credential_);
       }, C::INVALID_ARGUMENT, "session_id"},
      {"negative downsampling", [&] {
         auto ctx = GatewayClient::Context("");
         v1::ReadTelemetryRequest r;
         r.set_session_id("s");
         r.set_every_nth(-3);
         auto reader = gw_->sessions()->ReadTelemetry(ctx.get(), r);
         v1::ReadTelemetryResponse part;
         while (reader->Read(&part)) {
         }
         return reader->Finish();
       }, C::INVALID_ARGUMENT, "every_nth"},
      // Limits, deadlines, analytics.
      {"a 2 MB request", [&] {
         v1::CreateClinicRequest r = records::testing::ClinicRequest("huge");
         r.mutable_clinic()->set_display_name(std::string(2 << 20, 'x'));
         return Unary(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(), r);
       }, C::RESOURCE_EXHAUSTED, ""},
      {"an expired deadline", [&] {
         return Unary(&v1::ClinicService::Stub::ListClinics, cli().clinics(), v1::ListClinicsRequest(),
                      "", absl::Milliseconds(-5));
       }, C::DEADLINE_EXCEEDED, ""},
      {"cohort without a condition", [&] {
         return Unary(&v1::OutcomeService::Stub::GetCohortOutcomes, outcomes_.get(),
                      v1::GetCohortOutcomesRequest());
       }, C::INVALID_ARGUMENT, "condition"},
      {"progress of a malformed episode id", [&] {
         v1::GetEpisodeProgressRequest r;
         r.set_episode_id(std::string(5000, 'e'));
         return Unary(&v1::OutcomeService::Stub::GetEpisodeProgress, outcomes_.get(), r);
       }, C::INVALID_ARGUMENT, "episode_id"},
  };
  ASSERT_GE(cases.size(), 40u);

  const std::string before = Snapshot();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::Status s = c.call();
    EXPECT_EQ(s.error_code(), c.code) << s.error_message();
    if (!c.field.empty()) {
      EXPECT_EQ(FirstField(s), c.field);
    }
    EXPECT_TRUE(Healthy());
  }
  // Nothing stored changed: same clinics, patients, episodes, observations,
  // sessions and devices as before (the "other" episode was created before).
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace tractus::testing
