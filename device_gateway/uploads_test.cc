#include "device_gateway/uploads.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_matchers.h"
#include "device_gateway/gateway_test_util.h"
#include "storage/key_codec.h"
#include "storage/verify.h"

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

  Uploads::Opened Open(const std::string& id, absl::Time start = Now0() - absl::Minutes(40)) {
    auto opened = uploads_->OpenSession(device_, Header(id, start));
    EXPECT_THAT(opened, IsOk());
    return *opened;
  }

  v1::UploadSessionResponse Store(const Uploads::Opened& s, const v1::TelemetryChunk& c) {
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
  Uploads::Opened s = Open("s-1");
  EXPECT_FALSE(Store(s, Chunk(0)).chunk_ack().replayed());
  EXPECT_TRUE(Store(s, Chunk(0)).chunk_ack().replayed());
  EXPECT_EQ(StoredChunkCount(), 1);
}

TEST_F(UploadsTest, ConflictingReplayIsRefusedAndChangesNothing) {
  Uploads::Opened s = Open("s-1");
  Store(s, Chunk(0, 100, 390));
  v1::UploadSessionResponse r = Store(s, Chunk(0, 100, 391));
  ASSERT_TRUE(r.has_chunk_nack());
  EXPECT_EQ(r.chunk_nack().code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
  v1::ReadTelemetryRequest read;
  read.set_session_id(s.session.session_id());
  double force = 0;
  ASSERT_THAT(uploads_->ReadTelemetry(read, [&](const v1::ReadTelemetryResponse& t) {
    force = t.measured_force_newtons(0);
    return true;
  }), IsOk());
  EXPECT_EQ(force, 390);
}

TEST_F(UploadsTest, ReceivedBytesAreStoredAsSentAndReplaysCompareContent) {
  Uploads::Opened s = Open("s-1");
  const v1::TelemetryChunk chunk = Chunk(0);
  // The same chunk as another client might serialize it: flags first.
  v1::TelemetryChunk without_flags = chunk;
  without_flags.clear_flags();
  v1::TelemetryChunk only_flags;
  *only_flags.mutable_flags() = chunk.flags();
  const std::string wire = only_flags.SerializeAsString() + without_flags.SerializeAsString();
  ASSERT_NE(wire, chunk.SerializeAsString());

  auto accepted = uploads_->AcceptChunk(s, chunk, wire);
  ASSERT_THAT(accepted, IsOk());
  ASSERT_TRUE(std::holds_alternative<Uploads::AcceptedChunk>(*accepted));
  ASSERT_THAT(uploads_->CommitChunks(s, {std::get<Uploads::AcceptedChunk>(*accepted)}), IsOk());
  auto stored = store_->Get(storage::Cf::kTelemetry, storage::TelemetryKey(s.session.session_id(), 0));
  ASSERT_THAT(stored, IsOk());
  auto value = storage::DecodeChunkValue(*stored);
  ASSERT_THAT(value, IsOk());
  EXPECT_EQ(value->chunk_bytes, wire);

  // Resent as serialized here, or as received: the same content.
  EXPECT_TRUE(Store(s, chunk).chunk_ack().replayed());
  auto again = uploads_->AcceptChunk(s, chunk, wire);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(std::get<v1::UploadSessionResponse>(*again).chunk_ack().replayed());
  // Other content under the stored seq is refused.
  const v1::TelemetryChunk other = Chunk(0, 100, 391);
  auto conflict = uploads_->AcceptChunk(s, other, other.SerializeAsString());
  ASSERT_THAT(conflict, IsOk());
  EXPECT_EQ(std::get<v1::UploadSessionResponse>(*conflict).chunk_nack().code(),
            static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(StoredChunkCount(), 1);
}

TEST_F(UploadsTest, ResumeReportsStoredChunksAndGaps) {
  Uploads::Opened s = Open("s-1");
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

TEST_F(UploadsTest, SummaryKeptWhileUploadingEqualsTheOneReadBack) {
  // In order on one stream: summarized as the chunks come.
  Uploads::Opened a = Open("in-order");
  // Dropped after two chunks and reopened: the state is rebuilt from the
  // store, and finishing reads the chunks back.
  std::optional<Uploads::Opened> b = Open("resumed");
  for (uint32_t seq = 0; seq < 4; ++seq) {
    v1::TelemetryChunk c = Chunk(seq, 100, 300 + 20 * static_cast<int>(seq));
    Store(a, c);
    if (seq == 2) b = Open("resumed");
    Store(*b, c);
    if (seq == 1) b.reset();  // the last holder went away
  }
  auto done_a = uploads_->FinishSession(a, End(4));
  auto done_b = uploads_->FinishSession(*b, End(4));
  ASSERT_THAT(done_a, IsOk());
  ASSERT_THAT(done_b, IsOk());
  EXPECT_EQ(done_a->summary().SerializeAsString(), done_b->summary().SerializeAsString());
  EXPECT_EQ(done_a->summary().sample_count(), 400);
}

TEST_F(UploadsTest, AcceptedChunksAreCheckedAgainstAndWrittenTogether) {
  Uploads::Opened s = Open("s-1");
  auto first = uploads_->AcceptChunk(s, Chunk(0));
  auto second = uploads_->AcceptChunk(s, Chunk(1));
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  ASSERT_TRUE(std::holds_alternative<Uploads::AcceptedChunk>(*first));
  // Chunk 1 is not written yet, but later chunks are checked against it.
  v1::TelemetryChunk overlapping_chunk = Chunk(1);
  overlapping_chunk.set_seq(2);
  auto overlapping = uploads_->AcceptChunk(s, overlapping_chunk);
  ASSERT_THAT(overlapping, IsOk());
  ASSERT_TRUE(std::holds_alternative<v1::UploadSessionResponse>(*overlapping));
  EXPECT_EQ(std::get<v1::UploadSessionResponse>(*overlapping).chunk_nack().code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  // Another stream cannot finish the session while chunks are in flight.
  EXPECT_THAT(uploads_->FinishSession(Open("s-1"), End(2)),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(StoredChunkCount(), 0);
  ASSERT_THAT(uploads_->CommitChunks(s, {std::get<Uploads::AcceptedChunk>(*first),
                                         std::get<Uploads::AcceptedChunk>(*second)}),
              IsOk());
  EXPECT_EQ(StoredChunkCount(), 2);
  EXPECT_TRUE(Store(s, Chunk(0)).chunk_ack().replayed());
  EXPECT_THAT(uploads_->FinishSession(s, End(2)), IsOk());
}

TEST_F(UploadsTest, ResentChunkStillBeingWrittenWaitsForTheWrite) {
  // A table lost its stream with chunk 0 queued and resends it at once on
  // a new stream: the copy is acknowledged as a replay once chunk 0 lands.
  Uploads::Opened lost = Open("s-1");
  auto first = uploads_->AcceptChunk(lost, Chunk(0));
  ASSERT_THAT(first, IsOk());
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(50));
    EXPECT_THAT(uploads_->CommitChunks(lost, {std::get<Uploads::AcceptedChunk>(*first)}),
                IsOk());
  });
  Uploads::Opened resumed = Open("s-1");
  EXPECT_TRUE(Store(resumed, Chunk(0)).chunk_ack().replayed());
  writer.join();
  EXPECT_EQ(StoredChunkCount(), 1);
}

TEST_F(UploadsTest, ChunksAboveAGapAreBounded) {
  Uploads::Opened s = Open("s-1");
  for (uint32_t seq : {2u, 3u, 4u}) EXPECT_TRUE(Store(s, Chunk(seq)).has_chunk_ack());
  v1::UploadSessionResponse r = Store(s, Chunk(5));  // the test bound is 3
  EXPECT_EQ(r.chunk_nack().code(), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(r.chunk_nack().reason(), HasSubstr("send chunk 0 first"));
  EXPECT_TRUE(Store(s, Chunk(0)).has_chunk_ack());  // the gap's own chunks are taken
  EXPECT_TRUE(Store(s, Chunk(1)).has_chunk_ack());
  EXPECT_TRUE(Store(s, Chunk(5)).has_chunk_ack());
}

TEST_F(UploadsTest, FinalizedSessionIsImmutable) {
  Uploads::Opened s = Open("s-1");
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
  Uploads::Opened s = Open("s-1");
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
  Uploads::Opened s = Open("s-1");
  Store(s, Chunk(1));
  v1::TelemetryChunk overlapping = Chunk(0, 150);  // reaches into chunk 1's time
  v1::UploadSessionResponse r = Store(s, overlapping);
  ASSERT_TRUE(r.has_chunk_nack());
  EXPECT_EQ(r.chunk_nack().sample_index(), 149);
  EXPECT_EQ(StoredChunkCount(), 1);
}

TEST_F(UploadsTest, BadSamplesNameTheSample) {
  Uploads::Opened s = Open("s-1");
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
  EXPECT_FALSE(Open("fresh").session.late());
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

// Another clinic's episode and another device's session answer exactly
// like missing ones: nothing tells a table they exist.
TEST_F(UploadsTest, OtherTenantsRecordsAnswerLikeMissingOnes) {
  std::string other_clinic = MakeClinic("clinic-b");
  v1::Device stranger = EnrollDevice(other_clinic);
  const auto answer = [&](const v1::SessionHeader& header) {
    return uploads_->OpenSession(stranger, header).status();
  };
  v1::SessionHeader missing = Header("s-x", Now0() - absl::Minutes(40));
  const std::string real_episode = missing.episode_id();
  missing.set_episode_id("ep_0123456789abcdef0123456789abcdef");
  const absl::Status for_missing = answer(missing);
  EXPECT_EQ(for_missing.code(), absl::StatusCode::kNotFound);
  v1::SessionHeader theirs = missing;
  theirs.set_episode_id(real_episode);
  const absl::Status for_theirs = answer(theirs);
  EXPECT_EQ(for_theirs.code(), for_missing.code());
  // The same words, with the id named.
  EXPECT_EQ(for_theirs.message(),
            std::string(for_missing.message()).replace(
                for_missing.message().find(missing.episode_id()), missing.episode_id().size(),
                real_episode));

  Open("mine");
  v1::GetUploadStateRequest state;
  state.set_session_id("mine");
  auto theirs_state = uploads_->UploadState(stranger, state);
  state.set_session_id("nobody-has-this");
  auto missing_state = uploads_->UploadState(stranger, state);
  ASSERT_THAT(theirs_state, IsOk());
  ASSERT_THAT(missing_state, IsOk());
  EXPECT_EQ(theirs_state->SerializeAsString(), missing_state->SerializeAsString());
  EXPECT_FALSE(theirs_state->known());
}

// Session ids are the device's own: two tables naming their sessions
// alike upload two sessions, each resumable only by its own table.
TEST_F(UploadsTest, SessionIdsAreScopedToTheDevice) {
  v1::Device other = EnrollDevice(clinic_id_);
  Uploads::Opened mine = Open("session-1");
  auto theirs = uploads_->OpenSession(other, Header("session-1", Now0() - absl::Minutes(30)));
  ASSERT_THAT(theirs, IsOk());
  EXPECT_EQ(mine.ack.session_id(), "session-1");
  EXPECT_EQ(theirs->ack.session_id(), "session-1");
  EXPECT_TRUE(IsOpaqueId(mine.ack.server_session_id(), kSessionIdPrefix));
  EXPECT_TRUE(IsOpaqueId(theirs->ack.server_session_id(), kSessionIdPrefix));
  EXPECT_NE(mine.ack.server_session_id(), theirs->ack.server_session_id());
  EXPECT_EQ(theirs->session.device_session_id(), "session-1");
  EXPECT_EQ(theirs->session.device_id(), other.device_id());

  Store(mine, Chunk(0));
  Store(mine, Chunk(1));
  Store(*theirs, Chunk(0));
  auto mine_again = uploads_->OpenSession(device_, Header("session-1", Now0() - absl::Minutes(40)));
  ASSERT_THAT(mine_again, IsOk());
  EXPECT_EQ(mine_again->ack.server_session_id(), mine.ack.server_session_id());
  EXPECT_EQ(mine_again->ack.next_seq(), 2u);
  v1::GetUploadStateRequest state;
  state.set_session_id("session-1");
  auto their_state = uploads_->UploadState(other, state);
  ASSERT_THAT(their_state, IsOk());
  EXPECT_EQ(their_state->next_seq(), 1u);
  EXPECT_EQ(their_state->server_session_id(), theirs->ack.server_session_id());
  EXPECT_THAT(uploads_->FinishSession(*theirs, End(1)), IsOk());
  EXPECT_THAT(uploads_->FinishSession(mine, End(2)), IsOk());
  EXPECT_EQ(StoredChunkCount(), 3);
}

// A rebooted table that kept its start time to the millisecond resumes; a
// start time a millisecond off is another session.
TEST_F(UploadsTest, ResumingMatchesTheStartTimeToTheMillisecond) {
  const absl::Time start = Now0() - absl::Minutes(40) + absl::Nanoseconds(123456789);
  ASSERT_THAT(uploads_->OpenSession(device_, Header("s-ms", start)), IsOk());
  v1::SessionHeader kept = Header("s-ms", absl::FromUnixMillis(absl::ToUnixMillis(start)));
  EXPECT_THAT(uploads_->OpenSession(device_, kept), IsOk());
  v1::SessionHeader off = Header("s-ms", start + absl::Milliseconds(1));
  EXPECT_THAT(uploads_->OpenSession(device_, off), StatusIs(absl::StatusCode::kAlreadyExists));
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
  clock_.Advance(absl::Hours(1));  // the header reaches the server later: a later start
  Open("s-2", Now0() - absl::Hours(1));
  v1::ListSessionsRequest list;
  list.set_episode_id(episode_id_);
  auto sessions = uploads_->ListSessions(list);
  ASSERT_THAT(sessions, IsOk());
  ASSERT_EQ(sessions->sessions_size(), 2);
  EXPECT_EQ(sessions->sessions(0).device_session_id(), "s-1");  // in start order
}

// The episode's index entries of its sessions, in start order.
std::vector<std::pair<std::string, std::string>> SessionIndex(const storage::Store& store,
                                                              const std::string& episode_id) {
  std::vector<std::pair<std::string, std::string>> entries;
  const std::string prefix = storage::SessionsByEpisodePrefix(episode_id);
  EXPECT_THAT(store.Scan(storage::Cf::kIndex, prefix, storage::PrefixSuccessor(prefix),
                         [&](absl::string_view key, absl::string_view value) {
                           entries.emplace_back(std::string(key), std::string(value));
                           return true;
                         }),
              IsOk());
  return entries;
}

std::vector<std::string> Serialized(const storage::RecordList<v1::Session>& sessions) {
  std::vector<std::string> out;
  for (const v1::Session& s : sessions) out.push_back(s.SerializeAsString());
  return out;
}

TEST_F(UploadsTest, EachSessionIsCopiedIntoItsEpisodesIndexRangeAsItIsWritten) {
  Uploads::Opened first = Open("s-1", Now0() - absl::Hours(3));
  clock_.Advance(absl::Hours(1));  // the header reaches the server later: a later start
  Uploads::Opened second = Open("s-2", Now0() - absl::Hours(1));
  Store(first, Chunk(0));
  ASSERT_THAT(uploads_->FinishSession(first, End(1)), IsOk());

  const auto index = SessionIndex(*store_, episode_id_);
  ASSERT_EQ(index.size(), 2u);  // the finished session's entry was replaced, not added
  std::vector<std::string> records;
  for (const std::string& id : {first.session.session_id(), second.session.session_id()}) {
    records.push_back(*store_->Get(storage::Cf::kSessions, storage::SessionKey(id)));
  }
  EXPECT_EQ(index[0].second, records[0]);
  EXPECT_EQ(index[1].second, records[1]);
  auto sessions = uploads_->SessionsOfEpisode(episode_id_);
  ASSERT_THAT(sessions, IsOk());
  EXPECT_EQ(Serialized(*sessions), records);
  EXPECT_TRUE((*sessions)[0].finalized());
  v1::ListSessionsRequest list;
  list.set_episode_id(episode_id_);
  auto listed = uploads_->ListSessions(list);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->sessions_size(), 2);
  EXPECT_EQ(listed->sessions(0).SerializeAsString(), records[0]);
  EXPECT_TRUE(storage::VerifyDatabase(*store_)->ok());
}

TEST_F(UploadsTest, IndexEntriesWithoutTheCopyAreReadFromTheSessionRecords) {
  // A store written before the copies: empty index values, for one of the
  // sessions or all.
  Uploads::Opened first = Open("s-1", Now0() - absl::Hours(3));
  Open("s-2", Now0() - absl::Hours(2));
  Open("s-3", Now0() - absl::Hours(1));
  Store(first, Chunk(0));
  ASSERT_THAT(uploads_->FinishSession(first, End(1)), IsOk());
  auto expected = uploads_->SessionsOfEpisode(episode_id_);
  ASSERT_THAT(expected, IsOk());
  const auto index = SessionIndex(*store_, episode_id_);
  for (size_t blank : {1u, 3u}) {
    storage::WriteBatch batch;
    for (size_t i = 0; i < blank; ++i) batch.Put(storage::Cf::kIndex, index[i].first, "");
    ASSERT_THAT(store_->Write(batch), IsOk());
    auto sessions = uploads_->SessionsOfEpisode(episode_id_);
    ASSERT_THAT(sessions, IsOk());
    EXPECT_EQ(Serialized(*sessions), Serialized(*expected)) << blank << " blank";
    v1::ListSessionsRequest list;
    list.set_episode_id(episode_id_);
    auto listed = uploads_->ListSessions(list);
    ASSERT_THAT(listed, IsOk());
    ASSERT_EQ(listed->sessions_size(), 3);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(listed->sessions(i).SerializeAsString(), (*expected)[i].SerializeAsString());
    }
    EXPECT_TRUE(storage::VerifyDatabase(*store_)->ok());
  }
}

TEST_F(UploadsTest, ADamagedSessionCopyIsDataLossAndVerifyFindsIt) {
  Open("s-1");
  const auto index = SessionIndex(*store_, episode_id_);
  ASSERT_EQ(index.size(), 1u);
  storage::WriteBatch batch;
  batch.Put(storage::Cf::kIndex, index[0].first, "\xff\xff\xff");
  ASSERT_THAT(store_->Write(batch), IsOk());
  EXPECT_THAT(uploads_->SessionsOfEpisode(episode_id_), StatusIs(absl::StatusCode::kDataLoss));
  v1::ListSessionsRequest list;
  list.set_episode_id(episode_id_);
  EXPECT_THAT(uploads_->ListSessions(list), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_FALSE(storage::VerifyDatabase(*store_)->ok());
}

TEST(UploadsAcknowledgementsTest, RunsOfConsecutiveChunksAreOneAckForTablesThatTakeRanges) {
  const auto accepted = [](uint32_t seq) {
    Uploads::AcceptedChunk c;
    c.seq = seq;
    return Uploads::ChunkDecision(c);
  };
  v1::UploadSessionResponse nack, replay;
  nack.mutable_chunk_nack()->set_seq(3);
  replay.mutable_chunk_ack()->set_seq(5);
  replay.mutable_chunk_ack()->set_replayed(true);
  const std::vector<Uploads::ChunkDecision> batch = {accepted(0), accepted(1), accepted(2), nack,
                                                     accepted(4), accepted(6), accepted(7), replay,
                                                     accepted(9), accepted(8)};
  const auto text = [](const std::vector<v1::UploadSessionResponse>& responses) {
    std::vector<std::string> out;
    for (const auto& r : responses) {
      if (r.has_chunk_nack()) {
        out.push_back(absl::StrCat("nack ", r.chunk_nack().seq()));
      } else {
        out.push_back(absl::StrCat(r.chunk_ack().replayed() ? "replay " : "ack ",
                                   r.chunk_ack().seq(), "+", r.chunk_ack().count()));
      }
    }
    return out;
  };
  EXPECT_THAT(
      text(Uploads::Acknowledgements(batch, /*ack_ranges=*/true)),
      ElementsAre("ack 0+3", "nack 3", "ack 4+0", "ack 6+2", "replay 5+0", "ack 9+0", "ack 8+0"));
  EXPECT_THAT(text(Uploads::Acknowledgements(batch, /*ack_ranges=*/false)),
              ElementsAre("ack 0+0", "ack 1+0", "ack 2+0", "nack 3", "ack 4+0", "ack 6+0",
                          "ack 7+0", "replay 5+0", "ack 9+0", "ack 8+0"));
  EXPECT_TRUE(Uploads::Acknowledgements({}, true).empty());
}

TEST_F(UploadsTest, ReadTelemetryDownsamples) {
  Uploads::Opened s = Open("s-1");
  Store(s, Chunk(0));
  Store(s, Chunk(1));
  v1::ReadTelemetryRequest read;
  read.set_session_id(s.session.session_id());
  read.set_every_nth(10);
  std::vector<int64_t> offsets;
  ASSERT_THAT(uploads_->ReadTelemetry(read, [&](const v1::ReadTelemetryResponse& t) {
    offsets.insert(offsets.end(), t.offset_ms().begin(), t.offset_ms().end());
    return true;
  }), IsOk());
  ASSERT_EQ(offsets.size(), 20u);
  EXPECT_EQ(offsets[1], 1000);
}

// Read a part at a time from a position (as a stream does when its reader
// is slow), the parts and the downsampling are those of one read.
TEST_F(UploadsTest, ReadTelemetryGoesOnFromAPosition) {
  Uploads::Opened s = Open("s-1");
  for (uint32_t seq = 0; seq < 3; ++seq) Store(s, Chunk(seq, 7));
  v1::ReadTelemetryRequest read;
  read.set_session_id(s.session.session_id());
  read.set_every_nth(3);
  std::vector<int64_t> whole;
  ASSERT_THAT(uploads_->ReadTelemetry(read, [&](const v1::ReadTelemetryResponse& t) {
    whole.insert(whole.end(), t.offset_ms().begin(), t.offset_ms().end());
    return true;
  }), IsOk());
  ASSERT_EQ(whole.size(), 7u);  // samples 0, 3, ..., 18 of 21
  Uploads::TelemetryPosition position;
  std::vector<int64_t> paged;
  int calls = 0;
  while (!position.done) {
    ASSERT_LT(++calls, 10);
    ASSERT_THAT(uploads_->ReadTelemetry(read, [&](const v1::ReadTelemetryResponse& t) {
      paged.insert(paged.end(), t.offset_ms().begin(), t.offset_ms().end());
      return false;  // one part per call
    }, &position), IsOk());
  }
  EXPECT_EQ(paged, whole);
  EXPECT_EQ(calls, 4);  // three parts, then one that finds the end
}

}  // namespace
}  // namespace tractus::device_gateway
