// Shared set-up for device gateway tests: a store in a temp dir with a
// clinic, a patient and an open episode, and helpers to build sessions and
// chunks.
#ifndef TRACTUS_DEVICE_GATEWAY_GATEWAY_TEST_UTIL_H_
#define TRACTUS_DEVICE_GATEWAY_GATEWAY_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "device_gateway/devices.h"
#include "device_gateway/telemetry.h"
#include "device_gateway/test_chunks.h"
#include "device_gateway/uploads.h"
#include "gtest/gtest.h"
#include "records/records.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "storage/test_dir.h"

namespace tractus::device_gateway {

class GatewayTest : public ::testing::Test {
 protected:
  static absl::Time Now0() {
    return absl::FromCivil(absl::CivilSecond(2026, 11, 27, 15, 0, 0), absl::UTCTimeZone());
  }

  void SetUp() override {
    store_ = *storage::Store::Open(dir_.path(), storage::StoreOptions{.sync_writes = false});
    records_ = std::make_unique<records::Records>(store_.get(), &clock_);
    devices_ = std::make_unique<Devices>(store_.get(), &clock_);
    UploadConfig config;
    config.max_samples_per_chunk = 1000;
    config.max_chunks_above_gap = 3;
    uploads_ = std::make_unique<Uploads>(store_.get(), &clock_, records_.get(), config);
    clinic_id_ = MakeClinic("clinic-a");
    episode_id_ = MakeEpisode(clinic_id_, "a");
  }

  std::string MakeClinic(const std::string& tag) {
    return records_->CreateClinic(records::testing::ClinicRequest(tag))->clinic().clinic_id();
  }

  std::string MakeEpisode(const std::string& clinic_id, const std::string& tag) {
    std::string patient_id = records_->CreatePatient(records::testing::PatientRequest(clinic_id, tag))
                                 ->patient()
                                 .patient_id();
    return records_
        ->CreateEpisode(records::testing::EpisodeRequest(patient_id, tag,
                                                         v1::CONDITION_HERNIATED_DISC))
        ->episode()
        .episode_id();
  }

  v1::Device EnrollDevice(const std::string& clinic_id, std::string* credential = nullptr) {
    v1::CreateEnrollmentTokenRequest t;
    t.set_clinic_id(clinic_id);
    auto token = devices_->CreateEnrollmentToken(t);
    EXPECT_TRUE(token.ok()) << token.status();
    v1::EnrollRequest e;
    e.set_enrollment_token(token->enrollment_token());
    e.set_serial_number("DRX-9000-0042");
    e.set_model("DRX9000");
    e.set_firmware_version("4.2.1");
    auto enrolled = devices_->Enroll(e);
    EXPECT_TRUE(enrolled.ok()) << enrolled.status();
    if (credential) *credential = enrolled->credential();
    return enrolled->device();
  }

  v1::SessionHeader Header(const std::string& session_id, absl::Time device_start) {
    v1::SessionHeader h;
    h.set_session_id(session_id);
    h.set_episode_id(episode_id_);
    v1::TractionProtocol* p = h.mutable_protocol();
    p->set_mode(v1::TRACTION_MODE_INTERMITTENT);
    p->set_max_force_newtons(400);
    p->set_min_force_newtons(200);
    p->set_hold_seconds(60);
    p->set_relax_seconds(30);
    p->set_progressive_steps(3);
    p->set_regressive_steps(3);
    p->set_angle_degrees(10);
    p->set_planned_minutes(30);
    *h.mutable_device_start_time() = records::ToProto(device_start);
    *h.mutable_device_send_time() = records::ToProto(device_start + absl::Seconds(1));
    return h;
  }

  static v1::TelemetryChunk Chunk(uint32_t seq, int n = 100, int newtons = 390) {
    return TestChunk(seq, n, newtons);
  }

  TestDir dir_;
  FakeClock clock_{Now0()};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<records::Records> records_;
  std::unique_ptr<Devices> devices_;
  std::unique_ptr<Uploads> uploads_;
  std::string clinic_id_;
  std::string episode_id_;
};

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_GATEWAY_TEST_UTIL_H_
