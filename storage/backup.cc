#include "storage/backup.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/rocksdb_status.h"
#include "storage/store.h"

namespace tractus::storage {
namespace {

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> OpenEngine(const std::string& dir) {
  rocksdb::BackupEngineOptions options(dir);
  options.max_background_operations = 2;
  rocksdb::BackupEngine* engine = nullptr;
  RETURN_IF_ERROR(FromRocksDb(
      rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &engine),
      absl::StrCat("open backups in ", dir)));
  return std::unique_ptr<rocksdb::BackupEngine>(engine);
}

BackupSummary Summary(const rocksdb::BackupInfo& info) {
  return {info.backup_id, absl::FromUnixSeconds(info.timestamp), info.size, info.number_files};
}

}  // namespace

absl::StatusOr<BackupSummary> Store::CreateBackup(const std::string& backup_dir) {
  if (!db_) return absl::UnavailableError("store is closed");
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = true;  // memtables too, not only what the WAL holds
  rocksdb::BackupID id = 0;
  RETURN_IF_ERROR(
      FromRocksDb(engine->CreateNewBackup(options, db_.get(), &id), "create backup"));
  rocksdb::BackupInfo info;
  RETURN_IF_ERROR(FromRocksDb(engine->GetBackupInfo(id, &info), "read backup info"));
  return Summary(info);
}

absl::StatusOr<std::vector<BackupSummary>> ListBackups(const std::string& backup_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(backup_dir, ec)) return std::vector<BackupSummary>();
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupSummary> out;
  for (const auto& info : infos) out.push_back(Summary(info));
  return out;
}

absl::Status PruneBackups(const std::string& backup_dir, int keep) {
  if (keep < 1) return absl::InvalidArgumentError("keep: at least one backup must remain");
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  return FromRocksDb(engine->PurgeOldBackups(static_cast<uint32_t>(keep)), "prune backups");
}

absl::Status VerifyBackup(const std::string& backup_dir, uint32_t id) {
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  rocksdb::IOStatus s = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("backup ", id, " not found"));
  if (!s.ok()) return absl::DataLossError(absl::StrCat("backup ", id, ": ", s.ToString()));
  return absl::OkStatus();
}

absl::Status RestoreBackup(const std::string& backup_dir, uint32_t id,
                           const std::string& data_dir) {
  std::error_code ec;
  if (std::filesystem::exists(data_dir, ec) && !std::filesystem::is_empty(data_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore target ", data_dir, " is not empty: restore into a new directory"));
  }
  if (!std::filesystem::exists(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no backups in ", backup_dir));
  }
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  rocksdb::RestoreOptions options;
  const rocksdb::IOStatus s = id == 0
                                  ? engine->RestoreDBFromLatestBackup(options, data_dir, data_dir)
                                  : engine->RestoreDBFromBackup(options, id, data_dir, data_dir);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("backup ", id, " not found"));
  return FromRocksDb(s, "restore backup");
}

}  // namespace tractus::storage
