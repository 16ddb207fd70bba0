// Online backups over a real server: taken while serving, listed, pruned,
// verified (a damaged file is found), and restored offline into a new data
// dir whose every record equals the original's; a server on the restored
// dir serves the data and its audit chain is intact.
#include <filesystem>
#include <fstream>
#include <map>

#include "records/test_requests.h"
#include "storage/backup.h"
#include "storage/key_codec.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

class BackupTest : public ServerFixture {
 protected:
  absl::StatusOr<v1::Backup> Backup() {
    auto made = admin_->Call(&v1::AdminService::Stub::CreateBackup, admin_->admin(),
                             v1::CreateBackupRequest());
    if (!made.ok()) return made.status();
    return made->backup();
  }

  // Every record of every column family.
  static std::map<std::pair<int, std::string>, std::string> Dump(const std::string& data_dir) {
    std::map<std::pair<int, std::string>, std::string> out;
    auto store = storage::Store::Open(data_dir, storage::StoreOptions{});
    EXPECT_TRUE(store.ok()) << store.status();
    for (int cf = 0; cf < static_cast<int>(storage::Cf::kCount); ++cf) {
      EXPECT_TRUE((*store)
                      ->Scan(static_cast<storage::Cf>(cf), "", "",
                             [&](absl::string_view k, absl::string_view v) {
                               out[{cf, std::string(k)}] = std::string(v);
                               return true;
                             })
                      .ok());
    }
    return out;
  }
};

TEST_F(BackupTest, RestoredDataDirHoldsEveryRecord) {
  GatewayClient gw(server_->address(), keys_);
  std::string clinic_id;
  const std::string episode_id = gw.MakeEpisode("backup", &clinic_id);
  const std::string credential = gw.Enroll(clinic_id, "BK-1");
  ASSERT_TRUE(gw.UploadWholeSession(credential,
                                    GatewayClient::Header("s-backup", episode_id,
                                                          FixedNow() - absl::Hours(2), FixedNow()),
                                    3, 100, /*finish=*/false)
                  .ok());
  const std::string session_id = gw.ServerSessionId(credential, "s-backup");
  ASSERT_FALSE(session_id.empty());

  auto backup = Backup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(backup->backup_id(), 1u);
  EXPECT_GT(backup->files(), 0u);

  Stop();
  const std::string restored = dir_.path() + "/restored";
  ASSERT_TRUE(storage::RestoreBackup(dir_.path() + "/backups", 0, restored).ok());
  // Restoring over data is refused.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      storage::RestoreBackup(dir_.path() + "/backups", 0, restored)));
  const auto original = Dump(dir_.path() + "/data");
  const auto copy = Dump(restored);
  // The backup call itself was audited after the copy: the original holds
  // that one audit entry (and head) more; everything else is identical.
  int compared = 0;
  for (const auto& [key, value] : original) {
    const bool audit_of_the_backup =
        key.first == static_cast<int>(storage::Cf::kAudit) ||
        (key.first == static_cast<int>(storage::Cf::kMeta) && key.second == storage::AuditHeadKey());
    auto it = copy.find(key);
    if (audit_of_the_backup && it == copy.end()) continue;
    ASSERT_NE(it, copy.end()) << "missing record in column family " << key.first;
    if (!audit_of_the_backup) {
      EXPECT_EQ(it->second, value) << "column family " << key.first;
    }
    ++compared;
  }
  EXPECT_GT(compared, 20);
  EXPECT_LE(copy.size(), original.size());

  // A server on the restored dir serves it, with an intact audit chain.
  data_dir_ = restored;
  Start();
  v1::GetSessionRequest get;
  get.set_session_id(session_id);
  auto session = client_->Call(&v1::SessionService::Stub::GetSession, client_->sessions(), get);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->session().device_session_id(), "s-backup");
  auto audit = admin_->Call(&v1::AdminService::Stub::VerifyAuditLog, admin_->admin(),
                            v1::VerifyAuditLogRequest());
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->intact()) << audit->problem();
}

TEST_F(BackupTest, ListPruneAndVerify) {
  ASSERT_TRUE(CreateClinic(records::testing::ClinicRequest("b1")).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Backup().ok());
    ASSERT_TRUE(CreateClinic(records::testing::ClinicRequest("more" + std::to_string(i))).ok());
  }
  auto listed = admin_->Call(&v1::AdminService::Stub::ListBackups, admin_->admin(),
                             v1::ListBackupsRequest());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->backups_size(), 3);
  v1::PruneBackupsRequest prune;
  prune.set_keep(2);
  auto left = admin_->Call(&v1::AdminService::Stub::PruneBackups, admin_->admin(), prune);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->backups_size(), 2);
  EXPECT_EQ(left->backups(0).backup_id(), 2u);
  prune.set_keep(0);
  EXPECT_TRUE(absl::IsInvalidArgument(
      admin_->Call(&v1::AdminService::Stub::PruneBackups, admin_->admin(), prune).status()));

  v1::VerifyBackupRequest verify;
  verify.set_backup_id(3);
  auto ok = admin_->Call(&v1::AdminService::Stub::VerifyBackup, admin_->admin(), verify);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->intact()) << ok->problem();
  // Damage one file of the backups: the check finds it.
  bool damaged = false;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir_.path() + "/backups")) {
    if (f.is_regular_file() && f.path().extension() == ".sst" && !damaged) {
      std::fstream file(f.path(), std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(20);
      file.write("XXXXXXXX", 8);
      damaged = true;
    }
  }
  ASSERT_TRUE(damaged);
  bool found = false;
  for (uint32_t id : {2u, 3u}) {
    verify.set_backup_id(id);
    auto r = admin_->Call(&v1::AdminService::Stub::VerifyBackup, admin_->admin(), verify);
    ASSERT_TRUE(r.ok());
    found = found || !r->intact();
  }
  EXPECT_TRUE(found);
  verify.set_backup_id(99);
  EXPECT_TRUE(absl::IsNotFound(
      admin_->Call(&v1::AdminService::Stub::VerifyBackup, admin_->admin(), verify).status()));
}

}  // namespace
}  // namespace tractus::testing
