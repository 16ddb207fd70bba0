#include "tests/gateway_client.h"

#include "absl/strings/str_cat.h"
#include "device_gateway/telemetry.h"
#include "gtest/gtest.h"
#include "records/time_proto.h"

namespace tractus::testing {

GatewayClient::GatewayClient(const std::string& address)
    : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
      device_(v1::DeviceService::NewStub(channel_)),
      admin_(v1::DeviceAdminService::NewStub(channel_)),
      sessions_(v1::SessionService::NewStub(channel_)),
      records_(address, absl::Seconds(20)) {}

std::string GatewayClient::MakeEpisode(const std::string& tag, std::string* clinic_id) {
  v1::CreateClinicRequest c;
  c.set_request_id("clinic-" + tag);
  c.mutable_clinic()->set_display_name("Clinic " + tag);
  c.mutable_clinic()->set_time_zone("America/Chicago");
  auto clinic = records_.Call(&v1::ClinicService::Stub::CreateClinic, records_.clinics(), c);
  EXPECT_TRUE(clinic.ok()) << clinic.status();
  *clinic_id = clinic->clinic().clinic_id();
  v1::CreatePatientRequest p;
  p.set_request_id("patient-" + tag);
  p.mutable_patient()->set_clinic_id(*clinic_id);
  auto* id = p.mutable_patient()->mutable_identity();
  id->set_given_name("Table");
  id->set_family_name("Patient");
  id->mutable_birth_date()->set_year(1961);
  id->mutable_birth_date()->set_month(6);
  id->mutable_birth_date()->set_day(6);
  id->set_sex(v1::SEX_FEMALE);
  id->set_zip_code("60614");
  id->set_mrn("T-" + tag);
  auto patient = records_.Call(&v1::PatientService::Stub::CreatePatient, records_.patients(), p);
  EXPECT_TRUE(patient.ok()) << patient.status();
  v1::CreateEpisodeRequest e;
  e.set_request_id("episode-" + tag);
  e.mutable_episode()->set_patient_id(patient->patient().patient_id());
  e.mutable_episode()->add_conditions(v1::CONDITION_SCIATICA);
  e.mutable_episode()->mutable_start_date()->set_year(2026);
  e.mutable_episode()->mutable_start_date()->set_month(11);
  e.mutable_episode()->mutable_start_date()->set_day(2);
  e.mutable_episode()->mutable_plan()->set_sessions_planned(20);
  e.mutable_episode()->mutable_plan()->set_sessions_per_week(5);
  e.mutable_episode()->mutable_plan()->set_target_max_force_newtons(400);
  e.mutable_episode()->mutable_plan()->set_session_minutes(30);
  auto episode = records_.Call(&v1::EpisodeService::Stub::CreateEpisode, records_.episodes(), e);
  EXPECT_TRUE(episode.ok()) << episode.status();
  return episode->episode().episode_id();
}

std::string GatewayClient::Enroll(const std::string& clinic_id, const std::string& serial) {
  v1::CreateEnrollmentTokenRequest t;
  t.set_clinic_id(clinic_id);
  auto token = records_.Call(&v1::DeviceAdminService::Stub::CreateEnrollmentToken, admin(), t);
  EXPECT_TRUE(token.ok()) << token.status();
  v1::EnrollRequest e;
  e.set_enrollment_token(token->enrollment_token());
  e.set_serial_number(serial);
  e.set_model("DRX9000");
  e.set_firmware_version("4.2.1");
  auto enrolled = records_.Call(&v1::DeviceService::Stub::Enroll, device(), e);
  EXPECT_TRUE(enrolled.ok()) << enrolled.status();
  return enrolled->credential();
}

std::unique_ptr<grpc::ClientContext> GatewayClient::Context(const std::string& credential,
                                                            absl::Duration deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!credential.empty()) ctx->AddMetadata("authorization", "Bearer " + credential);
  ctx->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(deadline));
  return ctx;
}

v1::SessionHeader GatewayClient::Header(const std::string& session_id,
                                        const std::string& episode_id, absl::Time device_start,
                                        absl::Time device_send) {
  v1::SessionHeader h;
  h.set_session_id(session_id);
  h.set_episode_id(episode_id);
  v1::TractionProtocol* p = h.mutable_protocol();
  p->set_mode(v1::TRACTION_MODE_INTERMITTENT);
  p->set_max_force_newtons(400);
  p->set_min_force_newtons(200);
  p->set_hold_seconds(60);
  p->set_relax_seconds(30);
  p->set_progressive_steps(2);
  p->set_regressive_steps(2);
  p->set_angle_degrees(5);
  p->set_planned_minutes(30);
  *h.mutable_device_start_time() = records::ToProto(device_start);
  *h.mutable_device_send_time() = records::ToProto(device_send);
  return h;
}

v1::TelemetryChunk GatewayClient::Chunk(uint32_t seq, int n, int newtons) {
  device_gateway::Samples s;
  for (int i = 0; i < n; ++i) {
    s.offset_ms.push_back((int64_t{seq} * n + i) * 100);
    s.measured_dn.push_back(newtons * 10);
    s.target_dn.push_back(4000);
    s.angle_decideg.push_back(50);
    s.flags.push_back(0);
  }
  v1::TelemetryChunk chunk;
  chunk.set_seq(seq);
  device_gateway::EncodeColumns(s, &chunk);
  return chunk;
}

}  // namespace tractus::testing
