#include "device_gateway/uploads.h"

#include "common/errors.h"
#include "common/status_matchers.h"
#include "device_gateway/gateway_test_util.h"
#include "storage/key_codec.h"

namespace tractus::device_gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

class UploadsTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    device_ = EnrollDevice(clinic_id_);
  }

  v1::Session Open(const std::string& id, absl::Time start = Now0() - absl::Minutes(40)) {
    auto opened = uploads_->OpenSession(device_, Header(id, start));
    EXPECT_THAT(opened, IsOk());
    return opened->session;
  }

  v1::UploadSessionResponse Store(const v1::Session& s, const v1::TelemetryChunk& c) {
    auto resp = uploads_->StoreChunk(s, c);
    EXPECT_THAT(resp, IsOk());
    return *resp;
  }

  v1::SessionEnd End(uint32_t chunks) {
    v1::SessionEnd end;
    end.set_chunk_count(chunks);
    end.set_outcome(v1::SESSION_OUTCOME_COMPLETED);
    end.set_pre_session_pain(6);
    end.set_post_session_pain(4);
    return end;
  }

  int StoredChunkCount() {
    int n = 0;
    EXPECT_THAT(store_->Scan(storage::Cf::kTelemetry, "", "",
                             [&](absl::string_view, absl::string_view) { return ++n, true; }),
                IsOk());
    return n;
  }

  v1::Device device_;
};

TEST_F(UploadsTest, ReplayIsAcknowledgedAndStoredOnce) {
  v1::Session s = Open("s-1");
  EXPECT_FALSE(Store(s, Chunk(0)).chunk_ack().replayed());
  EXPECT_TRUE(Store(s, Chunk(0)).chunk_ack().replayed());
  EXPECT_EQ(StoredChunkCount(), 1);
}

TEST_F(UploadsTest, ConflictingReplayIsRefusedAndChangesNothing) {
  v1::Session s = Open("s-1");
  Store(s, Chunk(0, 100, 390));
  v1::UploadSessionResponse r = Store(s, Chunk(0, 100, 391));
  ASSERT_TRUE(r.has_chunk_nack());
  EXPECT_EQ(r.chunk_nack().code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
  v1::ReadTelemetryRequest read;
  read.set_session_id("s-1");
  double force = 0;
  ASSERT_THAT(uploads_->ReadTelemetry(read, [&](const v1::ReadTelemetryResponse& t) {
    force = t.measured_force_newtons(0);
    return true;
  }), IsOk());
  EXPECT_EQ(force, 390);
}

TEST_F(UploadsTest, ResumeReportsStoredChunksAndGaps) {
  v1::Session s = Open("s-1");
  Store(s, Chunk(0));
  Store(s, Chunk(1));
  Store(s, Chunk(3));  // out of order: 2 is missing
  auto again = uploads_->OpenSession(device_, Header("s-1", Now0() - absl::Minutes(40)));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->ack.next_seq(), 2u);
  EXPECT_THAT(again->ack.stored_above(), ElementsAre(3u));
  v1::GetUploadStateRequest state;
  state.set_session_id("s-1");
  auto st = uploads_->UploadState(device_, state);
  EXPECT_TRUE(st->known());
  EXPECT_EQ(st->next_seq(), 2u);
  EXPECT_FALSE(st->finalized());

  // Ending with a gap names the missing chunk; filling it lets it finish.
  EXPECT_THAT(uploads_->FinishSession(s, End(4)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("missing: 2")));
  Store(s, Chunk(2));
  auto done = uploads_->FinishSession(s, End(4));
  ASSERT_THAT(done, IsOk());
  EXPECT_TRUE(done->finalized());
  EXPECT_EQ(done->summary().sample_count(), 400);
  EXPECT_NEAR(done->summary().traction_dose_newton_seconds(), 390 * 39.9, 1e-6);
}

TEST_F(UploadsTest, FinalizedSessionIsImmutable) {
  v1::Session s = Open("s-1");
  Store(s, Chunk(0));
  ASSERT_THAT(uploads_->FinishSession(s, End(1)), IsOk());
  EXPECT_THAT(uploads_->FinishSession(s, End(1)), IsOk());  // replayed end
  v1::SessionEnd aborted = End(1);
  aborted.set_outcome(v1::SESSION_OUTCOME_ABORTED);
  aborted.set_abort_reason("patient stop");
  EXPECT_THAT(uploads_->FinishSession(s, aborted),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  v1::UploadSessionResponse late = Store(s, Chunk(1));
  EXPECT_EQ(late.chunk_nack().code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(uploads_->OpenSession(device_, Header("s-1", Now0() - absl::Minutes(40))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(UploadsTest, ConsolePainBecomesDeviceObservations) {
  v1::Session s = Open("s-1");
  Store(s, Chunk(0));
  ASSERT_THAT(uploads_->FinishSession(s, End(1)), IsOk());
  v1::ListObservationsRequest list;
  list.set_episode_id(episode_id_);
  auto obs = records_->ListObservations(list);
  ASSERT_EQ(obs->observations_size(), 2);
  EXPECT_EQ(obs->observations(0).source(), v1::SOURCE_DEVICE);
  EXPECT_EQ(obs->observations(0).value(), 6);
  EXPECT_EQ(obs->observations(1).value(), 4);
}

TEST_F(UploadsTest, TimeMustRunOnAcrossChunks) {
  v1::Session s = Open("s-1");
  Store(s, Chunk(1));
  v1::TelemetryChunk overlapping = Chunk(0, 150);  // reaches into chunk 1's time
  v1::UploadSessionResponse r = Store(s, overlapping);
  ASSERT_TRUE(r.has_chunk_nack());
  EXPECT_EQ(r.chunk_nack().sample_index(), 149);
  EXPECT_EQ(StoredChunkCount(), 1);
}

TEST_F(UploadsTest, BadSamplesNameTheSample) {
  v1::Session s = Open("s-1");
  v1::TelemetryChunk c = Chunk(0);
  c.set_measured_force_dn(17, 200000);  // a huge jump at sample 17
  v1::UploadSessionResponse r = Store(s, c);
  ASSERT_TRUE(r.has_chunk_nack());
  EXPECT_EQ(r.chunk_nack().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(r.chunk_nack().sample_index(), 17);
  EXPECT_EQ(StoredChunkCount(), 0);
}

TEST_F(UploadsTest, LateBacklogIsAcceptedAndMarked) {
  // Recorded three days ago while offline, uploaded now.
  v1::SessionHeader backlog = Header("old", Now0() - absl::Hours(72));
  *backlog.mutable_device_send_time() = records::ToProto(Now0());
  auto opened = uploads_->OpenSession(device_, backlog);
  ASSERT_THAT(opened, IsOk());
  EXPECT_TRUE(opened->ack.late());
  EXPECT_FALSE(Open("fresh").late());
}

TEST_F(UploadsTest, ClockOffsetCorrectsTheStartTime) {
  // The table's clock is 10 minutes slow.
  v1::SessionHeader h = Header("drift", Now0() - absl::Minutes(50));
  *h.mutable_device_send_time() = records::ToProto(Now0() - absl::Minutes(10));
  auto opened = uploads_->OpenSession(device_, h);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->ack.clock_offset().seconds(), 600);
  EXPECT_EQ(records::FromProto(opened->session.start_time()), Now0() - absl::Minutes(40));
}

TEST_F(UploadsTest, DeviceOfAnotherClinicIsRefused) {
  std::string other_clinic = MakeClinic("clinic-b");
  v1::Device stranger = EnrollDevice(other_clinic);
  EXPECT_THAT(uploads_->OpenSession(stranger, Header("s-x", Now0() - absl::Minutes(40))),
              StatusIs(absl::StatusCode::kPermissionDenied));
  Open("mine");
  v1::GetUploadStateRequest state;
  state.set_session_id("mine");
  EXPECT_THAT(uploads_->UploadState(stranger, state),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(UploadsTest, ProtocolMustFitThePlan) {
  v1::SessionHeader h = Header("strong", Now0());
  h.mutable_protocol()->set_max_force_newtons(500);  // plan says 400 N
  auto r = uploads_->OpenSession(device_, h);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FieldViolationsOf(r.status())[0].field, "header.protocol.max_force_newtons");
  h.set_session_id("");
  h.mutable_protocol()->set_mode(v1::TRACTION_MODE_UNSPECIFIED);
  auto bad = uploads_->OpenSession(device_, h);
  EXPECT_EQ(FieldViolationsOf(bad.status()).size(), 2u);
}

TEST_F(UploadsTest, SessionsAreListedForTheEpisode) {
  Open("s-1", Now0() - absl::Hours(3));
  Open("s-2", Now0() - absl::Hours(1));
  v1::ListSessionsRequest list;
  list.set_episode_id(episode_id_);
  auto sessions = uploads_->ListSessions(list);
  ASSERT_THAT(sessions, IsOk());
  ASSERT_EQ(sessions->sessions_size(), 2);
  EXPECT_EQ(sessions->sessions(0).session_id(), "s-1");  // in start order
}

TEST_F(UploadsTest, ReadTelemetryDownsamples) {
  v1::Session s = Open("s-1");
  Store(s, Chunk(0));
  Store(s, Chunk(1));
  v1::ReadTelemetryRequest read;
  read.set_session_id("s-1");
  read.set_every_nth(10);
  std::vector<int64_t> offsets;
  ASSERT_THAT(uploads_->ReadTelemetry(read, [&](const v1::ReadTelemetryResponse& t) {
    offsets.insert(offsets.end(), t.offset_ms().begin(), t.offset_ms().end());
    return true;
  }), IsOk());
  ASSERT_EQ(offsets.size(), 20u);
  EXPECT_EQ(offsets[1], 1000);
}

}  // namespace
}  // namespace tractus::device_gateway
