// Security behaviour over a real server: revocation takes effect at once,
// tokens follow their key, rate limits and stream caps answer
// RESOURCE_EXHAUSTED with a retry delay, long calls need deadlines, the
// device port has its own size limit, and a tampered audit log is detected.
#include <grpcpp/grpcpp.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "records/test_requests.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

class SecurityE2eTest : public ServerFixture {
 protected:
  // One call, no retries.
  absl::Status WhoAmI(const std::string& bearer) {
    auto stub = v1::AuthService::NewStub(TestChannel(server_->address(), bearer));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::WhoAmIResponse resp;
    return cli::FromGrpc(stub->WhoAmI(&ctx, v1::WhoAmIRequest(), &resp));
  }

  std::string KeyId(const std::string& secret) {
    return secret.substr(5, 35);  // "tak1." + "ak_" + 32 hex
  }

  // What a client sends as its bearer: the API key itself, or a token
  // issued for it; empty if the token cannot be had.
  std::string Bearer(const std::string& key, bool behind_token) {
    if (!behind_token) return key;
    cli::Client by_key(TestChannel(server_->address(), key), absl::Seconds(5));
    auto token =
        by_key.Call(&v1::AuthService::Stub::IssueToken, by_key.auth(), v1::IssueTokenRequest());
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? token->token() : "";
  }

};

TEST_F(SecurityE2eTest, RevokingAKeyEndsItAndItsTokensAtOnce) {
  auto clinic = CreateClinic(records::testing::ClinicRequest("rev"));
  ASSERT_TRUE(clinic.ok());
  auto key = MakeUserKey(server_->address(), keys_, v1::ROLE_CLINICIAN,
                         {clinic->clinic().clinic_id()});
  ASSERT_TRUE(key.ok());
  cli::Client by_key(TestChannel(server_->address(), *key), absl::Seconds(5));
  auto token = by_key.Call(&v1::AuthService::Stub::IssueToken, by_key.auth(),
                           v1::IssueTokenRequest());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_TRUE(WhoAmI(*key).ok());
  EXPECT_TRUE(WhoAmI(token->token()).ok());

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(KeyId(*key));
  ASSERT_TRUE(admin_->Call(&v1::AdminService::Stub::RevokeApiKey, admin_->admin(), revoke).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(WhoAmI(*key)));
  EXPECT_TRUE(absl::IsUnauthenticated(WhoAmI(token->token())));
  // Still refused after a restart (the revocation is stored).
  Restart();
  EXPECT_TRUE(absl::IsUnauthenticated(WhoAmI(*key)));
  EXPECT_TRUE(WhoAmI(keys_.clinician).ok());
}

// Revoking an API key (also behind a token) or disabling or rescoping its
// user ends the alert streams it opened before: UNAUTHENTICATED within one
// poll, and no alert is sent after.
TEST_F(SecurityE2eTest, RevocationEndsStreamsOpenedBefore) {
  auto clinic = CreateClinic(records::testing::ClinicRequest("stream-rev"));
  ASSERT_TRUE(clinic.ok());
  const std::string clinic_id = clinic->clinic().clinic_id();
  auto other = CreateClinic(records::testing::ClinicRequest("stream-rev-2"));
  ASSERT_TRUE(other.ok());
  enum class How { kRevokeKey, kRevokeKeyBehindToken, kDisableUser, kRemoveClinic };
  for (How how : {How::kRevokeKey, How::kRevokeKeyBehindToken, How::kDisableUser,
                  How::kRemoveClinic}) {
    auto key = MakeUserKey(server_->address(), keys_, v1::ROLE_CLINICIAN, {clinic_id});
    ASSERT_TRUE(key.ok());
    const std::string bearer = Bearer(*key, how == How::kRevokeKeyBehindToken);
    ASSERT_FALSE(bearer.empty());
    auto stub = v1::OutcomeService::NewStub(TestChannel(server_->address(), bearer));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::StreamClinicAlertsRequest req;
    req.set_clinic_id(clinic_id);
    auto stream = stub->StreamClinicAlerts(&ctx, req);
    stream->WaitForInitialMetadata();  // admitted

    if (how == How::kRevokeKey || how == How::kRevokeKeyBehindToken) {
      v1::RevokeApiKeyRequest revoke;
      revoke.set_key_id(KeyId(*key));
      ASSERT_TRUE(admin_->Call(&v1::AdminService::Stub::RevokeApiKey, admin_->admin(), revoke).ok());
    } else {
      cli::Client by_key(TestChannel(server_->address(), *key), absl::Seconds(5));
      auto me = by_key.Call(&v1::AuthService::Stub::WhoAmI, by_key.auth(), v1::WhoAmIRequest());
      ASSERT_TRUE(me.ok());
      v1::UpdateUserRequest update;
      update.mutable_user()->set_user_id(me->principal_id());
      if (how == How::kDisableUser) {
        update.mutable_user()->set_disabled(true);
        update.mutable_update_mask()->add_paths("disabled");
      } else {
        update.mutable_user()->add_clinic_ids(other->clinic().clinic_id());
        update.mutable_update_mask()->add_paths("clinic_ids");
      }
      ASSERT_TRUE(admin_->Call(&v1::AdminService::Stub::UpdateUser, admin_->admin(), update).ok());
    }
    const absl::Time revoked = absl::Now();
    v1::StreamClinicAlertsResponse part;
    while (stream->Read(&part)) {
    }
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << static_cast<int>(how) << " " << status.error_message();
    EXPECT_LT(absl::Now() - revoked, absl::Seconds(5)) << static_cast<int>(how);
  }
}

// A telemetry read (a long server stream) opened before its key is revoked
// — used directly or behind a token — ends UNAUTHENTICATED at the next part:
// the rest of the session is not sent.
TEST_F(SecurityE2eTest, RevocationEndsTelemetryReadsOpenedBefore) {
  GatewayClient gw(server_->address(), keys_);
  std::string clinic_id;
  const std::string episode_id = gw.MakeEpisode("read-rev", &clinic_id);
  const std::string table = gw.Enroll(clinic_id, "READ-REV-1");
  // 150,000 samples (~5 MB to send): far more than the transport buffers.
  constexpr int kChunks = 150;
  v1::SessionHeader header = GatewayClient::Header("s-long", episode_id,
                                                   FixedNow() - absl::Hours(5), FixedNow());
  header.mutable_protocol()->set_planned_minutes(90);
  const grpc::Status uploaded = gw.UploadWholeSession(table, header, kChunks, 1000);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error_message();
  const std::string session_id = gw.ServerSessionId(table, "s-long");
  ASSERT_FALSE(session_id.empty());
  for (bool behind_token : {false, true}) {
    auto key = MakeUserKey(server_->address(), keys_, v1::ROLE_CLINICIAN, {clinic_id});
    ASSERT_TRUE(key.ok());
    const std::string bearer = Bearer(*key, behind_token);
    ASSERT_FALSE(bearer.empty());
    auto sessions = v1::SessionService::NewStub(TestChannel(server_->address(), bearer));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ReadTelemetryRequest read;
    read.set_session_id(session_id);
    auto reader = sessions->ReadTelemetry(&ctx, read);
    v1::ReadTelemetryResponse part;
    ASSERT_TRUE(reader->Read(&part));  // admitted and sending
    int64_t samples = part.offset_ms_size();

    v1::RevokeApiKeyRequest revoke;
    revoke.set_key_id(KeyId(*key));
    ASSERT_TRUE(admin_->Call(&v1::AdminService::Stub::RevokeApiKey, admin_->admin(), revoke).ok());
    while (reader->Read(&part)) samples += part.offset_ms_size();
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << behind_token << " " << status.error_message();
    EXPECT_LT(samples, int64_t{kChunks} * 1000) << behind_token;
  }
}

// A clinician of clinic A probing a patient, an episode and a session of
// clinic B gets NOT_FOUND, and each probe is audited under the ids it
// named: an audit query for patient B shows who looked.
TEST_F(SecurityE2eTest, RefusedCallsAreAuditedUnderTheIdsTheyNamed) {
  auto clinic_a = CreateClinic(records::testing::ClinicRequest("probe-a"));
  auto clinic_b = CreateClinic(records::testing::ClinicRequest("probe-b"));
  ASSERT_TRUE(clinic_a.ok() && clinic_b.ok());
  auto patient = client_->Call(
      &v1::PatientService::Stub::CreatePatient, client_->patients(),
      records::testing::PatientRequest(clinic_b->clinic().clinic_id(), "probed"));
  ASSERT_TRUE(patient.ok()) << patient.status();
  const std::string patient_b = patient->patient().patient_id();
  auto key = MakeUserKey(server_->address(), keys_, v1::ROLE_CLINICIAN,
                         {clinic_a->clinic().clinic_id()});
  ASSERT_TRUE(key.ok());
  cli::Client prober(TestChannel(server_->address(), *key), absl::Seconds(5));
  v1::GetPatientRequest get;
  get.set_patient_id(patient_b);
  auto probe = prober.Call(&v1::PatientService::Stub::GetPatient, prober.patients(), get);
  ASSERT_TRUE(absl::IsNotFound(probe.status())) << probe.status();

  v1::QueryAuditLogRequest q;
  q.set_patient_id(patient_b);
  q.set_page_size(1000);
  auto audit = admin_->Call(&v1::AdminService::Stub::QueryAuditLog, admin_->admin(), q);
  ASSERT_TRUE(audit.ok()) << audit.status();
  bool seen = false;
  for (const v1::AuditEntry& e : audit->entries()) {
    if (e.method() == "tractus.v1.PatientService/GetPatient" && e.outcome() == "NOT_FOUND") {
      seen = true;
      EXPECT_EQ(e.patient_id(), patient_b);
      EXPECT_NE(e.principal_id(), "anonymous");
    }
  }
  EXPECT_TRUE(seen) << "the probe is not in the audit log under patient " << patient_b;
  // The chain still verifies with the new fields.
  auto verify = admin_->Call(&v1::AdminService::Stub::VerifyAuditLog, admin_->admin(),
                             v1::VerifyAuditLogRequest());
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->intact()) << verify->problem();
}

TEST_F(SecurityE2eTest, TokensExpire) {
  auto token = client_->Call(&v1::AuthService::Stub::IssueToken, client_->auth(),
                             v1::IssueTokenRequest());
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(WhoAmI(token->token()).ok());
  clock_.Advance(absl::Minutes(16));
  EXPECT_TRUE(absl::IsUnauthenticated(WhoAmI(token->token())));
}

TEST_F(SecurityE2eTest, RateLimitAnswersWithARetryDelay) {
  rate_limit_ = {5, 5};
  Restart();
  auto stub = v1::AuthService::NewStub(TestChannel(server_->address(), keys_.clinician));
  auto call = [&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::WhoAmIResponse resp;
    return stub->WhoAmI(&ctx, v1::WhoAmIRequest(), &resp);
  };
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(call().ok()) << i;
  grpc::Status over = call();
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(RetryDelay(over), absl::Milliseconds(200));
  // Another principal is not affected; time refills the bucket.
  EXPECT_TRUE(WhoAmI(keys_.admin).ok());
  clock_.Advance(absl::Milliseconds(200));
  EXPECT_TRUE(call().ok());
}

TEST_F(SecurityE2eTest, FailedAuthenticationsAreLimitedPerAddress) {
  failed_auth_limit_ = {1, 3};
  Restart();
  const std::string wrong = "tak1.ak_00000000000000000000000000000000." + std::string(43, 'A');
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(absl::IsUnauthenticated(WhoAmI(wrong))) << i;
  EXPECT_TRUE(absl::IsResourceExhausted(WhoAmI(wrong)));
  // Good keys from the same address still work.
  EXPECT_TRUE(WhoAmI(keys_.clinician).ok());
}

TEST_F(SecurityE2eTest, LongCallsNeedADeadline) {
  ASSERT_TRUE(CreateClinic(records::testing::ClinicRequest("deadline")).ok());
  auto stub = v1::OutcomeService::NewStub(TestChannel(server_->address(), keys_.clinician));
  grpc::ClientContext no_deadline;
  v1::GetCohortOutcomesResponse resp;
  grpc::Status s = stub->GetCohortOutcomes(&no_deadline, v1::GetCohortOutcomesRequest(), &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("grpc-timeout"), std::string::npos) << s.error_message();
  grpc::ClientContext with_deadline;
  with_deadline.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetCohortOutcomesRequest cohort;
  cohort.set_condition(v1::CONDITION_SCIATICA);
  s = stub->GetCohortOutcomes(&with_deadline, cohort, &resp);
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
}

TEST_F(SecurityE2eTest, LongLivedStreamsPerPrincipalAreCapped) {
  max_streams_per_principal_ = 2;
  Restart();
  auto clinic = CreateClinic(records::testing::ClinicRequest("streams"));
  ASSERT_TRUE(clinic.ok());
  auto stub = v1::OutcomeService::NewStub(TestChannel(server_->address(), keys_.clinician));
  v1::StreamClinicAlertsRequest req;
  req.set_clinic_id(clinic->clinic().clinic_id());
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::StreamClinicAlertsResponse>>> open;
  for (int i = 0; i < 2; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    open.push_back(stub->StreamClinicAlerts(contexts.back().get(), req));
    open.back()->WaitForInitialMetadata();  // admitted and holding a slot
  }
  grpc::ClientContext third;
  third.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto refused = stub->StreamClinicAlerts(&third, req);
  v1::StreamClinicAlertsResponse part;
  while (refused->Read(&part)) {
  }
  grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_GT(RetryDelay(s), absl::ZeroDuration());
  for (auto& ctx : contexts) ctx->TryCancel();
  for (auto& r : open) (void)r->Finish();
}

TEST_F(SecurityE2eTest, DevicePortHasItsOwnMessageSizeLimit) {
  device_listen_ = "127.0.0.1:0";
  device_max_receive_message_bytes_ = 16 << 10;
  Restart();
  ASSERT_FALSE(server_->device_address().empty());
  GatewayClient gw(server_->address(), keys_);
  std::string clinic_id;
  const std::string episode_id = gw.MakeEpisode("port", &clinic_id);
  const std::string credential = gw.Enroll(clinic_id, "PORT-1");
  auto device = v1::DeviceService::NewStub(TestChannel(server_->device_address(), ""));
  auto upload = [&](int samples) {
    auto ctx = GatewayClient::Context(credential);
    auto stream = device->UploadSession(ctx.get());
    v1::UploadSessionRequest req;
    *req.mutable_header() = GatewayClient::Header("s-port-" + std::to_string(samples), episode_id,
                                                  FixedNow() - absl::Hours(1), FixedNow());
    v1::UploadSessionResponse resp;
    EXPECT_TRUE(stream->Write(req) && stream->Read(&resp));
    req.Clear();
    *req.mutable_chunk() = GatewayClient::Chunk(0, samples);
    stream->Write(req);
    stream->Read(&resp);
    stream->WritesDone();
    while (stream->Read(&resp)) {
    }
    return stream->Finish();
  };
  // Accepted, and left open (no end sent): ABORTED says so.
  EXPECT_EQ(upload(100).error_code(), grpc::StatusCode::ABORTED);
  // ~5 bytes a sample: 5000 samples are over 16 KiB on this port, though
  // well under the main port's limit.
  EXPECT_EQ(upload(5000).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(SecurityE2eTest, TamperedAuditLogIsDetected) {
  auto clinic = CreateClinic(records::testing::ClinicRequest("audit"));
  ASSERT_TRUE(clinic.ok());
  auto patient = client_->Call(&v1::PatientService::Stub::CreatePatient, client_->patients(),
                               records::testing::PatientRequest(clinic->clinic().clinic_id(), "au"));
  ASSERT_TRUE(patient.ok());
  v1::GetPatientRequest get;
  get.set_patient_id(patient->patient().patient_id());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client_->Call(&v1::PatientService::Stub::GetPatient, client_->patients(), get).ok());
  }
  v1::QueryAuditLogRequest q;
  q.set_patient_id(patient->patient().patient_id());
  auto entries = admin_->Call(&v1::AdminService::Stub::QueryAuditLog, admin_->admin(), q);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->entries_size(), 4);  // the create and three reads
  EXPECT_EQ(entries->entries(1).method(), "tractus.v1.PatientService/GetPatient");
  EXPECT_EQ(entries->entries(1).principal_id(), keys_.clinician_user_id);
  const uint64_t victim = entries->entries(2).sequence();
  auto intact = admin_->Call(&v1::AdminService::Stub::VerifyAuditLog, admin_->admin(),
                             v1::VerifyAuditLogRequest());
  ASSERT_TRUE(intact.ok());
  EXPECT_TRUE(intact->intact());

  // Someone with the disk hides one read of the patient's record.
  Stop();
  {
    auto store = storage::Store::Open(dir_.path() + "/data", storage::StoreOptions{});
    ASSERT_TRUE(store.ok());
    auto entry = storage::GetRecord<v1::AuditEntry>(**store, storage::Cf::kAudit,
                                                    storage::AuditKey(victim), "audit");
    ASSERT_TRUE(entry.ok());
    entry->set_patient_id("pt_00000000000000000000000000000000");
    storage::WriteBatch batch;
    storage::PutRecord(batch, storage::Cf::kAudit, storage::AuditKey(victim), *entry);
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  Start();
  auto tampered = admin_->Call(&v1::AdminService::Stub::VerifyAuditLog, admin_->admin(),
                               v1::VerifyAuditLogRequest());
  ASSERT_TRUE(tampered.ok());
  EXPECT_FALSE(tampered->intact());
  EXPECT_EQ(tampered->first_bad_sequence(), victim);
}

}  // namespace
}  // namespace tractus::testing
