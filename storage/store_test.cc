#include "storage/store.h"

#include <filesystem>

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/key_codec.h"
#include "storage/test_dir.h"
#include "tractus/v1/session.pb.h"

namespace tractus::storage {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

TEST(StoreTest, WritesReadsAndPersistsAcrossReopen) {
  TestDir dir;
  {
    auto store = Store::Open(dir.path(), StoreOptions{});
    ASSERT_THAT(store, IsOk());
    WriteBatch batch;
    batch.Put(Cf::kClinics, ClinicKey("cl_a"), "alpha");
    batch.Put(Cf::kIdentity, IdentityKey("pt_a"), "secret");
    ASSERT_THAT((*store)->Write(batch), IsOk());
    EXPECT_EQ(*(*store)->Get(Cf::kClinics, ClinicKey("cl_a")), "alpha");
    // Column families are separate key spaces.
    EXPECT_THAT((*store)->Get(Cf::kPatients, ClinicKey("cl_a")),
                StatusIs(absl::StatusCode::kNotFound));
    ASSERT_THAT((*store)->Close(), IsOk());
    EXPECT_THAT((*store)->Get(Cf::kClinics, ClinicKey("cl_a")),
                StatusIs(absl::StatusCode::kUnavailable));
  }
  auto reopened = Store::Open(dir.path(), StoreOptions{.sync_writes = false});
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ(*(*reopened)->Get(Cf::kClinics, ClinicKey("cl_a")), "alpha");
  EXPECT_EQ(*(*reopened)->Get(Cf::kIdentity, IdentityKey("pt_a")), "secret");
}

TEST(StoreTest, SequenceAtOpenIsTheOneAtCloseUntilAWrite) {
  TestDir dir;
  uint64_t at_close = 0;
  std::string identity;
  {
    auto store = Store::Open(dir.path(), StoreOptions{});
    ASSERT_THAT(store, IsOk());
    identity = (*store)->identity();
    EXPECT_FALSE(identity.empty());
    const uint64_t opened = (*store)->OpenedAtSequence();
    WriteBatch batch;
    batch.Put(Cf::kClinics, ClinicKey("cl_a"), "alpha");
    ASSERT_THAT((*store)->Write(batch), IsOk());
    at_close = (*store)->LatestSequence();
    EXPECT_GT(at_close, opened);
    EXPECT_EQ((*store)->OpenedAtSequence(), opened);
    ASSERT_THAT((*store)->Close(), IsOk());
  }
  {
    auto store = Store::Open(dir.path(), StoreOptions{});
    ASSERT_THAT(store, IsOk());
    EXPECT_EQ((*store)->OpenedAtSequence(), at_close);
    EXPECT_EQ((*store)->identity(), identity);
    WriteBatch batch;
    batch.Put(Cf::kClinics, ClinicKey("cl_b"), "beta");
    ASSERT_THAT((*store)->Write(batch), IsOk());
    ASSERT_THAT((*store)->Close(), IsOk());
  }
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_THAT(store, IsOk());
  EXPECT_GT((*store)->OpenedAtSequence(), at_close);
  TestDir other;
  auto another = Store::Open(other.path(), StoreOptions{});
  ASSERT_THAT(another, IsOk());
  EXPECT_NE((*another)->identity(), identity);
}

TEST(StoreTest, ScanHonoursBoundsAndEarlyStop) {
  TestDir dir;
  auto store = *Store::Open(dir.path(), StoreOptions{});
  WriteBatch batch;
  for (int i = 0; i < 5; ++i) {
    batch.Put(Cf::kIndex, PatientsByClinicKey("cl_1", "pt_" + std::to_string(i)), "");
    batch.Put(Cf::kIndex, PatientsByClinicKey("cl_2", "pt_" + std::to_string(i)), "");
  }
  ASSERT_THAT(store->Write(batch), IsOk());
  std::string prefix = PatientsByClinicPrefix("cl_1");
  std::vector<std::string> seen;
  ASSERT_THAT(store->Scan(Cf::kIndex, prefix, PrefixSuccessor(prefix),
                          [&](absl::string_view k, absl::string_view) {
                            seen.push_back(*DecodePatientsByClinicKey(k));
                            return true;
                          }),
              IsOk());
  EXPECT_EQ(seen, (std::vector<std::string>{"pt_0", "pt_1", "pt_2", "pt_3", "pt_4"}));
  int visited = 0;
  ASSERT_THAT(store->Scan(Cf::kIndex, prefix, PrefixSuccessor(prefix),
                          [&](absl::string_view, absl::string_view) {
                            return ++visited < 2;
                          }),
              IsOk());
  EXPECT_EQ(visited, 2);
}

TEST(StoreTest, RangeReaderReadsRangesInItsOwnView) {
  TestDir dir;
  auto store = *Store::Open(dir.path(), StoreOptions{});
  WriteBatch batch;
  for (const char* clinic : {"cl_1", "cl_2", "cl_3"}) {
    for (int i = 0; i < 3; ++i) {
      batch.Put(Cf::kIndex, PatientsByClinicKey(clinic, "pt_" + std::to_string(i)), clinic);
    }
  }
  batch.Put(Cf::kClinics, ClinicKey("cl_2"), "another family");
  ASSERT_THAT(store->Write(batch), IsOk());
  auto reader = store->NewRangeReader(Cf::kIndex);
  ASSERT_THAT(reader, IsOk());
  // Written after the reader was made: not in its view.
  WriteBatch later;
  later.Put(Cf::kIndex, PatientsByClinicKey("cl_2", "pt_9"), "late");
  ASSERT_THAT(store->Write(later), IsOk());

  const auto read = [&](const std::string& clinic) {
    std::vector<std::string> seen;
    const std::string prefix = PatientsByClinicPrefix(clinic);
    EXPECT_THAT((*reader)->Scan(prefix, PrefixSuccessor(prefix),
                                [&](absl::string_view k, absl::string_view v) {
                                  EXPECT_EQ(v, clinic);
                                  seen.push_back(*DecodePatientsByClinicKey(k));
                                  return true;
                                }),
                IsOk());
    return seen;
  };
  const std::vector<std::string> three = {"pt_0", "pt_1", "pt_2"};
  EXPECT_EQ(read("cl_1"), three);  // ends before cl_2's first key
  EXPECT_EQ(read("cl_2"), three);
  EXPECT_EQ(read("cl_3"), three);
  EXPECT_EQ(read("cl_1"), three);  // backwards too
  EXPECT_TRUE(read("cl_0").empty());
  EXPECT_TRUE(read("cl_4").empty());  // past the end
  int visited = 0;
  EXPECT_THAT(
      (*reader)->Scan("", "", [&](absl::string_view, absl::string_view) { return ++visited < 4; }),
      IsOk());
  EXPECT_EQ(visited, 4);  // stops when told; an empty upper bound is none
  // Through Store::Scan: the reader must read the family scanned.
  EXPECT_THAT(store->Scan(
                  Cf::kIndex, "", "", [](absl::string_view, absl::string_view) { return true; },
                  reader->get()),
              IsOk());
  EXPECT_THAT(store->Scan(
                  Cf::kClinics, "", "", [](absl::string_view, absl::string_view) { return true; },
                  reader->get()),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("clinics")));
  reader->reset();  // before the store closes
  ASSERT_THAT(store->Close(), IsOk());
  EXPECT_THAT(store->NewRangeReader(Cf::kIndex), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(StoreTest, GetManyReportsPresentKeysInOrder) {
  TestDir dir;
  auto store = *Store::Open(dir.path(), StoreOptions{});
  WriteBatch batch;
  batch.Put(Cf::kSessions, SessionKey("s-b"), "bravo");
  batch.Put(Cf::kSessions, SessionKey("s-a"), "alpha");
  batch.Put(Cf::kClinics, ClinicKey("s-c"), "other family");
  ASSERT_THAT(store->Write(batch), IsOk());
  // Unsorted keys, one absent, one present only in another family.
  const std::vector<std::string> keys = {SessionKey("s-b"), SessionKey("s-x"), SessionKey("s-a"),
                                         ClinicKey("s-c")};
  std::vector<std::pair<size_t, std::string>> found;
  ASSERT_THAT(store->GetMany(Cf::kSessions, keys,
                             [&](size_t i, absl::string_view v) { found.emplace_back(i, v); }),
              IsOk());
  EXPECT_EQ(found, (std::vector<std::pair<size_t, std::string>>{{0, "bravo"}, {2, "alpha"}}));
  EXPECT_THAT(store->GetMany(Cf::kSessions, {}, [&](size_t, absl::string_view) { FAIL(); }),
              IsOk());
  ASSERT_THAT(store->Close(), IsOk());
  EXPECT_THAT(store->GetMany(Cf::kSessions, keys, [](size_t, absl::string_view) {}),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(StoreTest, BulkReadsLeaveTheBlockCacheAlone) {
  TestDir dir;
  auto store = *Store::Open(dir.path(), StoreOptions{.sync_writes = false});
  WriteBatch batch;
  const std::string value(1000, 'v');
  for (int i = 0; i < 2000; ++i) {
    batch.Put(Cf::kSessions, SessionKey("s" + std::to_string(10000 + i)), value);
  }
  ASSERT_THAT(store->Write(batch), IsOk());
  ASSERT_THAT(store->CompactAll(), IsOk());  // into SST files: reads go through blocks
  const auto scan_all = [&] {
    int seen = 0;
    ASSERT_THAT(store->Scan(Cf::kSessions, "", "",
                            [&](absl::string_view, absl::string_view) { return ++seen > 0; }),
                IsOk());
    ASSERT_EQ(seen, 2000);
    ASSERT_THAT(store->Get(Cf::kSessions, SessionKey("s10007")), IsOk());
    ASSERT_THAT(store->GetMany(Cf::kSessions, {SessionKey("s10042")}, [](size_t, absl::string_view) {}),
                IsOk());
    auto reader = store->NewRangeReader(Cf::kSessions);
    ASSERT_THAT(reader, IsOk());
    seen = 0;
    ASSERT_THAT(
        (*reader)->Scan("", "", [&](absl::string_view, absl::string_view) { return ++seen > 0; }),
        IsOk());
    ASSERT_EQ(seen, 2000);
  };
  const uint64_t before = store->BlockCacheUsage();
  {
    BulkReadScope bulk;
    {
      BulkReadScope nested;
    }
    scan_all();  // still bulk after the nested scope ends
  }
  const uint64_t after_bulk = store->BlockCacheUsage();
  scan_all();
  const uint64_t after_cached = store->BlockCacheUsage();
  // ~2 MB of data blocks: cached by the plain scan, not by the bulk one
  // (index and filter blocks may be loaded by either).
  EXPECT_LT(after_bulk - before, 256u << 10) << before << " " << after_bulk;
  EXPECT_GT(after_cached - after_bulk, 1u << 20) << after_bulk << " " << after_cached;
}

TEST(StoreTest, EmptyBatchIsFine) {
  TestDir dir;
  auto store = *Store::Open(dir.path(), StoreOptions{});
  EXPECT_THAT(store->Write(WriteBatch()), IsOk());
}

TEST(StoreTest, RefusesNewerSchemaVersion) {
  TestDir dir;
  {
    auto store = *Store::Open(dir.path(), StoreOptions{});
    WriteBatch batch;
    batch.Put(Cf::kMeta, SchemaVersionKey(), KeyWriter().U32(kSchemaVersion + 1).Release());
    ASSERT_THAT(store->Write(batch), IsOk());
  }
  EXPECT_THAT(Store::Open(dir.path(), StoreOptions{}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("newer")));
}

TEST(StoreTest, MigratesSchemaVersionOne) {
  TestDir dir;
  {
    // A version-1 database: its column families, version record 1.
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* name : {"default", "clinics", "patients", "identity", "episodes",
                             "observations", "index"}) {
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), cfs, &handles, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[0], SchemaVersionKey(),
                        KeyWriter().U32(1).Release()).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], ClinicKey("cl_old"), "kept").ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ(*(*store)->Get(Cf::kClinics, ClinicKey("cl_old")), "kept");
  EXPECT_EQ(*(*store)->Get(Cf::kMeta, SchemaVersionKey()), KeyWriter().U32(kSchemaVersion).Release());
  WriteBatch batch;
  batch.Put(Cf::kTelemetry, TelemetryKey("s1", 0), "chunk");
  EXPECT_THAT((*store)->Write(batch), IsOk());
}

// 3 -> 4: every session keeps its id, gets it as its device's own, and is
// indexed under (device, id).
TEST(StoreTest, MigratesSchemaVersionThreeSessionsToDeviceScope) {
  TestDir dir;
  v1::Session legacy;
  legacy.set_session_id("s-old");
  legacy.set_device_id("dv_1");
  legacy.set_episode_id("ep_1");
  legacy.mutable_start_time()->set_seconds(1000);
  legacy.mutable_start_time()->set_nanos(5000);
  {
    auto store = Store::Open(dir.path(), StoreOptions{});
    ASSERT_THAT(store, IsOk());
    WriteBatch batch;
    batch.Put(Cf::kSessions, SessionKey("s-old"), legacy.SerializeAsString());
    batch.Put(Cf::kIndex, SessionsByEpisodeKey("ep_1", 1000000005, "s-old"), "");
    batch.Put(Cf::kMeta, SchemaVersionKey(), KeyWriter().U32(3).Release());
    ASSERT_THAT((*store)->Write(batch), IsOk());
  }
  for (int open = 0; open < 2; ++open) {  // the second open finds nothing to do
    auto store = Store::Open(dir.path(), StoreOptions{});
    ASSERT_THAT(store, IsOk());
    EXPECT_EQ(*(*store)->Get(Cf::kMeta, SchemaVersionKey()), KeyWriter().U32(4).Release());
    auto indexed = (*store)->Get(Cf::kIndex, SessionOfDeviceKey("dv_1", "s-old"));
    ASSERT_THAT(indexed, IsOk());
    EXPECT_EQ(*indexed, "s-old");
    v1::Session migrated;
    ASSERT_TRUE(migrated.ParseFromString(*(*store)->Get(Cf::kSessions, SessionKey("s-old"))));
    EXPECT_EQ(migrated.device_session_id(), "s-old");
    EXPECT_EQ(migrated.session_id(), "s-old");
    v1::Session copy;
    ASSERT_TRUE(copy.ParseFromString(
        *(*store)->Get(Cf::kIndex, SessionsByEpisodeKey("ep_1", 1000000005, "s-old"))));
    EXPECT_EQ(copy.SerializeAsString(), migrated.SerializeAsString());
  }
}

TEST(StoreTest, RefusesForeignRocksDb) {
  TestDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), &db).ok());
    delete db;
  }
  EXPECT_THAT(Store::Open(dir.path(), StoreOptions{}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no schema version")));
}

TEST(StoreTest, UnwritableDirIsUnavailable) {
  EXPECT_THAT(Store::Open("/proc/tractus-cannot-exist/db", StoreOptions{}),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace tractus::storage
