#include "security/audit_log.h"

#include <thread>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "records/time_proto.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"
#include "storage/test_dir.h"

namespace tractus::security {
namespace {

using ::tractus::testing::IsOk;
using storage::Cf;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    log_.reset();
    store_.reset();
    store_ = *storage::Store::Open(dir_.path(), storage::StoreOptions{.sync_writes = false});
    auto log = AuditLog::Open(store_.get(), &clock_);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
  }

  void Append(const std::string& principal, const std::string& patient) {
    v1::AuditEntry e;
    e.set_principal_id(principal);
    e.set_role(v1::ROLE_CLINICIAN);
    e.set_method("tractus.v1.PatientService/GetPatient");
    e.set_patient_id(patient);
    e.set_outcome("OK");
    ASSERT_THAT(log_->Append(e), IsOk());
    clock_.Advance(absl::Seconds(10));
  }

  v1::VerifyAuditLogResponse Verify() {
    auto r = log_->Verify();
    EXPECT_THAT(r, IsOk());
    return *r;
  }

  v1::AuditEntry Stored(uint64_t seq) {
    return *storage::GetRecord<v1::AuditEntry>(*store_, Cf::kAudit, storage::AuditKey(seq), "e");
  }

  TestDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, ConcurrentAppendsFormOneUnbrokenChain) {
  // Appends from many threads are written in shared batches; the chain
  // still has every sequence once, in order, each hash over its predecessor.
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        v1::AuditEntry e;
        e.set_principal_id("us_" + std::to_string(t));
        e.set_method("tractus.v1.OutcomeService/GetEpisodeProgress");
        e.set_outcome("OK");
        EXPECT_THAT(log_->Append(e), IsOk());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(log_->head_sequence(), 320u);
  EXPECT_TRUE(Verify().intact());
  EXPECT_EQ(Stored(320).hash(), log_->head_hash());
  Open();  // the head written with the last batch is read back
  EXPECT_EQ(log_->head_sequence(), 320u);
}

TEST_F(AuditLogTest, ChainVerifiesAndSurvivesRestart) {
  for (int i = 0; i < 5; ++i) Append("us_a", "pt_" + std::to_string(i));
  EXPECT_TRUE(Verify().intact());
  Open();
  Append("us_b", "pt_9");
  auto r = Verify();
  EXPECT_TRUE(r.intact()) << r.problem();
  EXPECT_EQ(r.entries_checked(), 6u);
  EXPECT_EQ(Stored(6).sequence(), 6u);
}

TEST_F(AuditLogTest, AlteredEntryIsDetected) {
  for (int i = 0; i < 5; ++i) Append("us_a", "pt_x");
  v1::AuditEntry e = Stored(3);
  e.set_principal_id("us_someone_else");
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kAudit, storage::AuditKey(3), e);
  ASSERT_THAT(store_->Write(batch), IsOk());
  auto r = Verify();
  EXPECT_FALSE(r.intact());
  EXPECT_EQ(r.first_bad_sequence(), 3u);
  // Re-hashing the altered entry does not help: its successor's link breaks.
  e.set_hash(ChainHash(Stored(2).hash(), e));
  storage::WriteBatch rehash;
  storage::PutRecord(rehash, Cf::kAudit, storage::AuditKey(3), e);
  ASSERT_THAT(store_->Write(rehash), IsOk());
  r = Verify();
  EXPECT_FALSE(r.intact());
  EXPECT_EQ(r.first_bad_sequence(), 4u);
}

TEST_F(AuditLogTest, DeletedEntriesAreDetected) {
  for (int i = 0; i < 5; ++i) Append("us_a", "pt_x");
  storage::WriteBatch middle;
  middle.Delete(Cf::kAudit, storage::AuditKey(2));
  ASSERT_THAT(store_->Write(middle), IsOk());
  auto r = Verify();
  EXPECT_FALSE(r.intact());
  EXPECT_EQ(r.first_bad_sequence(), 2u);
}

TEST_F(AuditLogTest, TruncatedTailAndDeletedHeadAreDetected) {
  for (int i = 0; i < 5; ++i) Append("us_a", "pt_x");
  storage::WriteBatch tail;
  tail.Delete(Cf::kAudit, storage::AuditKey(5));
  ASSERT_THAT(store_->Write(tail), IsOk());
  EXPECT_FALSE(Verify().intact());

  storage::WriteBatch head;
  head.Delete(Cf::kMeta, storage::AuditHeadKey());
  ASSERT_THAT(store_->Write(head), IsOk());
  Open();
  Append("us_a", "pt_x");  // continues after entry 4, never over it
  auto r = Verify();
  EXPECT_FALSE(r.intact());
  EXPECT_NE(r.problem().find("head"), std::string::npos) << r.problem();
}

TEST_F(AuditLogTest, QueryByTimePrincipalAndPatient) {
  const absl::Time t0 = clock_.Now();
  for (int i = 0; i < 10; ++i) Append(i % 2 ? "us_odd" : "us_even", "pt_" + std::to_string(i));
  v1::QueryAuditLogRequest q;
  *q.mutable_start_time() = records::ToProto(t0 + absl::Seconds(20));  // from entry 3
  *q.mutable_end_time() = records::ToProto(t0 + absl::Seconds(70));    // up to entry 7
  auto r = log_->Query(q);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->entries_size(), 5);
  EXPECT_EQ(r->entries(0).sequence(), 3u);
  EXPECT_EQ(r->entries(4).sequence(), 7u);

  q.set_principal_id("us_odd");
  r = log_->Query(q);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->entries_size(), 2);  // entries 4 and 6 (i = 3, 5)
  EXPECT_EQ(r->entries(0).patient_id(), "pt_3");

  v1::QueryAuditLogRequest by_patient;
  by_patient.set_patient_id("pt_8");
  by_patient.set_page_size(1);
  r = log_->Query(by_patient);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->entries_size(), 1);
  EXPECT_EQ(r->entries(0).sequence(), 9u);

  v1::QueryAuditLogRequest paged;
  paged.set_page_size(4);
  int seen = 0;
  do {
    r = log_->Query(paged);
    ASSERT_THAT(r, IsOk());
    seen += r->entries_size();
    paged.set_page_token(r->next_page_token());
  } while (!r->next_page_token().empty());
  EXPECT_EQ(seen, 10);
}

TEST_F(AuditLogTest, TimeNeverGoesBackwards) {
  Append("us_a", "pt_1");
  clock_.Advance(-absl::Hours(1));
  Append("us_a", "pt_2");
  EXPECT_GE(records::FromProto(Stored(2).time()), records::FromProto(Stored(1).time()));
  EXPECT_TRUE(Verify().intact());
}

}  // namespace
}  // namespace tractus::security
