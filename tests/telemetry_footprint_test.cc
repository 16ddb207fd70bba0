// Bytes per telemetry sample on disk: realistic simulated sessions stored
// through the upload domain into a real RocksDB, fully compacted. Prints the
// figure (the benchmark issue tracks it) and checks it beats the wire size.
#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "cli/table_model.h"
#include "common/clock.h"
#include "device_gateway/devices.h"
#include "device_gateway/uploads.h"
#include "gtest/gtest.h"
#include "records/records.h"
#include "records/time_proto.h"
#include "storage/test_dir.h"

namespace tractus::testing {
namespace {

TEST(TelemetryFootprintTest, BytesPerSampleAfterCompaction) {
  TestDir dir;
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 11, 27, 15, 0, 0), absl::UTCTimeZone());
  FakeClock clock(now);
  auto store = *storage::Store::Open(dir.path(), storage::StoreOptions{.sync_writes = false});
  records::Records records(store.get(), &clock);
  device_gateway::Devices devices(store.get(), &clock);
  device_gateway::Uploads uploads(store.get(), &clock, &records, device_gateway::UploadConfig{});

  v1::CreateClinicRequest c;
  c.set_request_id("c");
  c.mutable_clinic()->set_display_name("Footprint");
  c.mutable_clinic()->set_time_zone("UTC");
  const std::string clinic_id = records.CreateClinic(c)->clinic().clinic_id();
  v1::CreatePatientRequest p;
  p.set_request_id("p");
  p.mutable_patient()->set_clinic_id(clinic_id);
  auto* id = p.mutable_patient()->mutable_identity();
  id->set_given_name("F");
  id->set_family_name("P");
  id->mutable_birth_date()->set_year(1970);
  id->mutable_birth_date()->set_month(1);
  id->mutable_birth_date()->set_day(1);
  id->set_sex(v1::SEX_MALE);
  id->set_zip_code("60614");
  id->set_mrn("F-1");
  v1::CreateEpisodeRequest e;
  e.set_request_id("e");
  e.mutable_episode()->set_patient_id(records.CreatePatient(p)->patient().patient_id());
  e.mutable_episode()->add_conditions(v1::CONDITION_SCIATICA);
  e.mutable_episode()->mutable_start_date()->set_year(2026);
  e.mutable_episode()->mutable_start_date()->set_month(11);
  e.mutable_episode()->mutable_start_date()->set_day(1);
  e.mutable_episode()->mutable_plan()->set_sessions_planned(24);
  e.mutable_episode()->mutable_plan()->set_sessions_per_week(5);
  e.mutable_episode()->mutable_plan()->set_target_max_force_newtons(450);
  e.mutable_episode()->mutable_plan()->set_session_minutes(30);
  const std::string episode_id = records.CreateEpisode(e)->episode().episode_id();
  v1::CreateEnrollmentTokenRequest t;
  t.set_clinic_id(clinic_id);
  v1::EnrollRequest enroll;
  enroll.set_enrollment_token(devices.CreateEnrollmentToken(t)->enrollment_token());
  enroll.set_serial_number("FP-1");
  enroll.set_model("M");
  enroll.set_firmware_version("1");
  const v1::Device device = devices.Enroll(enroll)->device();

  int64_t samples = 0;
  int64_t wire_bytes = 0;
  const v1::TractionMode modes[] = {v1::TRACTION_MODE_INTERMITTENT, v1::TRACTION_MODE_CYCLIC,
                                    v1::TRACTION_MODE_STATIC};
  for (int i = 0; i < 12; ++i) {
    v1::SessionHeader h;
    h.set_session_id("fp-" + std::to_string(i));
    h.set_episode_id(episode_id);
    v1::TractionProtocol* proto = h.mutable_protocol();
    proto->set_mode(modes[i % 3]);
    proto->set_max_force_newtons(450);
    proto->set_min_force_newtons(i % 3 == 2 ? 450 : 225);
    proto->set_hold_seconds(60);
    proto->set_relax_seconds(30);
    proto->set_progressive_steps(3);
    proto->set_regressive_steps(3);
    proto->set_angle_degrees(10);
    proto->set_planned_minutes(30);
    *h.mutable_device_start_time() = records::ToProto(now - absl::Hours(24 * (12 - i)));
    *h.mutable_device_send_time() = *h.mutable_device_start_time();
    auto opened = uploads.OpenSession(device, h);
    ASSERT_TRUE(opened.ok()) << opened.status();
    cli::TableModel model(*proto, cli::TableModelOptions{}, 1000 + i);
    v1::TelemetryChunk chunk;
    while (model.NextChunk(1000, &chunk)) {
      auto stored = uploads.StoreChunk(*opened, chunk);
      ASSERT_TRUE(stored.ok() && stored->has_chunk_ack());
      samples += chunk.offset_ms_size();
      wire_bytes += static_cast<int64_t>(chunk.ByteSizeLong());
    }
  }
  ASSERT_TRUE(store->CompactAll().ok());
  const uint64_t disk = *store->LiveBytes(storage::Cf::kTelemetry);
  const double on_disk = static_cast<double>(disk) / samples;
  const double on_wire = static_cast<double>(wire_bytes) / samples;
  std::cout << absl::StrFormat(
      "telemetry footprint: %d samples, %.2f bytes/sample on disk after compaction "
      "(%.2f on the wire, 5 columns delta-coded, LZ4 blob files)\n",
      samples, on_disk, on_wire);
  EXPECT_EQ(samples, 12 * 30 * 60 * 10);
  EXPECT_LT(on_disk, on_wire);
}

}  // namespace
}  // namespace tractus::testing
