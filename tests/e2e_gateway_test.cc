// The device gateway end to end over real gRPC on loopback: enrollment and
// credentials, exactly-once resumable uploads, validation, limits, reads.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What one upload stream saw.
struct Transcript {
  v1::HeaderAck header_ack;
  std::vector<v1::UploadSessionResponse> responses;  // after the header ack
  grpc::Status status;
};

class GatewayE2eTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
    episode_id_ = gw_->MakeEpisode("a", &clinic_id_);
    credential_ = gw_->Enroll(clinic_id_, "DRX-0001");
  }

  // A stream closed without an end: accepted, the session left open.
  static bool LeftOpen(const grpc::Status& s) {
    return s.error_code() == grpc::StatusCode::ABORTED;
  }

  // Sends `session`'s header and chunk 0 on `stream` (credential_'s);
  // returns the server's session id once both are acknowledged, else "".
  std::string OpenWithChunkZero(
      grpc::ClientReaderWriter<v1::UploadSessionRequest, v1::UploadSessionResponse>* stream,
      const std::string& session) {
    v1::UploadSessionRequest header;
    *header.mutable_header() = Header(session);
    v1::UploadSessionResponse resp;
    if (!stream->Write(header) || !stream->Read(&resp)) return "";
    const std::string session_id = resp.header_ack().server_session_id();
    if (!stream->Write(ChunkMsg(0)) || !stream->Read(&resp) || !resp.has_chunk_ack()) return "";
    return session_id;
  }

  // Revokes credential_'s device (the clinic's only one).
  bool RevokeOurDevice() {
    v1::ListDevicesRequest list;
    list.set_clinic_id(clinic_id_);
    auto devices =
        gw_->records().Call(&v1::DeviceAdminService::Stub::ListDevices, gw_->admin(), list);
    if (!devices.ok() || devices->devices_size() != 1) return false;
    v1::RevokeDeviceRequest revoke;
    revoke.set_device_id(devices->devices(0).device_id());
    return gw_->records()
        .Call(&v1::DeviceAdminService::Stub::RevokeDevice, gw_->admin(), revoke)
        .ok();
  }

  v1::SessionHeader Header(const std::string& id) {
    return GatewayClient::Header(id, episode_id_, FixedNow() - absl::Minutes(40),
                                 FixedNow() - absl::Minutes(40));
  }

  // Sends the header, then each message in lock-step, then closes.
  Transcript Upload(const std::string& credential, const v1::SessionHeader& header,
                    const std::vector<v1::UploadSessionRequest>& messages) {
    Transcript t;
    auto ctx = GatewayClient::Context(credential);
    auto stream = gw_->device()->UploadSession(ctx.get());
    v1::UploadSessionRequest req;
    *req.mutable_header() = header;
    v1::UploadSessionResponse resp;
    if (stream->Write(req) && stream->Read(&resp)) {
      t.header_ack = resp.header_ack();
      for (const auto& m : messages) {
        if (!stream->Write(m) || !stream->Read(&resp)) break;
        t.responses.push_back(resp);
      }
    }
    stream->WritesDone();
    while (stream->Read(&resp)) t.responses.push_back(resp);
    t.status = stream->Finish();
    return t;
  }

  static v1::UploadSessionRequest ChunkMsg(const v1::TelemetryChunk& c) {
    v1::UploadSessionRequest r;
    *r.mutable_chunk() = c;
    return r;
  }
  static v1::UploadSessionRequest ChunkMsg(uint32_t seq) {
    return ChunkMsg(GatewayClient::Chunk(seq));
  }
  static v1::UploadSessionRequest EndMsg(uint32_t chunks) {
    v1::UploadSessionRequest r;
    r.mutable_end()->set_chunk_count(chunks);
    r.mutable_end()->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
    r.mutable_end()->set_pre_session_pain(6);
    r.mutable_end()->set_post_session_pain(3);
    return r;
  }

  v1::GetUploadStateResponse State(const std::string& session_id,
                                   const std::string& credential = "") {
    auto ctx = GatewayClient::Context(credential.empty() ? credential_ : credential);
    v1::GetUploadStateRequest req;
    req.set_session_id(session_id);
    v1::GetUploadStateResponse resp;
    EXPECT_TRUE(gw_->device()->GetUploadState(ctx.get(), req, &resp).ok());
    return resp;
  }

  // Samples read back through SessionService.ReadTelemetry, of the session
  // the test table calls `device_session_id`.
  std::vector<int64_t> ReadOffsets(const std::string& device_session_id) {
    return ReadServerOffsets(gw_->ServerSessionId(credential_, device_session_id));
  }
  std::vector<int64_t> ReadServerOffsets(const std::string& session_id) {
    auto ctx = GatewayClient::Context("");
    v1::ReadTelemetryRequest req;
    req.set_session_id(session_id);
    auto reader = gw_->sessions()->ReadTelemetry(ctx.get(), req);
    std::vector<int64_t> offsets;
    v1::ReadTelemetryResponse part;
    while (reader->Read(&part)) offsets.insert(offsets.end(), part.offset_ms().begin(), part.offset_ms().end());
    EXPECT_TRUE(reader->Finish().ok());
    return offsets;
  }

  std::unique_ptr<GatewayClient> gw_;
  std::string clinic_id_;
  std::string episode_id_;
  std::string credential_;
};

TEST_F(GatewayE2eTest, FullSessionIsSummarizedAndReadable) {
  Transcript t = Upload(credential_, Header("s-full"),
                        {ChunkMsg(0), ChunkMsg(1), ChunkMsg(2), EndMsg(3)});
  ASSERT_TRUE(t.status.ok()) << t.status.error_message();
  ASSERT_EQ(t.responses.size(), 4u);
  EXPECT_EQ(t.responses[0].chunk_ack().seq(), 0u);
  EXPECT_EQ(t.responses[0].chunk_ack().count(), 0u);  // no ranges unless the table asks
  const v1::Session& s = t.responses[3].end_ack().session();
  EXPECT_TRUE(s.finalized());
  EXPECT_EQ(s.summary().sample_count(), 300);
  EXPECT_EQ(s.summary().duration().seconds(), 29);  // 0 .. 29.9 s
  EXPECT_EQ(s.summary().peak_force_newtons(), 390);
  EXPECT_EQ(t.header_ack.limits().max_chunks_in_flight(), 8);

  v1::ListSessionsRequest list;
  list.set_episode_id(episode_id_);
  auto listed = gw_->records().Call(&v1::SessionService::Stub::ListSessions, gw_->sessions(), list);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->sessions_size(), 1);
  EXPECT_EQ(listed->sessions(0).device_session_id(), "s-full");
  EXPECT_EQ(listed->sessions(0).session_id(), t.header_ack.server_session_id());
  EXPECT_EQ(ReadOffsets("s-full").size(), 300u);

  // The console pain became device observations of the episode.
  v1::ListObservationsRequest obs;
  obs.set_episode_id(episode_id_);
  auto observations = gw_->records().Call(&v1::ObservationService::Stub::ListObservations,
                                          gw_->records().observations(), obs);
  ASSERT_EQ(observations->observations_size(), 2);
  EXPECT_EQ(observations->observations(0).source(), v1::SOURCE_DEVICE);
}

TEST_F(GatewayE2eTest, TablesThatTakeRangesGetEveryChunkAcknowledgedOnceInOrder) {
  // Windows of 8 chunks written before any acknowledgement is read: the
  // chunks a commit takes together come back as ranges.
  auto ctx = GatewayClient::Context(credential_);
  auto stream = gw_->device()->UploadSession(ctx.get());
  v1::UploadSessionRequest req;
  *req.mutable_header() = Header("s-ranges");
  req.mutable_header()->set_ack_ranges(true);
  v1::UploadSessionResponse resp;
  ASSERT_TRUE(stream->Write(req) && stream->Read(&resp) && resp.has_header_ack());
  std::vector<uint32_t> acked;
  for (uint32_t window = 0; window < 4; ++window) {
    for (uint32_t seq = window * 8; seq < window * 8 + 8; ++seq) {
      ASSERT_TRUE(stream->Write(ChunkMsg(seq)));
    }
    while (acked.size() < window * 8 + 8 && stream->Read(&resp)) {
      ASSERT_TRUE(resp.has_chunk_ack()) << resp.DebugString();
      EXPECT_FALSE(resp.chunk_ack().replayed());
      EXPECT_NE(resp.chunk_ack().count(), 1u);  // a single chunk is sent without a count
      for (uint32_t i = 0; i < std::max<uint32_t>(1, resp.chunk_ack().count()); ++i) {
        acked.push_back(resp.chunk_ack().seq() + i);
      }
    }
  }
  ASSERT_TRUE(stream->Write(EndMsg(32)));
  ASSERT_TRUE(stream->Read(&resp) && resp.has_end_ack()) << resp.DebugString();
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  std::vector<uint32_t> expected(32);
  std::iota(expected.begin(), expected.end(), 0u);
  EXPECT_EQ(acked, expected);
  EXPECT_EQ(ReadOffsets("s-ranges").size(), 3200u);
}

TEST_F(GatewayE2eTest, DuplicateReplayIsAcknowledgedAndStoredOnce) {
  Transcript t = Upload(credential_, Header("s-dup"), {ChunkMsg(0), ChunkMsg(0), ChunkMsg(1)});
  ASSERT_EQ(t.responses.size(), 3u);
  EXPECT_FALSE(t.responses[0].chunk_ack().replayed());
  EXPECT_TRUE(t.responses[1].chunk_ack().replayed());
  EXPECT_EQ(ReadOffsets("s-dup").size(), 200u);
}

TEST_F(GatewayE2eTest, DisconnectAndResumeOnTheSameSession) {
  Transcript first = Upload(credential_, Header("s-resume"), {ChunkMsg(0), ChunkMsg(1)});
  // Closed without an end: the session stays open, and the answer says so.
  EXPECT_EQ(first.status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(first.status.error_message(), HasSubstr("the session stays open"));
  Transcript second = Upload(credential_, Header("s-resume"), {ChunkMsg(2), EndMsg(3)});
  EXPECT_EQ(second.header_ack.next_seq(), 2u);
  ASSERT_TRUE(second.status.ok()) << second.status.error_message();
  EXPECT_TRUE(second.responses.back().end_ack().session().finalized());
  EXPECT_EQ(ReadOffsets("s-resume").size(), 300u);
}

TEST_F(GatewayE2eTest, RebootedTableResumesFromUploadState) {
  // The table stored 0, 1 and 3 before rebooting and forgetting everything.
  Upload(credential_, Header("s-boot"), {ChunkMsg(0), ChunkMsg(1), ChunkMsg(3)});
  v1::GetUploadStateResponse state = State("s-boot");
  EXPECT_TRUE(state.known());
  EXPECT_EQ(state.next_seq(), 2u);
  EXPECT_THAT(state.stored_above(), ElementsAre(3u));
  EXPECT_FALSE(state.finalized());
  EXPECT_FALSE(State("never-seen").known());

  // It uploads exactly what is missing and ends; an end that comes too early
  // names the missing chunks.
  Transcript early = Upload(credential_, Header("s-boot"), {EndMsg(4)});
  ASSERT_EQ(early.responses.size(), 1u);
  ASSERT_TRUE(early.responses[0].has_end_nack());
  ASSERT_EQ(early.responses[0].end_nack().missing().violations_size(), 1);
  EXPECT_EQ(early.responses[0].end_nack().missing().violations(0).subject(), "seq:2");
  Transcript rest = Upload(credential_, Header("s-boot"), {ChunkMsg(2), EndMsg(4)});
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  EXPECT_TRUE(State("s-boot").finalized());
  std::vector<int64_t> offsets = ReadOffsets("s-boot");
  ASSERT_EQ(offsets.size(), 400u);
  for (size_t i = 1; i < offsets.size(); ++i) ASSERT_LT(offsets[i - 1], offsets[i]);
}

TEST_F(GatewayE2eTest, ConflictingReplayIsRefusedAndChangesNothing) {
  Transcript t = Upload(credential_, Header("s-conflict"),
                        {ChunkMsg(GatewayClient::Chunk(0, 100, 390)),
                         ChunkMsg(GatewayClient::Chunk(0, 100, 395)), ChunkMsg(1)});
  ASSERT_EQ(t.responses.size(), 3u);
  ASSERT_TRUE(t.responses[1].has_chunk_nack());
  EXPECT_EQ(t.responses[1].chunk_nack().code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(t.responses[2].has_chunk_ack());  // the stream went on
  auto ctx = GatewayClient::Context("");
  v1::ReadTelemetryRequest req;
  req.set_session_id(gw_->ServerSessionId(credential_, "s-conflict"));
  auto reader = gw_->sessions()->ReadTelemetry(ctx.get(), req);
  v1::ReadTelemetryResponse part;
  ASSERT_TRUE(reader->Read(&part));
  EXPECT_EQ(part.measured_force_newtons(0), 390);
  while (reader->Read(&part)) {
  }
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(GatewayE2eTest, RotatedAndRevokedCredentials) {
  auto ctx = GatewayClient::Context(credential_);
  v1::RotateCredentialRequest rotate;
  v1::RotateCredentialResponse rotated;
  ASSERT_TRUE(gw_->device()->RotateCredential(ctx.get(), rotate, &rotated).ok());
  // Old and new both work during the overlap.
  EXPECT_TRUE(LeftOpen(Upload(credential_, Header("s-old"), {ChunkMsg(0)}).status));
  EXPECT_TRUE(LeftOpen(Upload(rotated.credential(), Header("s-new"), {ChunkMsg(0)}).status));
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(Upload(credential_, Header("s-old2"), {}).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  v1::ListDevicesRequest list;
  list.set_clinic_id(clinic_id_);
  auto devices = gw_->records().Call(&v1::DeviceAdminService::Stub::ListDevices, gw_->admin(), list);
  ASSERT_EQ(devices->devices_size(), 1);
  v1::RevokeDeviceRequest revoke;
  revoke.set_device_id(devices->devices(0).device_id());
  ASSERT_TRUE(gw_->records().Call(&v1::DeviceAdminService::Stub::RevokeDevice, gw_->admin(), revoke).ok());
  EXPECT_EQ(Upload(rotated.credential(), Header("s-new2"), {}).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Upload("", Header("s-anon"), {}).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// A revocation ends a stream opened before it: the next message is refused
// UNAUTHENTICATED and nothing after the revocation is stored or finalized.
TEST_F(GatewayE2eTest, RevokingADeviceEndsItsOpenUploadAtTheNextMessage) {
  auto ctx = GatewayClient::Context(credential_);
  auto stream = gw_->device()->UploadSession(ctx.get());
  const std::string session_id = OpenWithChunkZero(stream.get(), "s-revoked");
  ASSERT_FALSE(session_id.empty());
  ASSERT_TRUE(RevokeOurDevice());

  v1::UploadSessionResponse resp;
  (void)stream->Write(ChunkMsg(1));
  (void)stream->Write(EndMsg(2));
  stream->WritesDone();
  while (stream->Read(&resp)) EXPECT_FALSE(resp.has_chunk_ack() && resp.chunk_ack().seq() == 1);
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();

  EXPECT_EQ(ReadServerOffsets(session_id).size(), 100u);  // chunk 0 only
  v1::GetSessionRequest get;
  get.set_session_id(session_id);
  auto session = gw_->records().Call(&v1::SessionService::Stub::GetSession, gw_->sessions(), get);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_FALSE(session->session().finalized());
}

// Revocation is an event: an open upload that sends nothing more still ends
// at once (no poll, no next message needed), and what it sent before stays.
TEST_F(GatewayE2eTest, RevokingADeviceEndsItsIdleUploadAtOnce) {
  auto ctx = GatewayClient::Context(credential_);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = gw_->device()->UploadSession(ctx.get());
  const std::string session_id = OpenWithChunkZero(stream.get(), "s-idle");
  ASSERT_FALSE(session_id.empty());
  const auto revoked_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(RevokeOurDevice());
  v1::UploadSessionResponse resp;
  EXPECT_FALSE(stream->Read(&resp));  // the server ends it; the table wrote nothing
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::seconds(10));
  EXPECT_EQ(ReadServerOffsets(session_id).size(), 100u);
}

// An end with chunks missing gets an EndNack naming every missing seq as
// ranges (google.rpc.PreconditionFailure), and the stream stays usable: the
// table sends the missing chunks and the end again on it.
TEST_F(GatewayE2eTest, AnEndWithChunksMissingNamesThemAllAndTheStreamGoesOn) {
  Transcript t = Upload(credential_, Header("s-gaps"),
                        {ChunkMsg(0), ChunkMsg(2), ChunkMsg(5), EndMsg(8), ChunkMsg(1),
                         ChunkMsg(3), ChunkMsg(4), ChunkMsg(6), ChunkMsg(7), EndMsg(8)});
  ASSERT_TRUE(t.status.ok()) << t.status.error_message();
  ASSERT_EQ(t.responses.size(), 10u);
  ASSERT_TRUE(t.responses[3].has_end_nack()) << t.responses[3].DebugString();
  const v1::EndNack& nack = t.responses[3].end_nack();
  EXPECT_EQ(nack.code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
  std::vector<std::string> subjects;
  for (const auto& v : nack.missing().violations()) {
    EXPECT_EQ(v.type(), "MISSING_CHUNKS");
    subjects.push_back(v.subject());
  }
  EXPECT_THAT(subjects, ElementsAre("seq:1", "seq:3-4", "seq:6-7"));
  ASSERT_TRUE(t.responses[9].has_end_ack()) << t.responses[9].DebugString();
  EXPECT_TRUE(t.responses[9].end_ack().session().finalized());
  EXPECT_EQ(ReadOffsets("s-gaps").size(), 800u);
}

// Bytes that do not parse as an UploadSessionRequest end the stream with
// INVALID_ARGUMENT (not the OK of a plain half-close); what was
// acknowledged before stays stored. Sent raw by tests/raw_upload.py.
TEST_F(GatewayE2eTest, AnUndecodableMessageEndsTheStreamInvalidArgument) {
  v1::UploadSessionRequest header;
  *header.mutable_header() = Header("s-garbage");
  const auto hex = [](const std::string& bytes) { return absl::BytesToHexString(bytes); };
  const std::string command =
      absl::StrCat("/usr/bin/python3 ", RAW_UPLOAD_PY, " ", server_->address(), " ", credential_,
                   " ", hex(header.SerializeAsString()), " ", hex(ChunkMsg(0).SerializeAsString()),
                   " ffffffff 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  pclose(pipe);
  EXPECT_NE(output.find("status INVALID_ARGUMENT message: the bytes do not parse"),
            std::string::npos)
      << output;
  EXPECT_EQ(ReadOffsets("s-garbage").size(), 100u);  // chunk 0 was acknowledged and kept
}

// A table naming another clinic's episode gets the answer for a missing
// one: the same code and words, over the wire.
TEST_F(GatewayE2eTest, AnotherClinicsEpisodeAnswersLikeAMissingOne) {
  std::string other_clinic;
  gw_->MakeEpisode("b", &other_clinic);
  std::string stranger = gw_->Enroll(other_clinic, "OTHER-1");
  Transcript theirs = Upload(stranger, Header("s-stranger"), {ChunkMsg(0)});
  v1::SessionHeader missing_header = Header("s-stranger");
  missing_header.set_episode_id("ep_00000000000000000000000000000000");
  Transcript missing = Upload(stranger, missing_header, {ChunkMsg(0)});
  EXPECT_EQ(theirs.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(theirs.status.error_code(), missing.status.error_code());
  std::string expected = missing.status.error_message();
  expected.replace(expected.find(missing_header.episode_id()), missing_header.episode_id().size(),
                   episode_id_);
  EXPECT_EQ(theirs.status.error_message(), expected);
  EXPECT_EQ(theirs.status.error_details(), missing.status.error_details());
  EXPECT_TRUE(theirs.responses.empty());
}

// Session ids are each table's own: a second table (of this clinic or
// another) naming its session "session-1" starts its own session.
TEST_F(GatewayE2eTest, TablesMayNameTheirSessionsAlike) {
  const std::string second = gw_->Enroll(clinic_id_, "DRX-0002");
  Transcript first_upload = Upload(credential_, Header("session-1"), {ChunkMsg(0), EndMsg(1)});
  Transcript second_upload =
      Upload(second, Header("session-1"), {ChunkMsg(0), ChunkMsg(1), EndMsg(2)});
  ASSERT_TRUE(first_upload.status.ok()) << first_upload.status.error_message();
  ASSERT_TRUE(second_upload.status.ok()) << second_upload.status.error_message();
  EXPECT_EQ(first_upload.header_ack.session_id(), "session-1");
  EXPECT_NE(first_upload.header_ack.server_session_id(),
            second_upload.header_ack.server_session_id());
  EXPECT_EQ(ReadServerOffsets(first_upload.header_ack.server_session_id()).size(), 100u);
  EXPECT_EQ(ReadServerOffsets(second_upload.header_ack.server_session_id()).size(), 200u);

  v1::ListSessionsRequest list;
  list.set_episode_id(episode_id_);
  auto sessions =
      gw_->records().Call(&v1::SessionService::Stub::ListSessions, gw_->sessions(), list);
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  ASSERT_EQ(sessions->sessions_size(), 2);
  for (const v1::Session& s : sessions->sessions()) {
    EXPECT_EQ(s.device_session_id(), "session-1");
    EXPECT_TRUE(s.finalized());
  }
  EXPECT_NE(sessions->sessions(0).device_id(), sessions->sessions(1).device_id());
}

// A store of schema 3 (session ids global, no device index): rewrites the
// session `server_id` as that version stored it, under `legacy_id`.
void RewriteAsSchema3(const std::string& data_dir, const std::string& server_id,
                      const std::string& legacy_id) {
  using storage::Cf;
  auto store = storage::Store::Open(data_dir, storage::StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  auto bytes = (*store)->Get(Cf::kSessions, storage::SessionKey(server_id));
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  v1::Session session;
  ASSERT_TRUE(session.ParseFromString(*bytes));
  const int64_t start = absl::ToUnixMicros(absl::FromUnixSeconds(session.start_time().seconds()) +
                                           absl::Nanoseconds(session.start_time().nanos()));
  storage::WriteBatch batch;
  batch.Delete(Cf::kSessions, storage::SessionKey(server_id));
  batch.Delete(Cf::kIndex, storage::SessionsByEpisodeKey(session.episode_id(), start, server_id));
  batch.Delete(Cf::kIndex, storage::SessionOfDeviceKey(session.device_id(), legacy_id));
  session.set_session_id(legacy_id);
  session.clear_device_session_id();
  batch.Put(Cf::kSessions, storage::SessionKey(legacy_id), session.SerializeAsString());
  batch.Put(Cf::kIndex, storage::SessionsByEpisodeKey(session.episode_id(), start, legacy_id),
            session.SerializeAsString());
  const std::string prefix = storage::TelemetryPrefix(server_id);
  ASSERT_TRUE((*store)
                  ->Scan(Cf::kTelemetry, prefix, storage::PrefixSuccessor(prefix),
                         [&](absl::string_view key, absl::string_view value) {
                           batch.Delete(Cf::kTelemetry, key);
                           batch.Put(Cf::kTelemetry,
                                     storage::TelemetryKey(
                                         legacy_id, *storage::DecodeTelemetryKeySeq(key)),
                                     value);
                           return true;
                         })
                  .ok());
  batch.Put(Cf::kMeta, storage::SchemaVersionKey(), storage::KeyWriter().U32(3).Release());
  ASSERT_TRUE((*store)->Write(batch).ok());
}

// A session left open in a schema-3 store (its id global) is resumed after
// the upgrade by its table under the same id, and is still its table's
// alone: another table naming a session alike starts its own.
TEST_F(GatewayE2eTest, OpenSessionsOfASchema3StoreResumeAfterTheMigration) {
  ASSERT_TRUE(LeftOpen(Upload(credential_, Header("s-legacy"), {ChunkMsg(0), ChunkMsg(1)}).status));
  const std::string server_id = gw_->ServerSessionId(credential_, "s-legacy");
  ASSERT_FALSE(server_id.empty());
  gw_.reset();
  Stop();
  RewriteAsSchema3(dir_.path() + "/data", server_id, "s-legacy");
  Start();
  gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);

  const v1::GetUploadStateResponse state = State("s-legacy");
  EXPECT_TRUE(state.known());
  EXPECT_EQ(state.next_seq(), 2u);
  EXPECT_EQ(state.server_session_id(), "s-legacy");
  Transcript rest = Upload(credential_, Header("s-legacy"), {ChunkMsg(2), EndMsg(3)});
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  EXPECT_EQ(rest.header_ack.next_seq(), 2u);
  const v1::Session& finished = rest.responses.back().end_ack().session();
  EXPECT_EQ(finished.session_id(), "s-legacy");
  EXPECT_EQ(finished.device_session_id(), "s-legacy");
  EXPECT_EQ(finished.summary().sample_count(), 300);
  EXPECT_EQ(ReadServerOffsets("s-legacy").size(), 300u);

  const std::string second = gw_->Enroll(clinic_id_, "DRX-0002");
  Transcript other = Upload(second, Header("s-legacy"), {ChunkMsg(0), EndMsg(1)});
  ASSERT_TRUE(other.status.ok()) << other.status.error_message();
  EXPECT_EQ(other.header_ack.next_seq(), 0u);
  EXPECT_NE(other.header_ack.server_session_id(), "s-legacy");
}

TEST_F(GatewayE2eTest, OversizeChunkGetsANackAndTheStreamGoesOn) {
  Transcript t = Upload(credential_, Header("s-big"),
                        {ChunkMsg(GatewayClient::Chunk(0, 5000)), ChunkMsg(0)});
  ASSERT_EQ(t.responses.size(), 2u);
  EXPECT_EQ(t.responses[0].chunk_nack().code(),
            static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_TRUE(t.responses[1].has_chunk_ack());
}

TEST_F(GatewayE2eTest, NonMonotonicTimeNamesTheSample) {
  v1::TelemetryChunk bad = GatewayClient::Chunk(0);
  bad.set_offset_ms(42, -200);  // sample 42 jumps back in time
  Transcript t = Upload(credential_, Header("s-time"), {ChunkMsg(bad), ChunkMsg(0)});
  ASSERT_EQ(t.responses.size(), 2u);
  EXPECT_EQ(t.responses[0].chunk_nack().seq(), 0u);
  EXPECT_EQ(t.responses[0].chunk_nack().sample_index(), 42);
  EXPECT_EQ(t.responses[0].chunk_nack().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(t.responses[1].has_chunk_ack());
  EXPECT_EQ(ReadOffsets("s-time").size(), 100u);
}

TEST_F(GatewayE2eTest, LateBacklogIsAcceptedAndMarked) {
  v1::SessionHeader backlog = GatewayClient::Header("s-backlog", episode_id_,
                                                    FixedNow() - absl::Hours(24 * 5), FixedNow());
  Transcript t = Upload(credential_, backlog, {ChunkMsg(0), EndMsg(1)});
  ASSERT_TRUE(t.status.ok()) << t.status.error_message();
  EXPECT_TRUE(t.header_ack.late());
  EXPECT_TRUE(t.responses.back().end_ack().session().late());
}

TEST_F(GatewayE2eTest, StreamWithoutHeaderIsRefused) {
  auto ctx = GatewayClient::Context(credential_);
  auto stream = gw_->device()->UploadSession(ctx.get());
  stream->Write(ChunkMsg(0));
  stream->WritesDone();
  grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto ctx2 = GatewayClient::Context(credential_);
  auto empty = gw_->device()->UploadSession(ctx2.get());
  empty->WritesDone();
  EXPECT_EQ(empty->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GatewayE2eTest, TooManyStreamsPerDeviceIsResourceExhaustedWithRetryDelay) {
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<UploadStream>> open;
  for (int i = 0; i < 2; ++i) {
    contexts.push_back(GatewayClient::Context(credential_));
    open.push_back(gw_->device()->UploadSession(contexts.back().get()));
    v1::UploadSessionRequest req;
    *req.mutable_header() = Header("s-open-" + std::to_string(i));
    ASSERT_TRUE(open.back()->Write(req));
    v1::UploadSessionResponse ack;
    ASSERT_TRUE(open.back()->Read(&ack));  // the stream holds its slot now
  }
  Transcript third = Upload(credential_, Header("s-third"), {});
  EXPECT_EQ(third.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_GE(RetryDelay(third.status), absl::Seconds(1));
  for (auto& s : open) {
    s->WritesDone();
    EXPECT_TRUE(LeftOpen(s->Finish()));
  }
  // Slots are released when streams end.
  EXPECT_TRUE(LeftOpen(Upload(credential_, Header("s-after"), {ChunkMsg(0)}).status));
}

TEST_F(GatewayE2eTest, UploadLimitsAreAdvertised) {
  auto ctx = GatewayClient::Context(credential_);
  v1::GetUploadLimitsRequest req;
  v1::GetUploadLimitsResponse resp;
  ASSERT_TRUE(gw_->device()->GetUploadLimits(ctx.get(), req, &resp).ok());
  EXPECT_EQ(resp.limits().max_samples_per_chunk(), 4096);
  EXPECT_EQ(resp.limits().max_streams_per_device(), 2);
  EXPECT_GT(resp.limits().max_force_newtons(), 0);
}

TEST_F(GatewayE2eTest, EverythingSurvivesARestart) {
  Upload(credential_, Header("s-restart"), {ChunkMsg(0), ChunkMsg(1)});
  Restart();
  gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
  EXPECT_EQ(State("s-restart").next_seq(), 2u);
  Transcript rest = Upload(credential_, Header("s-restart"), {ChunkMsg(2), EndMsg(3)});
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  EXPECT_EQ(ReadOffsets("s-restart").size(), 300u);
}

}  // namespace
}  // namespace tractus::testing
