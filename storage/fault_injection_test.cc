#include "storage/fault_injection.h"

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "storage/test_dir.h"

namespace tractus::storage {
namespace {

using ::tractus::testing::IsOk;

// Writes clinics 0..n-1, each acknowledged (Write returned OK), then cuts
// the power and reboots: the clinics that survived.
int SurvivorsOfAPowerCut(bool sync_writes, uint64_t* unsynced_at_cut) {
  TestDir dir;
  FaultInjection faults;
  StoreOptions options;
  options.sync_writes = sync_writes;
  options.file_system = faults.file_system();
  constexpr int kWrites = 50;
  {
    // Created and closed cleanly first (the close syncs and flushes): the
    // store itself survives whatever the cut does to what follows.
    auto created = Store::Open(dir.path(), options);
    EXPECT_THAT(created, IsOk());
    if (!created.ok() || !(*created)->Close().ok()) return -1;
  }
  {
    auto store = Store::Open(dir.path(), options);
    EXPECT_THAT(store, IsOk());
    if (!store.ok()) return -1;
    for (int i = 0; i < kWrites; ++i) {
      WriteBatch batch;
      batch.Put(Cf::kClinics, ClinicKey("cl_" + std::to_string(i)), "acknowledged");
      EXPECT_THAT((*store)->Write(batch), IsOk());
    }
    faults.CutPower();
    *unsynced_at_cut = faults.UnsyncedBytesAtCut();
    (void)(*store)->Close();  // the machine is dead: nothing more lands
  }
  EXPECT_THAT(faults.RestorePower(), IsOk());
  auto store = Store::Open(dir.path(), options);
  EXPECT_THAT(store, IsOk());
  if (!store.ok()) return -1;
  int survivors = 0;
  for (int i = 0; i < kWrites; ++i) {
    survivors += (*store)->Get(Cf::kClinics, ClinicKey("cl_" + std::to_string(i))).ok();
  }
  return survivors;
}

TEST(FaultInjectionTest, SyncedWritesSurviveAPowerCut) {
  uint64_t unsynced = 0;
  EXPECT_EQ(SurvivorsOfAPowerCut(/*sync_writes=*/true, &unsynced), 50);
}

// The same cut loses acknowledged writes that were never synced: the
// injection really drops what only the page cache held.
TEST(FaultInjectionTest, UnsyncedWritesAreLostInAPowerCut) {
  uint64_t unsynced = 0;
  EXPECT_EQ(SurvivorsOfAPowerCut(/*sync_writes=*/false, &unsynced), 0);
  EXPECT_GT(unsynced, 0u);
}

// Recovery without a restart is shown on a real full disk
// (tests/disk_fault_test.cc); under the injected one RocksDB 7.8 keeps its
// background error until the store is reopened.
TEST(FaultInjectionTest, AFullDiskRefusesWritesAndStoresNothingRefused) {
  TestDir dir;
  FaultInjection faults;
  StoreOptions options;
  options.file_system = faults.file_system();
  auto store = Store::Open(dir.path(), options);
  ASSERT_THAT(store, IsOk());
  WriteBatch before;
  before.Put(Cf::kClinics, ClinicKey("cl_before"), "1");
  ASSERT_THAT((*store)->Write(before), IsOk());

  // The disk fills: the next flush (here a backup's) fails, and from then
  // on writes are refused.
  faults.SetDiskFull(true);
  EXPECT_FALSE((*store)->CreateBackup(dir.path() + "/backups").ok());
  WriteBatch refused;
  refused.Put(Cf::kClinics, ClinicKey("cl_refused"), "2");
  const absl::Status full = (*store)->Write(refused);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_THAT((*store)->Get(Cf::kClinics, ClinicKey("cl_before")), IsOk());  // reads go on

  // Room again; reopened, the store has what was acknowledged, nothing
  // refused, and takes writes.
  faults.SetDiskFull(false);
  (void)(*store)->Close();
  auto reopened = Store::Open(dir.path(), options);
  ASSERT_THAT(reopened, IsOk());
  EXPECT_THAT((*reopened)->Get(Cf::kClinics, ClinicKey("cl_before")), IsOk());
  EXPECT_FALSE((*reopened)->Get(Cf::kClinics, ClinicKey("cl_refused")).ok());
  WriteBatch after;
  after.Put(Cf::kClinics, ClinicKey("cl_after"), "3");
  EXPECT_THAT((*reopened)->Write(after), IsOk());
}

}  // namespace
}  // namespace tractus::storage
