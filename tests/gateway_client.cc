#include "tests/gateway_client.h"

#include "absl/strings/str_cat.h"
#include "device_gateway/test_chunks.h"
#include "gtest/gtest.h"
#include "records/test_requests.h"
#include "records/time_proto.h"

namespace tractus::testing {

GatewayClient::GatewayClient(const std::string& address, const TestKeys& keys)
    : address_(address),
      keys_(keys),
      staff_channel_(TestChannel(address, keys.clinician)),
      device_channel_(TestChannel(address, "")),
      device_(v1::DeviceService::NewStub(device_channel_)),
      admin_(v1::DeviceAdminService::NewStub(staff_channel_)),
      sessions_(v1::SessionService::NewStub(staff_channel_)),
      records_(staff_channel_, absl::Seconds(20)) {}

std::string GatewayClient::MakeEpisode(const std::string& tag, std::string* clinic_id) {
  auto clinic = CreateClinicFor(address_, keys_, records::testing::ClinicRequest(tag));
  EXPECT_TRUE(clinic.ok()) << clinic.status();
  *clinic_id = clinic->clinic().clinic_id();
  auto patient = records_.Call(&v1::PatientService::Stub::CreatePatient, records_.patients(),
                               records::testing::PatientRequest(*clinic_id, tag));
  EXPECT_TRUE(patient.ok()) << patient.status();
  auto episode = records_.Call(
      &v1::EpisodeService::Stub::CreateEpisode, records_.episodes(),
      records::testing::EpisodeRequest(patient->patient().patient_id(), tag,
                                       v1::CONDITION_SCIATICA));
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

grpc::Status GatewayClient::UploadWholeSession(const std::string& credential,
                                               const v1::SessionHeader& header, int chunks,
                                               int samples, bool finish) {
  auto ctx = Context(credential);
  auto stream = device()->UploadSession(ctx.get());
  std::vector<v1::UploadSessionRequest> messages(1);
  *messages[0].mutable_header() = header;
  for (int seq = 0; seq < chunks; ++seq) {
    *messages.emplace_back().mutable_chunk() = Chunk(static_cast<uint32_t>(seq), samples);
  }
  if (finish) {
    v1::SessionEnd* end = messages.emplace_back().mutable_end();
    end->set_chunk_count(static_cast<uint32_t>(chunks));
    end->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
  }
  v1::UploadSessionResponse resp;
  bool answered = true;
  for (const auto& m : messages) {
    if (!stream->Write(m) || !stream->Read(&resp)) {
      answered = false;
      break;
    }
  }
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  // Without an end the server answers ABORTED ("the session stays open"):
  // what a caller asking for no end wants.
  if (!finish && status.error_code() == grpc::StatusCode::ABORTED) return grpc::Status::OK;
  if (status.ok() && !answered) return grpc::Status(grpc::StatusCode::UNKNOWN, "unanswered");
  return status;
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
  return device_gateway::TestChunk(seq, n, newtons);
}

std::string GatewayClient::ServerSessionId(const std::string& credential,
                                           const std::string& device_session_id) {
  auto ctx = Context(credential);
  v1::GetUploadStateRequest req;
  req.set_session_id(device_session_id);
  v1::GetUploadStateResponse resp;
  if (!device_->GetUploadState(ctx.get(), req, &resp).ok()) return "";
  return resp.server_session_id();
}

}  // namespace tractus::testing
