// A catalogue of malformed and hostile requests over a real server, one
// ctest case per input: its exact status code (and field, for
// INVALID_ARGUMENT), the server still answering, and nothing stored changed
// in any column family (a store fingerprint before and after).
#include <cmath>
#include <functional>
#include <set>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/secrets.h"
#include "gmock/gmock.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "storage/key_codec.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::testing {
namespace {

class BadInputCatalogueTest;

constexpr char kNoEpisode[] = "ep_00000000000000000000000000000000";

struct Case {
  std::string name;
  std::function<grpc::Status(BadInputCatalogueTest&)> call;
  grpc::StatusCode code;
  std::string field;  // first BadRequest field, for INVALID_ARGUMENT
};

// A case's name as a test name: letters and digits, words joined by "_".
std::string CaseTestName(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

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
    other_episode_id_ = gw_->MakeEpisode("other", &other_clinic_id_);
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

  // Every record in every column family but the audit log's (refusals
  // are audited) and the audit head, hashed: any change to what is stored.
  std::string StoreFingerprint() {
    server_->WaitForAlerts();  // the alert state is written in the background
    const storage::Store& store = *server_->store_for_testing();
    std::string all;
    for (int cf = 0; cf < static_cast<int>(storage::Cf::kCount); ++cf) {
      if (static_cast<storage::Cf>(cf) == storage::Cf::kAudit) continue;
      all += absl::StrCat("cf ", cf, "\n");
      EXPECT_TRUE(store
                      .Scan(static_cast<storage::Cf>(cf), "", "",
                            [&](absl::string_view key, absl::string_view value) {
                              if (static_cast<storage::Cf>(cf) == storage::Cf::kMeta &&
                                  key == storage::AuditHeadKey()) {
                                return true;
                              }
                              all += absl::StrCat(key.size(), ":", key, value.size(), ":", value);
                              return true;
                            })
                      .ok());
    }
    return Sha256(all);
  }

  bool Healthy() {
    auto channel = TestChannel(server_->address(), keys_.clinician);
    return channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5)) &&
           cli().Call(&v1::ClinicService::Stub::ListClinics, cli().clinics(),
                      v1::ListClinicsRequest())
               .ok();
  }

 public:
  // The catalogue: each input with the status it must get.
  static std::vector<Case> Cases() {
    using C = grpc::StatusCode;
  return {
      // Clinics.
      {"clinic without request_id", [](BadInputCatalogueTest& t) {
         auto r = records::testing::ClinicRequest("x");
         r.clear_request_id();
         return t.Unary(&v1::ClinicService::Stub::CreateClinic, t.admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "request_id"},
      {"request_id with a slash", [](BadInputCatalogueTest& t) {
         auto r = records::testing::ClinicRequest("x");
         r.set_request_id("../../etc");
         return t.Unary(&v1::ClinicService::Stub::CreateClinic, t.admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "request_id"},
      {"clinic in an unknown time zone", [](BadInputCatalogueTest& t) {
         auto r = records::testing::ClinicRequest("x");
         r.mutable_clinic()->set_time_zone("Mars/Olympus");
         return t.Unary(&v1::ClinicService::Stub::CreateClinic, t.admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "clinic.time_zone"},
      {"clinic name of 10 kB", [](BadInputCatalogueTest& t) {
         auto r = records::testing::ClinicRequest("x");
         r.mutable_clinic()->set_display_name(std::string(10000, 'a'));
         return t.Unary(&v1::ClinicService::Stub::CreateClinic, t.admin_->clinics(), r);
       }, C::INVALID_ARGUMENT, "clinic.display_name"},
      {"malformed clinic id", [](BadInputCatalogueTest& t) {
         v1::GetClinicRequest r;
         r.set_clinic_id("cl_' OR 1=1 --");
         return t.Unary(&v1::ClinicService::Stub::GetClinic, t.cli().clinics(), r);
       }, C::INVALID_ARGUMENT, "clinic_id"},
      {"unknown clinic", [](BadInputCatalogueTest& t) {
         v1::GetClinicRequest r;
         r.set_clinic_id("cl_00000000000000000000000000000000");
         return t.Unary(&v1::ClinicService::Stub::GetClinic, t.cli().clinics(), r);
       }, C::NOT_FOUND, ""},
      {"negative page size", [](BadInputCatalogueTest& t) {
         v1::ListClinicsRequest r;
         r.set_page_size(-1);
         return t.Unary(&v1::ClinicService::Stub::ListClinics, t.cli().clinics(), r);
       }, C::INVALID_ARGUMENT, "page_size"},
      {"forged page token", [](BadInputCatalogueTest& t) {
         v1::ListClinicsRequest r;
         r.set_page_token("AAAAAAAAAAAAAAAAAAAAAAAA");
         return t.Unary(&v1::ClinicService::Stub::ListClinics, t.cli().clinics(), r);
       }, C::INVALID_ARGUMENT, "page_token"},
      // Patients.
      {"patient without identity", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) { r.mutable_patient()->clear_identity(); });
       }, C::INVALID_ARGUMENT, "patient.identity"},
      {"born in the future", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) {
           r.mutable_patient()->mutable_identity()->mutable_birth_date()->set_year(2099);
         });
       }, C::INVALID_ARGUMENT, "patient.identity.birth_date"},
      {"born on February 30", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) {
           auto* d = r.mutable_patient()->mutable_identity()->mutable_birth_date();
           d->set_month(2);
           d->set_day(30);
         });
       }, C::INVALID_ARGUMENT, "patient.identity.birth_date"},
      {"ZIP with letters", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) { r.mutable_patient()->mutable_identity()->set_zip_code("ABCDE"); });
       }, C::INVALID_ARGUMENT, "patient.identity.zip_code"},
      {"unknown sex enum value", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) {
           r.mutable_patient()->mutable_identity()->set_sex(static_cast<v1::Sex>(99));
         });
       }, C::INVALID_ARGUMENT, "patient.identity.sex"},
      {"e-mail without a domain", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) { r.mutable_patient()->mutable_identity()->set_email("a@"); });
       }, C::INVALID_ARGUMENT, "patient.identity.email"},
      {"patient of an unknown clinic", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) {
           r.mutable_patient()->set_clinic_id("cl_00000000000000000000000000000000");
         });
       }, C::NOT_FOUND, ""},
      {"MRN already used in the clinic", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) { r.mutable_patient()->mutable_identity()->set_mrn("T-bad"); });
       }, C::ALREADY_EXISTS, ""},
      {"request_id reused for other content", [](BadInputCatalogueTest& t) {
         return t.Patient([](auto& r) {
           r.set_request_id("patient-bad");
           r.mutable_patient()->mutable_identity()->set_given_name("Changed");
         });
       }, C::ALREADY_EXISTS, ""},
      {"update of a non-identity field", [](BadInputCatalogueTest& t) {
         v1::UpdatePatientRequest r;
         r.mutable_patient()->set_patient_id("pt_00000000000000000000000000000000");
         r.mutable_update_mask()->add_paths("clinic_id");
         return t.Unary(&v1::PatientService::Stub::UpdatePatient, t.cli().patients(), r);
       }, C::INVALID_ARGUMENT, "update_mask.paths[0]"},
      // Episodes.
      {"episode without conditions", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) { r.mutable_episode()->clear_conditions(); });
       }, C::INVALID_ARGUMENT, "episode.conditions"},
      {"unknown condition enum value", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) { r.mutable_episode()->set_conditions(0, static_cast<v1::Condition>(42)); });
       }, C::INVALID_ARGUMENT, "episode.conditions[0]"},
      {"zero traction force", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) { r.mutable_episode()->mutable_plan()->set_target_max_force_newtons(0); });
       }, C::INVALID_ARGUMENT, "episode.plan.target_max_force_newtons"},
      {"eight sessions a week", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) { r.mutable_episode()->mutable_plan()->set_sessions_per_week(8); });
       }, C::INVALID_ARGUMENT, "episode.plan.sessions_per_week"},
      {"eight sessions in one week of a schedule", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) {
           for (int n : {5, 8, 3}) r.mutable_episode()->mutable_plan()->add_weekly_sessions(n);
         });
       }, C::INVALID_ARGUMENT, "episode.plan.weekly_sessions[1]"},
      {"a schedule of 14 weeks", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) {
           for (int w = 0; w < 14; ++w) r.mutable_episode()->mutable_plan()->add_weekly_sessions(1);
         });
       }, C::INVALID_ARGUMENT, "episode.plan.weekly_sessions"},
      {"a schedule whose total contradicts sessions_planned", [](BadInputCatalogueTest& t) {
         return t.Episode([](auto& r) {
           r.mutable_episode()->mutable_plan()->set_sessions_planned(20);
           for (int n : {5, 3, 2}) r.mutable_episode()->mutable_plan()->add_weekly_sessions(n);
         });
       }, C::INVALID_ARGUMENT, "episode.plan.sessions_planned"},
      {"episode of an unknown patient", [](BadInputCatalogueTest& t) { return t.Episode([](auto&) {}); }, C::NOT_FOUND, ""},
      {"close without a reason", [](BadInputCatalogueTest& t) {
         v1::CloseEpisodeRequest r;
         r.set_episode_id(t.episode_id_);
         return t.Unary(&v1::EpisodeService::Stub::CloseEpisode, t.cli().episodes(), r);
       }, C::INVALID_ARGUMENT, "reason"},
      // Observations.
      {"pain 11", [](BadInputCatalogueTest& t) { return t.Record([](auto& in) { in.set_value(11); }); },
       C::INVALID_ARGUMENT, "observations[0].value"},
      {"pain 6.5", [](BadInputCatalogueTest& t) { return t.Record([](auto& in) { in.set_value(6.5); }); },
       C::INVALID_ARGUMENT, "observations[0].value"},
      {"pain NaN", [](BadInputCatalogueTest& t) { return t.Record([](auto& in) { in.set_value(NAN); }); },
       C::INVALID_ARGUMENT, "observations[0].value"},
      {"unknown instrument", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) { in.set_instrument(static_cast<v1::Instrument>(99)); });
       }, C::INVALID_ARGUMENT, "observations[0].instrument"},
      {"measured tomorrow", [](BadInputCatalogueTest& t) {
         return t.Record([&](auto& in) { *in.mutable_effective_time() = records::ToProto(FixedNow() + absl::Hours(24)); });
       }, C::INVALID_ARGUMENT, "observations[0].effective_time"},
      {"measured a year before the episode", [](BadInputCatalogueTest& t) {
         return t.Record([&](auto& in) { *in.mutable_effective_time() = records::ToProto(FixedNow() - absl::Hours(24 * 365)); });
       }, C::INVALID_ARGUMENT, "observations[0].effective_time"},
      {"timestamp with negative nanos", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) { in.mutable_effective_time()->set_nanos(-1); });
       }, C::INVALID_ARGUMENT, "observations[0].effective_time"},
      {"ODI section scored 7", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_ODI);
           auto* o = in.mutable_odi();
           o->set_pain_intensity(7); o->set_personal_care(1); o->set_lifting(1); o->set_walking(1);
           o->set_sitting(1); o->set_standing(1); o->set_sleeping(1); o->set_sex_life(1);
           o->set_social_life(1); o->set_travelling(1);
         });
       }, C::INVALID_ARGUMENT, "observations[0].odi.pain_intensity"},
      {"ODI with three sections missing", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_ODI);
           auto* o = in.mutable_odi();
           o->set_pain_intensity(1); o->set_personal_care(1); o->set_lifting(1); o->set_walking(1);
           o->set_sitting(1); o->set_standing(1); o->set_sleeping(1);
         });
       }, C::INVALID_ARGUMENT, "observations[0].odi"},
      {"RMDQ with 25 answers", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_RMDQ);
           for (int i = 0; i < 25; ++i) in.mutable_rmdq()->add_items(true);
         });
       }, C::INVALID_ARGUMENT, "observations[0].rmdq.items"},
      {"PROMIS item 6", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) {
           in.set_instrument(v1::INSTRUMENT_PROMIS_PI_6A);
           for (int v : {1, 2, 3, 4, 5, 6}) in.mutable_promis_pi_6a()->add_items(v);
         });
       }, C::INVALID_ARGUMENT, "observations[0].promis_pi_6a.items[5]"},
      {"straight leg raise without a side", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) { in.set_instrument(v1::INSTRUMENT_STRAIGHT_LEG_RAISE); in.set_value(50); });
       }, C::INVALID_ARGUMENT, "observations[0].laterality"},
      {"questionnaire answers on a scalar measure", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) { in.mutable_psfs(); });
       }, C::INVALID_ARGUMENT, "observations[0].psfs"},
      {"501 observations in one batch", [](BadInputCatalogueTest& t) { return t.Record([](auto&) {}, 501); },
       C::INVALID_ARGUMENT, "observations"},
      {"the same id twice in a batch", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) { in.set_observation_id("twice"); }, 2);
       }, C::INVALID_ARGUMENT, "observations[1].observation_id"},
      {"replayed id with other content", [](BadInputCatalogueTest& t) {
         return t.Record([](auto& in) { in.set_observation_id("stored-1"); in.set_value(9); });
       }, C::ALREADY_EXISTS, ""},
      {"observations for an unknown episode", [](BadInputCatalogueTest& t) {
         v1::RecordObservationsRequest r;
         r.set_episode_id(kNoEpisode);
         *r.add_observations() = t.Nprs("x", 3);
         return t.Unary(&v1::ObservationService::Stub::RecordObservations, t.cli().observations(), r);
       }, C::NOT_FOUND, ""},
      {"time range ending before it starts", [](BadInputCatalogueTest& t) {
         v1::ListObservationsRequest r;
         r.set_episode_id(t.episode_id_);
         *r.mutable_start_time() = records::ToProto(FixedNow());
         *r.mutable_end_time() = records::ToProto(FixedNow() - absl::Hours(1));
         return t.Unary(&v1::ObservationService::Stub::ListObservations, t.cli().observations(), r);
       }, C::INVALID_ARGUMENT, "end_time"},
      {"home report with nothing reported", [](BadInputCatalogueTest& t) {
         v1::SubmitHomeReportRequest r;
         r.set_episode_id(t.episode_id_);
         r.set_report_id("empty");
         *r.mutable_effective_time() = records::ToProto(FixedNow());
         return t.Unary(&v1::HomeReportService::Stub::SubmitHomeReport, t.cli().home_reports(), r);
       }, C::INVALID_ARGUMENT, "report"},
      {"negative step count", [](BadInputCatalogueTest& t) {
         v1::SubmitHomeReportRequest r;
         r.set_episode_id(t.episode_id_);
         r.set_report_id("steps");
         *r.mutable_effective_time() = records::ToProto(FixedNow());
         r.set_daily_steps(-100);
         return t.Unary(&v1::HomeReportService::Stub::SubmitHomeReport, t.cli().home_reports(), r);
       }, C::INVALID_ARGUMENT, "daily_steps"},
      // Devices and uploads.
      {"enroll with a forged token", [](BadInputCatalogueTest& t) {
         v1::EnrollRequest r;
         r.set_enrollment_token("tet1.et_00000000000000000000000000000000." + std::string(43, 'A'));
         r.set_serial_number("X");
         r.set_model("M");
         r.set_firmware_version("1");
         return t.Unary(&v1::DeviceService::Stub::Enroll, t.gw_->device(), r);
       }, C::UNAUTHENTICATED, ""},
      {"enroll with a serial number of spaces", [](BadInputCatalogueTest& t) {
         v1::EnrollRequest r;
         r.set_serial_number("   ");
         r.set_model("M");
         r.set_firmware_version("1");
         return t.Unary(&v1::DeviceService::Stub::Enroll, t.gw_->device(), r);
       }, C::INVALID_ARGUMENT, "serial_number"},
      {"upload without a credential", [](BadInputCatalogueTest& t) { return t.Upload("", {t.HeaderMsg([](auto&) {})}); },
       C::UNAUTHENTICATED, ""},
      {"upload with a garbage credential", [](BadInputCatalogueTest& t) { return t.Upload("tdc1.x.y", {t.HeaderMsg([](auto&) {})}); },
       C::UNAUTHENTICATED, ""},
      {"stream that never sends a header", [](BadInputCatalogueTest& t) { return t.Upload(t.credential_, {}); },
       C::INVALID_ARGUMENT, ""},
      {"stream that starts with a chunk", [](BadInputCatalogueTest& t) {
         v1::UploadSessionRequest chunk;
         *chunk.mutable_chunk() = GatewayClient::Chunk(0);
         return t.Upload(t.credential_, {chunk});
       }, C::INVALID_ARGUMENT, ""},
      {"protocol of 5000 N", [](BadInputCatalogueTest& t) {
         return t.Upload(t.credential_, {t.HeaderMsg([](auto& h) { h.mutable_protocol()->set_max_force_newtons(5000); })});
       }, C::INVALID_ARGUMENT, "header.protocol.max_force_newtons"},
      {"unknown traction mode", [](BadInputCatalogueTest& t) {
         return t.Upload(t.credential_, {t.HeaderMsg([](auto& h) { h.mutable_protocol()->set_mode(static_cast<v1::TractionMode>(7)); })});
       }, C::INVALID_ARGUMENT, "header.protocol.mode"},
      {"upload for another clinic's episode (answers like a missing one)", [](BadInputCatalogueTest& t) {
         return t.Upload(t.credential_, {t.HeaderMsg([&](auto& h) { h.set_episode_id(t.other_episode_id_); })});
       }, C::NOT_FOUND, ""},
      {"upload state of a session id with a space", [](BadInputCatalogueTest& t) {
         v1::GetUploadStateRequest r;
         r.set_session_id("a b");
         return t.Unary(&v1::DeviceService::Stub::GetUploadState, t.gw_->device(), r, t.credential_);
       }, C::INVALID_ARGUMENT, "session_id"},
      {"negative downsampling", [](BadInputCatalogueTest& t) {
         auto ctx = GatewayClient::Context("");
         v1::ReadTelemetryRequest r;
         r.set_session_id("s");
         r.set_every_nth(-3);
         auto reader = t.gw_->sessions()->ReadTelemetry(ctx.get(), r);
         v1::ReadTelemetryResponse part;
         while (reader->Read(&part)) {
         }
         return reader->Finish();
       }, C::INVALID_ARGUMENT, "every_nth"},
      // Limits, deadlines, analytics.
      {"a 2 MB request", [](BadInputCatalogueTest& t) {
         v1::CreateClinicRequest r = records::testing::ClinicRequest("huge");
         r.mutable_clinic()->set_display_name(std::string(2 << 20, 'x'));
         return t.Unary(&v1::ClinicService::Stub::CreateClinic, t.admin_->clinics(), r);
       }, C::RESOURCE_EXHAUSTED, ""},
      {"an expired deadline", [](BadInputCatalogueTest& t) {
         return t.Unary(&v1::ClinicService::Stub::ListClinics, t.cli().clinics(), v1::ListClinicsRequest(),
                      "", absl::Milliseconds(-5));
       }, C::DEADLINE_EXCEEDED, ""},
      {"cohort without a condition", [](BadInputCatalogueTest& t) {
         return t.Unary(&v1::OutcomeService::Stub::GetCohortOutcomes, t.outcomes_.get(),
                      v1::GetCohortOutcomesRequest());
       }, C::INVALID_ARGUMENT, "condition"},
      {"progress of a malformed episode id", [](BadInputCatalogueTest& t) {
         v1::GetEpisodeProgressRequest r;
         r.set_episode_id(std::string(5000, 'e'));
         return t.Unary(&v1::OutcomeService::Stub::GetEpisodeProgress, t.outcomes_.get(), r);
       }, C::INVALID_ARGUMENT, "episode_id"},
  };
  }

 protected:
  std::unique_ptr<GatewayClient> gw_;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes_;
  std::string clinic_id_, other_clinic_id_, episode_id_, other_episode_id_, credential_;
};

// One ctest case per input: its exact status (and field), the server still
// serving, and not one byte changed in any column family but the audit log
// (where the refusal is recorded).
class BadInputCaseTest : public BadInputCatalogueTest,
                         public ::testing::WithParamInterface<size_t> {};

TEST_P(BadInputCaseTest, GetsItsExactStatusAndChangesNothing) {
  const Case c = Cases()[GetParam()];
  SCOPED_TRACE(c.name);
  const std::string before = StoreFingerprint();
  grpc::Status s = c.call(*this);
  EXPECT_EQ(s.error_code(), c.code) << s.error_message();
  if (!c.field.empty()) {
    EXPECT_EQ(FirstField(s), c.field);
  }
  EXPECT_TRUE(Healthy());
  EXPECT_EQ(StoreFingerprint(), before);
}

TEST_F(BadInputCatalogueTest, CoversEveryKindOfInput) {
  EXPECT_GE(Cases().size(), 40u);
  std::set<std::string> names;
  for (const Case& c : Cases()) EXPECT_TRUE(names.insert(CaseTestName(c.name)).second) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInputCaseTest,
                         ::testing::Range<size_t>(0, BadInputCatalogueTest::Cases().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return CaseTestName(BadInputCatalogueTest::Cases()[info.param].name);
                         });

}  // namespace
}  // namespace tractus::testing
