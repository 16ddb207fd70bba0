// Durability: what tractusd acknowledges survives a power cut. A real server
// over a real RocksDB whose file system (storage/fault_injection.h) drops
// everything not fsynced when the power goes, then reboots on the same
// data dir. With --sync_wal (the default) every acknowledged chunk and
// observation is there; the same check run with --sync_wal=false finds
// acknowledged writes missing — so it really checks the fsync before the
// acknowledgement, not merely a clean restart.
#include "records/time_proto.h"
#include "storage/fault_injection.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

// What was acknowledged before the cut and what is there after it.
struct Survival {
  int chunks_acknowledged = 0;
  int chunks_found = 0;
  int observations_acknowledged = 0;
  int observations_found = 0;
  uint64_t unsynced_bytes_at_cut = 0;
};

class PowerLossTest : public ServerFixture {
 protected:
  void SetUp() override {}  // each test sets sync_wal_ first

  // Sets up a clinic, an episode and a table (made durable by a clean
  // restart), then acknowledges chunks and observations, cuts the power,
  // reboots and counts what is left.
  Survival UploadCutAndReboot(bool sync_wal) {
    Survival out;
    sync_wal_ = sync_wal;
    file_system_ = faults_.file_system();
    Start();
    std::string clinic_id;
    std::string episode_id;
    std::string credential;
    {
      GatewayClient gw(server_->address(), keys_);
      episode_id = gw.MakeEpisode("power", &clinic_id);
      credential = gw.Enroll(clinic_id, "PWR-1");
    }
    Restart();  // the setup is flushed and synced by the clean stop

    GatewayClient gw(server_->address(), keys_);
    auto ctx = GatewayClient::Context(credential);
    auto stream = gw.device()->UploadSession(ctx.get());
    v1::UploadSessionRequest m;
    *m.mutable_header() = GatewayClient::Header("s-power", episode_id,
                                                FixedNow() - absl::Minutes(40), FixedNow());
    v1::UploadSessionResponse r;
    EXPECT_TRUE(stream->Write(m) && stream->Read(&r) && r.has_header_ack());
    const std::string session_id = r.header_ack().server_session_id();
    for (uint32_t seq = 0; seq < 20; ++seq) {
      m.Clear();
      *m.mutable_chunk() = GatewayClient::Chunk(seq);
      if (!stream->Write(m) || !stream->Read(&r)) break;
      if (r.has_chunk_ack()) ++out.chunks_acknowledged;
    }
    for (int i = 0; i < 10; ++i) {
      v1::RecordObservationsRequest req;
      req.set_episode_id(episode_id);
      v1::ObservationInput* in = req.add_observations();
      in->set_observation_id("nprs-" + std::to_string(i));
      in->set_instrument(v1::INSTRUMENT_NPRS);
      *in->mutable_effective_time() = records::ToProto(FixedNow() - absl::Minutes(30 - i));
      in->set_source(v1::SOURCE_CLINIC);
      in->set_value(5);
      if (gw.records()
              .Call(&v1::ObservationService::Stub::RecordObservations, gw.records().observations(),
                    req)
              .ok()) {
        ++out.observations_acknowledged;
      }
    }

    faults_.CutPower();
    out.unsynced_bytes_at_cut = faults_.UnsyncedBytesAtCut();
    ctx->TryCancel();
    (void)stream->Finish();
    client_.reset();
    admin_.reset();
    (void)server_->Shutdown(absl::Seconds(5));  // the machine is dead: nothing more lands
    server_.reset();
    EXPECT_TRUE(faults_.RestorePower().ok());

    Start();
    GatewayClient after(server_->address(), keys_);
    auto read_ctx = GatewayClient::Context("");
    v1::ReadTelemetryRequest read;
    read.set_session_id(session_id);
    auto reader = after.sessions()->ReadTelemetry(read_ctx.get(), read);
    int samples = 0;
    v1::ReadTelemetryResponse part;
    while (reader->Read(&part)) samples += part.offset_ms_size();
    (void)reader->Finish();  // NOT_FOUND when the session itself was lost
    out.chunks_found = samples / 100;
    v1::ListObservationsRequest list;
    list.set_episode_id(episode_id);
    list.set_page_size(100);
    auto listed = after.records().Call(&v1::ObservationService::Stub::ListObservations,
                                       after.records().observations(), list);
    if (listed.ok()) out.observations_found = listed->observations_size();
    return out;
  }

  storage::FaultInjection faults_;
};

TEST_F(PowerLossTest, EverythingAcknowledgedSurvivesAPowerCut) {
  const Survival s = UploadCutAndReboot(/*sync_wal=*/true);
  ASSERT_EQ(s.chunks_acknowledged, 20);  // the precondition: there was something to lose
  ASSERT_EQ(s.observations_acknowledged, 10);
  EXPECT_EQ(s.chunks_found, s.chunks_acknowledged);
  EXPECT_EQ(s.observations_found, s.observations_acknowledged);
}

// The check above, with the fsync before acknowledgement switched off:
// acknowledged writes are lost, and the check sees it.
TEST_F(PowerLossTest, WithoutSyncTheSameCheckFindsAcknowledgedWritesLost) {
  const Survival s = UploadCutAndReboot(/*sync_wal=*/false);
  ASSERT_EQ(s.chunks_acknowledged, 20);
  ASSERT_EQ(s.observations_acknowledged, 10);
  EXPECT_GT(s.unsynced_bytes_at_cut, 0u);
  EXPECT_LT(s.chunks_found + s.observations_found,
            s.chunks_acknowledged + s.observations_acknowledged);
}

}  // namespace
}  // namespace tractus::testing
