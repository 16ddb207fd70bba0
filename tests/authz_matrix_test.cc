// The authorization matrix, generated from security/policy.h: every RPC in
// the table is called over a real server by every kind of principal — no
// credentials, an administrator, and for each other role one principal in
// scope and one out of scope (another clinic's clinician, analyst or
// device; another patient) — and each answer is checked against the table:
//   no credentials                UNAUTHENTICATED (public RPCs excepted)
//   role not in the row           PERMISSION_DENIED
//   role in the row, in scope     anything but UNAUTHENTICATED,
//                                 PERMISSION_DENIED or NOT_FOUND
//   role in the row, out of scope NOT_FOUND or PERMISSION_DENIED, no data
// Every RPC of every service must have a row and a request here.
#include <grpcpp/generic/generic_stub.h>

#include <functional>
#include <future>
#include <map>
#include <regex>
#include <set>

#include "absl/strings/match.h"

#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "common/ids.h"
#include "common/secret_file.h"
#include "common/secrets.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "security/policy.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

using security::Rule;
using C = grpc::StatusCode;

struct Actor {
  std::string name;
  v1::Role role;  // ROLE_UNSPECIFIED: no credentials
  bool in_scope;
  std::string bearer;
};

struct RequestCase {
  std::function<std::unique_ptr<google::protobuf::Message>()> make;
  // The request names a clinic, patient, episode, session or device, so an
  // out-of-scope principal must be refused.
  bool scoped;
};

class AuthzMatrixTest : public ServerFixture {
 protected:
  void SetUp() override {
    cluster_key_file_ = dir_.path() + "/cluster.key";
    ASSERT_TRUE(WriteSecretFile(cluster_key_file_, NewSecret()).ok());
    ServerFixture::SetUp();
    BuildWorld();
  }

  std::string Key(v1::Role role, std::vector<std::string> clinics, std::string patient = "") {
    auto key = MakeUserKey(server_->address(), keys_, role, clinics, patient);
    EXPECT_TRUE(key.ok()) << key.status();
    return *key;
  }

  void BuildWorld() {
    auto a = admin_->Call(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(),
                          records::testing::ClinicRequest("A"));
    auto b = admin_->Call(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(),
                          records::testing::ClinicRequest("B"));
    ASSERT_TRUE(a.ok() && b.ok());
    clinic_a_ = a->clinic().clinic_id();
    clinic_b_ = b->clinic().clinic_id();
    clinician_a_ = Key(v1::ROLE_CLINICIAN, {clinic_a_});
    cli::Client staff(TestChannel(server_->address(), clinician_a_), absl::Seconds(10));
    auto patient = [&](const std::string& tag, std::string* episode) {
      auto p = staff.Call(&v1::PatientService::Stub::CreatePatient, staff.patients(),
                          records::testing::PatientRequest(clinic_a_, tag));
      EXPECT_TRUE(p.ok()) << p.status();
      auto e = staff.Call(&v1::EpisodeService::Stub::CreateEpisode, staff.episodes(),
                          records::testing::EpisodeRequest(p->patient().patient_id(), tag,
                                                           v1::CONDITION_SCIATICA));
      EXPECT_TRUE(e.ok()) << e.status();
      *episode = e->episode().episode_id();
      return p->patient().patient_id();
    };
    patient_a_ = patient("pa", &episode_a_);
    patient_a2_ = patient("pa2", &episode_a2_);
    auto spare = staff.Call(&v1::EpisodeService::Stub::CreateEpisode, staff.episodes(),
                            records::testing::EpisodeRequest(patient_a2_, "spare",
                                                             v1::CONDITION_SPINAL_STENOSIS));
    ASSERT_TRUE(spare.ok()) << spare.status();
    spare_episode_ = spare->episode().episode_id();

    GatewayClient gw(server_->address(), TestKeys{keys_.admin, clinician_a_, ""});
    device_a_ = gw.Enroll(clinic_a_, "MATRIX-A");
    spare_device_ = gw.Enroll(clinic_a_, "MATRIX-SPARE").substr(5, 35);
    GatewayClient gw_b(server_->address(), TestKeys{keys_.admin, Key(v1::ROLE_CLINICIAN, {clinic_b_}), ""});
    device_b_ = gw_b.Enroll(clinic_b_, "MATRIX-B");
    // A finished session of device A on episode A.
    ASSERT_TRUE(gw.UploadWholeSession(device_a_,
                                      GatewayClient::Header("s-matrix", episode_a_,
                                                            FixedNow() - absl::Hours(2),
                                                            FixedNow() - absl::Hours(1)),
                                      1)
                    .ok());
    session_a_ = gw.ServerSessionId(device_a_, "s-matrix");
    ASSERT_FALSE(session_a_.empty());

    const std::string spare_key = Key(v1::ROLE_ANALYST, {});
    spare_key_id_ = std::vector<std::string>(absl::StrSplit(spare_key, '.'))[1];
    cli::Client spare_user(TestChannel(server_->address(), spare_key), absl::Seconds(10));
    spare_user_id_ = spare_user.Call(&v1::AuthService::Stub::WhoAmI, spare_user.auth(),
                                     v1::WhoAmIRequest())->principal_id();

    const std::string analyst_a = Key(v1::ROLE_ANALYST, {clinic_a_});
    cli::Client analyst(TestChannel(server_->address(), analyst_a), absl::Seconds(10));
    v1::StartExportRequest start;
    start.set_request_id("matrix-setup");
    start.set_format(v1::EXPORT_FORMAT_CSV);
    auto job = analyst.Call(&v1::ExportService::Stub::StartExport, analyst.exports(), start);
    ASSERT_TRUE(job.ok()) << job.status();
    export_id_ = job->job().export_id();
    server_->WaitForExports();
    server_->PauseExports(true);  // jobs started from now on stay pending

    // A share of this shard, for MergeCohortPartials.
    v1::GetCohortPartialRequest partial;
    partial.mutable_cohort()->set_condition(v1::CONDITION_SCIATICA);
    partial.mutable_cohort()->add_clinic_ids(clinic_a_);
    partial.set_merge_id("matrix-merge-0000000");
    auto share = analyst.Call(&v1::OutcomeService::Stub::GetCohortPartial, analyst.outcomes(),
                              partial);
    ASSERT_TRUE(share.ok()) << share.status();
    partial_a_ = share->sealed();
    analyst_a_ = analyst_a;

    actors_ = {
        {"anonymous", v1::ROLE_UNSPECIFIED, true, ""},
        {"administrator", v1::ROLE_ADMINISTRATOR, true, keys_.admin},
        {"clinician of A", v1::ROLE_CLINICIAN, true, clinician_a_},
        {"clinician of B", v1::ROLE_CLINICIAN, false, Key(v1::ROLE_CLINICIAN, {clinic_b_})},
        {"analyst of A", v1::ROLE_ANALYST, true, analyst_a},
        {"analyst of B", v1::ROLE_ANALYST, false, Key(v1::ROLE_ANALYST, {clinic_b_})},
        {"patient A", v1::ROLE_PATIENT, true, Key(v1::ROLE_PATIENT, {}, patient_a_)},
        {"another patient", v1::ROLE_PATIENT, false, Key(v1::ROLE_PATIENT, {}, patient_a2_)},
        {"device of A", v1::ROLE_DEVICE, true, device_a_},
        {"device of B", v1::ROLE_DEVICE, false, device_b_},
    };
  }

  template <typename T>
  static RequestCase Make(bool scoped, std::function<void(T&)> fill) {
    return {[fill] {
              auto m = std::make_unique<T>();
              fill(*m);
              return std::unique_ptr<google::protobuf::Message>(std::move(m));
            },
            scoped};
  }

  std::map<std::string, RequestCase> Requests() {
    const auto now = records::ToProto(FixedNow() - absl::Hours(3));
    std::map<std::string, RequestCase> r;
    r["tractus.v1.ClinicService/CreateClinic"] = Make<v1::CreateClinicRequest>(false, [](auto& m) {
      m = records::testing::ClinicRequest("matrix-new");
    });
    r["tractus.v1.ClinicService/GetClinic"] = Make<v1::GetClinicRequest>(true, [&](auto& m) {
      m.set_clinic_id(clinic_a_);
    });
    r["tractus.v1.ClinicService/ListClinics"] = Make<v1::ListClinicsRequest>(false, [](auto&) {});
    r["tractus.v1.PatientService/CreatePatient"] = Make<v1::CreatePatientRequest>(true, [&](auto& m) {
      m = records::testing::PatientRequest(clinic_a_, "matrix-new");
    });
    r["tractus.v1.PatientService/GetPatient"] = Make<v1::GetPatientRequest>(true, [&](auto& m) {
      m.set_patient_id(patient_a_);
    });
    r["tractus.v1.PatientService/UpdatePatient"] = Make<v1::UpdatePatientRequest>(true, [&](auto& m) {
      m.mutable_patient()->set_patient_id(patient_a_);
      m.mutable_patient()->mutable_identity()->set_phone("+13125550100");
      m.mutable_update_mask()->add_paths("identity.phone");
    });
    r["tractus.v1.PatientService/ListPatients"] = Make<v1::ListPatientsRequest>(true, [&](auto& m) {
      m.set_clinic_id(clinic_a_);
    });
    r["tractus.v1.EpisodeService/CreateEpisode"] = Make<v1::CreateEpisodeRequest>(true, [&](auto& m) {
      m = records::testing::EpisodeRequest(patient_a_, "matrix-new", v1::CONDITION_SCIATICA);
    });
    r["tractus.v1.EpisodeService/GetEpisode"] = Make<v1::GetEpisodeRequest>(true, [&](auto& m) {
      m.set_episode_id(episode_a_);
    });
    r["tractus.v1.EpisodeService/ListEpisodes"] = Make<v1::ListEpisodesRequest>(true, [&](auto& m) {
      m.set_patient_id(patient_a_);
    });
    r["tractus.v1.EpisodeService/CloseEpisode"] = Make<v1::CloseEpisodeRequest>(true, [&](auto& m) {
      m.set_episode_id(spare_episode_);
      m.set_reason(v1::CLOSE_REASON_COMPLETED);
    });
    r["tractus.v1.ObservationService/RecordObservations"] =
        Make<v1::RecordObservationsRequest>(true, [&, now](auto& m) {
          m.set_episode_id(episode_a_);
          auto* in = m.add_observations();
          in->set_observation_id("matrix-obs");
          in->set_instrument(v1::INSTRUMENT_NPRS);
          *in->mutable_effective_time() = now;
          in->set_source(v1::SOURCE_CLINIC);
          in->set_value(5);
        });
    r["tractus.v1.ObservationService/ListObservations"] =
        Make<v1::ListObservationsRequest>(true, [&](auto& m) { m.set_episode_id(episode_a_); });
    r["tractus.v1.HomeReportService/SubmitHomeReport"] =
        Make<v1::SubmitHomeReportRequest>(true, [&, now](auto& m) {
          m.set_episode_id(episode_a_);
          m.set_report_id("matrix-report");
          *m.mutable_effective_time() = now;
          m.set_pain_nprs(4);
        });
    r["tractus.v1.DeviceAdminService/CreateEnrollmentToken"] =
        Make<v1::CreateEnrollmentTokenRequest>(true, [&](auto& m) { m.set_clinic_id(clinic_a_); });
    r["tractus.v1.DeviceAdminService/ListDevices"] =
        Make<v1::ListDevicesRequest>(true, [&](auto& m) { m.set_clinic_id(clinic_a_); });
    r["tractus.v1.DeviceAdminService/RevokeDevice"] =
        Make<v1::RevokeDeviceRequest>(true, [&](auto& m) { m.set_device_id(spare_device_); });
    r["tractus.v1.DeviceService/Enroll"] = Make<v1::EnrollRequest>(false, [&](auto& m) {
      v1::CreateEnrollmentTokenRequest t;
      t.set_clinic_id(clinic_a_);
      m.set_enrollment_token(admin_->Call(&v1::DeviceAdminService::Stub::CreateEnrollmentToken,
                                          admin_->device_admin(), t)->enrollment_token());
      m.set_serial_number("MATRIX-ENROLL");
      m.set_model("DRX9000");
      m.set_firmware_version("4.2.1");
    });
    r["tractus.v1.DeviceService/RotateCredential"] =
        Make<v1::RotateCredentialRequest>(false, [](auto&) {});
    r["tractus.v1.DeviceService/GetUploadLimits"] =
        Make<v1::GetUploadLimitsRequest>(false, [](auto&) {});
    r["tractus.v1.DeviceService/GetUploadState"] =
        Make<v1::GetUploadStateRequest>(true, [](auto& m) { m.set_session_id("s-matrix"); });
    r["tractus.v1.DeviceService/UploadSession"] = Make<v1::SessionHeader>(true, [&](auto& m) {
      m = GatewayClient::Header("s-matrix-2", episode_a_, FixedNow() - absl::Hours(2),
                                FixedNow() - absl::Hours(1));
    });
    r["tractus.v1.SessionService/ListSessions"] =
        Make<v1::ListSessionsRequest>(true, [&](auto& m) { m.set_episode_id(episode_a_); });
    r["tractus.v1.SessionService/GetSession"] =
        Make<v1::GetSessionRequest>(true, [&](auto& m) { m.set_session_id(session_a_); });
    r["tractus.v1.SessionService/ReadTelemetry"] =
        Make<v1::ReadTelemetryRequest>(true, [&](auto& m) { m.set_session_id(session_a_); });
    r["tractus.v1.OutcomeService/GetEpisodeProgress"] =
        Make<v1::GetEpisodeProgressRequest>(true, [&](auto& m) { m.set_episode_id(episode_a_); });
    r["tractus.v1.OutcomeService/ListClinicAlerts"] =
        Make<v1::ListClinicAlertsRequest>(true, [&](auto& m) { m.set_clinic_id(clinic_a_); });
    r["tractus.v1.OutcomeService/StreamClinicAlerts"] =
        Make<v1::StreamClinicAlertsRequest>(true, [&](auto& m) { m.set_clinic_id(clinic_a_); });
    r["tractus.v1.OutcomeService/GetCohortOutcomes"] =
        Make<v1::GetCohortOutcomesRequest>(true, [&](auto& m) {
          m.set_condition(v1::CONDITION_SCIATICA);
          m.add_clinic_ids(clinic_a_);
        });
    r["tractus.v1.OutcomeService/GetCohortPartial"] =
        Make<v1::GetCohortPartialRequest>(true, [&](auto& m) {
          m.mutable_cohort()->set_condition(v1::CONDITION_SCIATICA);
          m.mutable_cohort()->add_clinic_ids(clinic_a_);
          m.set_merge_id("matrix-merge-0000000");
        });
    // Not scoped: shares are sealed, their scope was checked when made.
    r["tractus.v1.OutcomeService/MergeCohortPartials"] =
        Make<v1::MergeCohortPartialsRequest>(false, [&](auto& m) {
          m.mutable_cohort()->set_condition(v1::CONDITION_SCIATICA);
          m.mutable_cohort()->add_clinic_ids(clinic_a_);
          m.set_merge_id("matrix-merge-0000000");
          m.add_partials(partial_a_);
        });
    r["tractus.v1.ExportService/StartExport"] = Make<v1::StartExportRequest>(true, [&](auto& m) {
      m.set_request_id("matrix-export");
      m.set_format(v1::EXPORT_FORMAT_FHIR_NDJSON);
      m.mutable_filter()->add_clinic_ids(clinic_a_);
    });
    r["tractus.v1.ExportService/GetExport"] =
        Make<v1::GetExportRequest>(true, [&](auto& m) { m.set_export_id(export_id_); });
    r["tractus.v1.ExportService/ListExports"] = Make<v1::ListExportsRequest>(false, [](auto&) {});
    // A job still pending each time (exports are paused from SetUp on).
    r["tractus.v1.ExportService/CancelExport"] =
        Make<v1::CancelExportRequest>(true, [&](auto& m) { m.set_export_id(PendingExport()); });
    r["tractus.v1.ExportService/ReadExportFile"] = Make<v1::ReadExportFileRequest>(true, [&](auto& m) {
      m.set_export_id(export_id_);
      m.set_file_name("manifest.json");
    });
    r["tractus.v1.AdminService/VerifyDatabase"] =
        Make<v1::VerifyDatabaseRequest>(false, [](auto&) {});
    r["tractus.v1.AdminService/CreateUser"] = Make<v1::CreateUserRequest>(false, [](auto& m) {
      m.mutable_user()->set_display_name("Matrix analyst");
      m.mutable_user()->set_role(v1::ROLE_ANALYST);
    });
    r["tractus.v1.AdminService/GetUser"] =
        Make<v1::GetUserRequest>(false, [&](auto& m) { m.set_user_id(spare_user_id_); });
    r["tractus.v1.AdminService/UpdateUser"] = Make<v1::UpdateUserRequest>(false, [&](auto& m) {
      m.mutable_user()->set_user_id(spare_user_id_);
      m.mutable_user()->set_display_name("Renamed");
      m.mutable_update_mask()->add_paths("display_name");
    });
    r["tractus.v1.AdminService/ListUsers"] = Make<v1::ListUsersRequest>(false, [](auto&) {});
    r["tractus.v1.AdminService/CreateApiKey"] =
        Make<v1::CreateApiKeyRequest>(false, [&](auto& m) { m.set_user_id(spare_user_id_); });
    r["tractus.v1.AdminService/ListApiKeys"] =
        Make<v1::ListApiKeysRequest>(false, [&](auto& m) { m.set_user_id(spare_user_id_); });
    r["tractus.v1.AdminService/RevokeApiKey"] =
        Make<v1::RevokeApiKeyRequest>(false, [&](auto& m) { m.set_key_id(spare_key_id_); });
    r["tractus.v1.AdminService/QueryAuditLog"] =
        Make<v1::QueryAuditLogRequest>(false, [](auto&) {});
    r["tractus.v1.AdminService/VerifyAuditLog"] =
        Make<v1::VerifyAuditLogRequest>(false, [](auto&) {});
    r["tractus.v1.AdminService/CreateBackup"] =
        Make<v1::CreateBackupRequest>(false, [](auto&) {});
    r["tractus.v1.AdminService/ListBackups"] = Make<v1::ListBackupsRequest>(false, [](auto&) {});
    r["tractus.v1.AdminService/PruneBackups"] =
        Make<v1::PruneBackupsRequest>(false, [](auto& m) { m.set_keep(5); });
    r["tractus.v1.AdminService/VerifyBackup"] =
        Make<v1::VerifyBackupRequest>(false, [](auto& m) { m.set_backup_id(1); });
    r["tractus.v1.AuthService/IssueToken"] = Make<v1::IssueTokenRequest>(false, [](auto&) {});
    r["tractus.v1.AuthService/WhoAmI"] = Make<v1::WhoAmIRequest>(false, [](auto&) {});
    return r;
  }

  // Calls `method` as `actor`; *got_data is set when any response arrived.
  grpc::Status Call(const Actor& actor, const std::string& method,
                    const google::protobuf::Message& request, bool* got_data) {
    auto channel = TestChannel(server_->address(), actor.bearer);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
    *got_data = false;
    if (method == "tractus.v1.DeviceService/UploadSession") {
      auto stub = v1::DeviceService::NewStub(channel);
      auto stream = stub->UploadSession(&ctx);
      v1::UploadSessionRequest req;
      *req.mutable_header() = static_cast<const v1::SessionHeader&>(request);
      v1::UploadSessionResponse resp;
      if (stream->Write(req) && stream->Read(&resp)) {
        *got_data = true;
        // A whole session: one chunk, then the end.
        v1::UploadSessionRequest chunk;
        *chunk.mutable_chunk() = GatewayClient::Chunk(0);
        v1::UploadSessionRequest end;
        end.mutable_end()->set_chunk_count(1);
        end.mutable_end()->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
        (void)(stream->Write(chunk) && stream->Read(&resp) && stream->Write(end));
      }
      stream->WritesDone();
      while (stream->Read(&resp)) *got_data = true;
      return stream->Finish();
    }
    if (method == "tractus.v1.ExportService/ReadExportFile") {
      auto stub = v1::ExportService::NewStub(channel);
      auto reader =
          stub->ReadExportFile(&ctx, static_cast<const v1::ReadExportFileRequest&>(request));
      v1::ReadExportFileResponse part;
      while (reader->Read(&part)) *got_data = true;
      return reader->Finish();
    }
    if (method == "tractus.v1.SessionService/ReadTelemetry") {
      auto stub = v1::SessionService::NewStub(channel);
      auto reader = stub->ReadTelemetry(&ctx, static_cast<const v1::ReadTelemetryRequest&>(request));
      v1::ReadTelemetryResponse part;
      while (reader->Read(&part)) *got_data = true;
      return reader->Finish();
    }
    if (method == "tractus.v1.OutcomeService/StreamClinicAlerts") {
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
      auto stub = v1::OutcomeService::NewStub(channel);
      auto reader =
          stub->StreamClinicAlerts(&ctx, static_cast<const v1::StreamClinicAlertsRequest&>(request));
      // A refusal ends the stream at once; a subscribed one goes on until
      // the caller's deadline, which counts as success.
      v1::StreamClinicAlertsResponse part;
      while (reader->Read(&part)) *got_data = true;
      grpc::Status status = reader->Finish();
      if (status.error_code() == C::DEADLINE_EXCEEDED) return grpc::Status::OK;
      return status;
    }
    grpc::GenericStub stub(channel);
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer req_buf(&slice, 1);
    grpc::ByteBuffer resp_buf;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, "/" + method, grpc::StubOptions(), &req_buf, &resp_buf,
                   [&](grpc::Status s) { done.set_value(s); });
    grpc::Status status = done.get_future().get();
    *got_data = status.ok();
    unary_response_bytes_.clear();
    std::vector<grpc::Slice> slices;
    if (status.ok() && resp_buf.Dump(&slices).ok()) {
      for (const grpc::Slice& part : slices) {
        unary_response_bytes_.append(reinterpret_cast<const char*>(part.begin()), part.size());
      }
    }
    return status;
  }

  // `request` with every opaque id in it ("cl_", "pt_", "ep_", "ss_", "ex_",
  // "dv_" + 32 hex digits) replaced by a fresh one of the same kind; *fresh
  // maps each replaced id to its replacement. Same length, so the bytes
  // stay a valid message.
  static std::unique_ptr<google::protobuf::Message> WithFreshIds(
      const google::protobuf::Message& request, std::map<std::string, std::string>* fresh) {
    std::string bytes = request.SerializeAsString();
    static const std::regex kId("(cl|pt|ep|ss|ex|dv)_[0-9a-f]{32}");
    std::string out;
    std::smatch match;
    std::string rest = bytes;
    while (std::regex_search(rest, match, kId)) {
      const std::string real = match.str(0);
      auto [it, inserted] = fresh->try_emplace(real, "");
      if (inserted) it->second = NewOpaqueId(real.substr(0, 3));
      out += match.prefix().str() + it->second;
      rest = match.suffix().str();
    }
    out += rest;
    std::unique_ptr<google::protobuf::Message> copy(request.New());
    EXPECT_TRUE(copy->ParseFromString(out));
    return copy;
  }

  std::string unary_response_bytes_;  // of the last unary Call
  std::string session_a_;  // the server's id of device A's session "s-matrix"
  std::string partial_a_;  // a sealed cohort share of clinic A
  std::string analyst_a_;  // the key of an analyst of clinic A
  int pending_exports_ = 0;

  // A new export of clinic A's analyst, pending (exports are paused); the
  // analyst's unfinished ones are cancelled first (one export at a time).
  std::string PendingExport() {
    cli::Client analyst(TestChannel(server_->address(), analyst_a_), absl::Seconds(10));
    auto listed = analyst.Call(&v1::ExportService::Stub::ListExports, analyst.exports(),
                               v1::ListExportsRequest());
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return "";
    for (const v1::ExportJob& job : listed->jobs()) {
      if (job.state() != v1::EXPORT_STATE_PENDING && job.state() != v1::EXPORT_STATE_RUNNING) {
        continue;
      }
      v1::CancelExportRequest cancel;
      cancel.set_export_id(job.export_id());
      (void)analyst.Call(&v1::ExportService::Stub::CancelExport, analyst.exports(), cancel);
    }
    v1::StartExportRequest start;
    start.set_request_id("matrix-pending-" + std::to_string(pending_exports_++));
    start.set_format(v1::EXPORT_FORMAT_CSV);
    auto job = analyst.Call(&v1::ExportService::Stub::StartExport, analyst.exports(), start);
    EXPECT_TRUE(job.ok()) << job.status();
    return job.ok() ? job->job().export_id() : "";
  }
  std::string clinic_a_, clinic_b_, clinician_a_, patient_a_, patient_a2_, episode_a_,
      episode_a2_, spare_episode_, device_a_, device_b_, spare_device_, spare_key_id_,
      spare_user_id_, export_id_;
  std::vector<Actor> actors_;
};

TEST_F(AuthzMatrixTest, EveryServedMethodHasARuleAndARequest) {
  auto requests = Requests();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int methods = 0;
  for (const char* file : {"tractus/v1/clinic.proto", "tractus/v1/patient.proto",
                           "tractus/v1/episode.proto", "tractus/v1/observation.proto",
                           "tractus/v1/home_report.proto", "tractus/v1/device.proto",
                           "tractus/v1/session.proto", "tractus/v1/outcomes.proto",
                           "tractus/v1/admin.proto", "tractus/v1/auth.proto",
                           "tractus/v1/export.proto"}) {
    const auto* fd = pool->FindFileByName(file);
    ASSERT_NE(fd, nullptr) << file;
    for (int s = 0; s < fd->service_count(); ++s) {
      const auto* service = fd->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const std::string name = service->full_name() + "/" + service->method(m)->name();
        EXPECT_NE(security::FindRule(name), nullptr) << name << " has no authorization rule";
        EXPECT_TRUE(requests.count(name)) << name << " has no request in this test";
        ++methods;
      }
    }
  }
  EXPECT_EQ(methods, static_cast<int>(security::Rules().size()));
}

// What DESIGN.md and the security issue say, stated apart from the table so
// that loosening a row cannot pass unnoticed.
TEST(AuthzPolicyTest, TheTableKeepsTheProductsPromises) {
  const std::set<std::string> patient_may = {
      "tractus.v1.EpisodeService/GetEpisode", "tractus.v1.EpisodeService/ListEpisodes",
      "tractus.v1.HomeReportService/SubmitHomeReport",
      "tractus.v1.OutcomeService/GetEpisodeProgress", "tractus.v1.AuthService/IssueToken",
      "tractus.v1.AuthService/WhoAmI"};
  const std::set<std::string> analyst_may = {
      "tractus.v1.ClinicService/ListClinics", "tractus.v1.OutcomeService/GetCohortOutcomes",
      "tractus.v1.OutcomeService/GetCohortPartial", "tractus.v1.OutcomeService/MergeCohortPartials",
      "tractus.v1.AuthService/IssueToken", "tractus.v1.AuthService/WhoAmI",
      "tractus.v1.ExportService/StartExport", "tractus.v1.ExportService/GetExport",
      "tractus.v1.ExportService/ListExports", "tractus.v1.ExportService/CancelExport",
      "tractus.v1.ExportService/ReadExportFile"};
  for (const Rule& rule : security::Rules()) {
    const std::string method(rule.method);
    const bool patient_records = absl::StartsWith(method, "tractus.v1.PatientService/") ||
                                 absl::StartsWith(method, "tractus.v1.EpisodeService/") ||
                                 absl::StartsWith(method, "tractus.v1.ObservationService/") ||
                                 absl::StartsWith(method, "tractus.v1.HomeReportService/") ||
                                 absl::StartsWith(method, "tractus.v1.SessionService/") ||
                                 method == "tractus.v1.OutcomeService/GetEpisodeProgress";
    if (security::Allows(rule.roles, v1::ROLE_PATIENT)) {
      EXPECT_TRUE(patient_may.count(method)) << "patients may not call " << method;
    }
    if (security::Allows(rule.roles, v1::ROLE_ANALYST)) {
      EXPECT_TRUE(analyst_may.count(method)) << "analysts may not call " << method;
    }
    if (patient_records) {
      EXPECT_FALSE(security::Allows(rule.roles, v1::ROLE_ADMINISTRATOR)) << method;
      EXPECT_FALSE(security::Allows(rule.roles, v1::ROLE_DEVICE)) << method;
      EXPECT_TRUE(rule.audited) << method << " reads or changes patient data: audit it";
      EXPECT_NE(rule.target, nullptr) << method << " must be scoped";
    }
    if (absl::StartsWith(method, "tractus.v1.ExportService/")) {
      EXPECT_FALSE(security::Allows(rule.roles, v1::ROLE_CLINICIAN)) << method;
      EXPECT_FALSE(security::Allows(rule.roles, v1::ROLE_PATIENT)) << method;
    }
    if (method == "tractus.v1.ExportService/ReadExportFile" ||
        method == "tractus.v1.ExportService/StartExport") {
      EXPECT_TRUE(rule.audited) << method << ": every export is audited";
    }
    if (absl::StartsWith(method, "tractus.v1.AdminService/")) {
      EXPECT_EQ(rule.roles, security::RolesOf({v1::ROLE_ADMINISTRATOR})) << method;
    }
    if (security::Allows(rule.roles, v1::ROLE_DEVICE)) {
      EXPECT_TRUE(absl::StartsWith(method, "tractus.v1.DeviceService/") ||
                  method == "tractus.v1.AuthService/WhoAmI")
          << method;
    }
    if (rule.is_public) {
      EXPECT_EQ(method, "tractus.v1.DeviceService/Enroll");
    }
  }
}

// Lists answer with exactly the records in the caller's scope — compared
// with the whole truth as the administrator (clinics, exports) or a
// clinician of every clinic (patients, episodes) sees it.
TEST_F(AuthzMatrixTest, ListsShowEachPrincipalItsRecordsAndNoOthers) {
  // Something of clinic B's for A's callers to leak: a patient and an export.
  const std::string clinician_b = Key(v1::ROLE_CLINICIAN, {clinic_b_});
  cli::Client staff_b(TestChannel(server_->address(), clinician_b), absl::Seconds(10));
  auto patient_b = staff_b.Call(&v1::PatientService::Stub::CreatePatient, staff_b.patients(),
                                records::testing::PatientRequest(clinic_b_, "pb"));
  ASSERT_TRUE(patient_b.ok()) << patient_b.status();
  const std::string analyst_b = Key(v1::ROLE_ANALYST, {clinic_b_});
  cli::Client analyst_b_client(TestChannel(server_->address(), analyst_b), absl::Seconds(10));
  v1::StartExportRequest start;
  start.set_request_id("matrix-b");
  start.set_format(v1::EXPORT_FORMAT_CSV);
  auto export_b =
      analyst_b_client.Call(&v1::ExportService::Stub::StartExport, analyst_b_client.exports(), start);
  ASSERT_TRUE(export_b.ok()) << export_b.status();

  const auto clinics_seen_by = [&](const std::string& bearer) {
    cli::Client c(TestChannel(server_->address(), bearer), absl::Seconds(10));
    v1::ListClinicsRequest req;
    req.set_page_size(100);
    std::set<std::string> ids;
    auto page = c.Call(&v1::ClinicService::Stub::ListClinics, c.clinics(), req);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const auto& clinic : page->clinics()) ids.insert(clinic.clinic_id());
    }
    return ids;
  };
  const std::set<std::string> every_clinic = clinics_seen_by(keys_.admin);
  ASSERT_TRUE(every_clinic.count(clinic_a_) && every_clinic.count(clinic_b_));
  EXPECT_EQ(clinics_seen_by(clinician_a_), std::set<std::string>{clinic_a_});
  EXPECT_EQ(clinics_seen_by(clinician_b), std::set<std::string>{clinic_b_});
  EXPECT_EQ(clinics_seen_by(analyst_a_), std::set<std::string>{clinic_a_});
  EXPECT_EQ(clinics_seen_by(analyst_b), std::set<std::string>{clinic_b_});
  EXPECT_EQ(clinics_seen_by(Key(v1::ROLE_ANALYST, {})), every_clinic);  // unbound analyst

  const auto exports_seen_by = [&](const std::string& bearer) {
    cli::Client c(TestChannel(server_->address(), bearer), absl::Seconds(10));
    v1::ListExportsRequest req;
    req.set_page_size(100);
    std::set<std::string> ids;
    auto page = c.Call(&v1::ExportService::Stub::ListExports, c.exports(), req);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const auto& job : page->jobs()) ids.insert(job.export_id());
    }
    return ids;
  };
  EXPECT_EQ(exports_seen_by(analyst_a_), std::set<std::string>{export_id_});
  EXPECT_EQ(exports_seen_by(analyst_b), std::set<std::string>{export_b->job().export_id()});
  EXPECT_EQ(exports_seen_by(keys_.admin),
            (std::set<std::string>{export_id_, export_b->job().export_id()}));

  // Patients of a clinic and episodes of a patient: the scoped caller sees
  // all of them (the truth is the same list for the fixture's clinician).
  v1::ListPatientsRequest patients;
  patients.set_clinic_id(clinic_a_);
  patients.set_page_size(100);
  cli::Client staff_a(TestChannel(server_->address(), clinician_a_), absl::Seconds(10));
  auto listed = staff_a.Call(&v1::PatientService::Stub::ListPatients, staff_a.patients(), patients);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::set<std::string> patient_ids;
  for (const auto& p : listed->patients()) patient_ids.insert(p.patient_id());
  EXPECT_EQ(patient_ids, (std::set<std::string>{patient_a_, patient_a2_}));
  v1::ListEpisodesRequest episodes;
  episodes.set_patient_id(patient_a2_);
  cli::Client patient(TestChannel(server_->address(), Key(v1::ROLE_PATIENT, {}, patient_a2_)),
                      absl::Seconds(10));
  auto own = patient.Call(&v1::EpisodeService::Stub::ListEpisodes, patient.episodes(), episodes);
  ASSERT_TRUE(own.ok()) << own.status();
  std::set<std::string> episode_ids;
  for (const auto& e : own->episodes()) episode_ids.insert(e.episode_id());
  EXPECT_EQ(episode_ids, (std::set<std::string>{episode_a2_, spare_episode_}));
}

TEST_F(AuthzMatrixTest, EveryCellAnswersAsTheTableSays) {
  auto requests = Requests();
  int cells = 0;
  for (const Rule& rule : security::Rules()) {
    const std::string method(rule.method);
    ASSERT_TRUE(requests.count(method)) << method;
    const RequestCase& rc = requests.at(method);
    for (const Actor& actor : actors_) {
      auto request = rc.make();
      bool got_data = false;
      grpc::Status s = Call(actor, method, *request, &got_data);
      const std::string cell = method + " as " + actor.name + ": " +
                               std::to_string(s.error_code()) + " " + s.error_message();
      ++cells;
      if (rule.is_public) {
        EXPECT_TRUE(s.ok()) << cell;
      } else if (actor.role == v1::ROLE_UNSPECIFIED) {
        EXPECT_EQ(s.error_code(), C::UNAUTHENTICATED) << cell;
      } else if (!security::Allows(rule.roles, actor.role)) {
        EXPECT_EQ(s.error_code(), C::PERMISSION_DENIED) << cell;
        EXPECT_FALSE(got_data) << cell;
      } else if (actor.in_scope || !rc.scoped) {
        EXPECT_TRUE(s.ok()) << cell;  // a valid request of an allowed caller succeeds
      } else if (method == "tractus.v1.DeviceService/GetUploadState") {
        // Another device's session answers like a missing one: known=false
        // (an empty response).
        EXPECT_TRUE(s.ok()) << cell;
        EXPECT_EQ(unary_response_bytes_, "") << cell;
      } else {
        // Out of scope answers exactly like a missing record: the same code
        // and words as the same request naming fresh ids.
        EXPECT_EQ(s.error_code(), C::NOT_FOUND) << cell;
        EXPECT_FALSE(got_data) << cell;
        std::map<std::string, std::string> fresh;  // real id -> fresh id
        const auto missing = WithFreshIds(*request, &fresh);
        bool missing_data = false;
        const grpc::Status m = Call(actor, method, *missing, &missing_data);
        std::string words = m.error_message();
        for (const auto& [real, made_up] : fresh) {
          for (size_t at = words.find(made_up); at != std::string::npos; at = words.find(made_up)) {
            words.replace(at, made_up.size(), real);
          }
        }
        EXPECT_EQ(s.error_code(), m.error_code()) << cell << " | missing: " << m.error_message();
        EXPECT_EQ(s.error_message(), words) << cell;
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(security::Rules().size() * actors_.size()));

  // The denials and the patient-data calls were audited, and the chain holds.
  auto verify = admin_->Call(&v1::AdminService::Stub::VerifyAuditLog, admin_->admin(),
                             v1::VerifyAuditLogRequest());
  ASSERT_TRUE(verify.ok()) << verify.status();
  EXPECT_TRUE(verify->intact()) << verify->problem();
  v1::QueryAuditLogRequest q;
  q.set_patient_id(patient_a_);
  q.set_page_size(1000);
  auto entries = admin_->Call(&v1::AdminService::Stub::QueryAuditLog, admin_->admin(), q);
  ASSERT_TRUE(entries.ok()) << entries.status();
  bool saw_read = false, saw_denied_read = false;
  for (const auto& e : entries->entries()) {
    if (e.method() == "tractus.v1.PatientService/GetPatient" && e.outcome() == "OK") saw_read = true;
  }
  v1::QueryAuditLogRequest denied;
  denied.set_page_size(1000);
  auto all = admin_->Call(&v1::AdminService::Stub::QueryAuditLog, admin_->admin(), denied);
  ASSERT_TRUE(all.ok());
  for (const auto& e : all->entries()) {
    if (e.method() == "tractus.v1.PatientService/GetPatient" && e.outcome() == "NOT_FOUND") {
      saw_denied_read = true;
    }
  }
  EXPECT_TRUE(saw_read);
  EXPECT_TRUE(saw_denied_read);
}

}  // namespace
}  // namespace tractus::testing
