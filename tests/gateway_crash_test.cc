// The tractusd binary killed with SIGKILL while a table streams chunks with
// many in flight: after a restart every acknowledged chunk is stored exactly
// once, the stored chunks are a gapless prefix, and the table resumes and
// finalizes the session.
#include <signal.h>

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/test_dir.h"
#include "tests/gateway_client.h"
#include "tests/subprocess.h"

namespace tractus::testing {
namespace {

constexpr uint32_t kChunks = 400;
constexpr int kKills = 3;

class GatewayCrashTest : public ::testing::Test {
 protected:
  std::unique_ptr<Subprocess> StartServer(std::string* address) {
    auto p = std::make_unique<Subprocess>(std::vector<std::string>{
        TRACTUSD_PATH, "--listen=127.0.0.1:0", "--data_dir=" + dir_.path() + "/data",
        "--sync_wal=true", "--log_level=warn"});
    *address = p->WaitForLine("tractusd listening on ", absl::Seconds(30));
    return p;
  }

  TestDir dir_;
};

TEST_F(GatewayCrashTest, AcknowledgedChunksSurviveSigkillExactlyOnce) {
  std::string address;
  auto server = StartServer(&address);
  ASSERT_FALSE(address.empty()) << server->output();
  auto keys = MakeTestKeys(address, dir_.path() + "/data/bootstrap-admin.key");
  ASSERT_TRUE(keys.ok()) << keys.status();
  auto gw = std::make_unique<GatewayClient>(address, *keys);
  std::string clinic_id;
  const std::string episode_id = gw->MakeEpisode("crash", &clinic_id);
  const std::string credential = gw->Enroll(clinic_id, "CRASH-1");
  const absl::Time start = absl::Now() - absl::Hours(1);
  const v1::SessionHeader header =
      GatewayClient::Header("s-crash", episode_id, start, absl::Now());

  uint32_t max_acked = 0;
  bool any_acked = false;
  for (int kill = 0; kill <= kKills; ++kill) {
    // Stream from wherever the server says to resume, all chunks in flight.
    auto ctx = GatewayClient::Context(credential, absl::Seconds(60));
    auto stream = gw->device()->UploadSession(ctx.get());
    v1::UploadSessionRequest req;
    *req.mutable_header() = header;
    v1::UploadSessionResponse resp;
    ASSERT_TRUE(stream->Write(req) && stream->Read(&resp)) << server->output();
    const uint32_t from = resp.header_ack().next_seq();
    EXPECT_TRUE(resp.header_ack().stored_above().empty());
    if (any_acked) {
      EXPECT_GT(from, max_acked) << "an acknowledged chunk was lost";
    }

    absl::Mutex mu;
    uint32_t acks_this_round = 0;
    std::thread reader([&] {
      v1::UploadSessionResponse r;
      while (stream->Read(&r)) {
        absl::MutexLock lock(&mu);
        if (r.has_chunk_ack()) {
          ASSERT_FALSE(r.chunk_ack().replayed());
          max_acked = std::max(max_acked, r.chunk_ack().seq());
          any_acked = true;
          ++acks_this_round;
        }
      }
    });
    std::thread writer([&] {
      for (uint32_t seq = from; seq < kChunks; ++seq) {
        v1::UploadSessionRequest chunk;
        *chunk.mutable_chunk() = GatewayClient::Chunk(seq);
        if (!stream->Write(chunk)) break;
      }
      if (kill == kKills) {
        v1::UploadSessionRequest end;
        end.mutable_end()->set_chunk_count(kChunks);
        end.mutable_end()->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
        stream->Write(end);
      }
      stream->WritesDone();
    });

    if (kill < kKills) {
      // Kill once some chunks are acknowledged and more are in flight.
      const absl::Time deadline = absl::Now() + absl::Seconds(30);
      while (absl::Now() < deadline) {
        {
          absl::MutexLock lock(&mu);
          if (acks_this_round >= static_cast<uint32_t>(20 + 15 * kill)) break;
        }
        absl::SleepFor(absl::Milliseconds(1));
      }
      server->Signal(SIGKILL);
      EXPECT_EQ(server->Wait(absl::Seconds(10)), 128 + SIGKILL);
      ctx->TryCancel();
    }
    writer.join();
    reader.join();
    grpc::Status finished = stream->Finish();
    if (kill < kKills) {
      server = StartServer(&address);
      ASSERT_FALSE(address.empty()) << server->output();
      gw = std::make_unique<GatewayClient>(address, *keys);
    } else {
      EXPECT_TRUE(finished.ok()) << finished.error_message();
    }
  }

  // Everything is there exactly once, in order, and the session is final.
  const std::string session_id = gw->ServerSessionId(credential, "s-crash");
  ASSERT_FALSE(session_id.empty());
  auto ctx = GatewayClient::Context("");
  v1::ReadTelemetryRequest read;
  read.set_session_id(session_id);
  auto reader = gw->sessions()->ReadTelemetry(ctx.get(), read);
  std::vector<int64_t> offsets;
  v1::ReadTelemetryResponse part;
  while (reader->Read(&part)) {
    offsets.insert(offsets.end(), part.offset_ms().begin(), part.offset_ms().end());
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(offsets.size(), kChunks * 100u);
  for (size_t i = 0; i < offsets.size(); ++i) ASSERT_EQ(offsets[i], static_cast<int64_t>(i) * 100);
  v1::GetSessionRequest get;
  get.set_session_id(session_id);
  auto session = gw->records().Call(&v1::SessionService::Stub::GetSession, gw->sessions(), get);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_TRUE(session->session().finalized());
  EXPECT_EQ(session->session().summary().sample_count(), kChunks * 100);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(absl::Seconds(20)), 0);
}

}  // namespace
}  // namespace tractus::testing
