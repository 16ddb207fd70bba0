#include "storage/fault_injection.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace tractus::storage {

// What the injected faults share: the switches and, per file written
// through the FileSystem, its size and the size it had at its last sync.
class FaultInjection::State {
 public:
  struct File {
    uint64_t size = 0;
    uint64_t synced = 0;
  };

  // OK, or the error a write gets now: power off first, then disk full —
  // which only refuses what needs new room (`open`: a write to an open
  // file, which keeps the room it has).
  rocksdb::IOStatus WriteAllowed(bool open = false) const {
    absl::MutexLock lock(&mu_);
    if (!powered_) return rocksdb::IOStatus::IOError("power is off (injected)");
    if (full_ && !open) {
      return rocksdb::IOStatus::NoSpace("no space left on device (injected)");
    }
    return rocksdb::IOStatus::OK();
  }
  // Renames and deletes fail only without power.
  rocksdb::IOStatus MetadataAllowed() const {
    absl::MutexLock lock(&mu_);
    if (!powered_) return rocksdb::IOStatus::IOError("power is off (injected)");
    return rocksdb::IOStatus::OK();
  }

  void Created(const std::string& path, uint64_t size) {
    absl::MutexLock lock(&mu_);
    files_[path] = File{size, size};
  }
  void Grew(const std::string& path, uint64_t end) {
    absl::MutexLock lock(&mu_);
    File& f = files_[path];
    f.size = std::max(f.size, end);
  }
  void Appended(const std::string& path, uint64_t bytes) {
    absl::MutexLock lock(&mu_);
    files_[path].size += bytes;
  }
  void Truncated(const std::string& path, uint64_t size) {
    absl::MutexLock lock(&mu_);
    File& f = files_[path];
    f.size = size;
    f.synced = std::min(f.synced, size);
  }
  void Synced(const std::string& path) {
    absl::MutexLock lock(&mu_);
    File& f = files_[path];
    f.synced = f.size;
  }
  void Renamed(const std::string& from, const std::string& to) {
    absl::MutexLock lock(&mu_);
    auto it = files_.find(from);
    if (it == files_.end()) {
      files_.erase(to);
      return;
    }
    const File moved = it->second;  // inserting `to` may rehash and move `it`
    files_.erase(it);
    files_[to] = moved;
  }
  void Deleted(const std::string& path) {
    absl::MutexLock lock(&mu_);
    files_.erase(path);
  }

  void SetDiskFull(bool full) {
    absl::MutexLock lock(&mu_);
    full_ = full;
  }
  void CutPower() {
    absl::MutexLock lock(&mu_);
    powered_ = false;
    unsynced_at_cut_ = 0;
    for (const auto& [path, f] : files_) unsynced_at_cut_ += f.size - f.synced;
  }
  uint64_t UnsyncedBytesAtCut() const {
    absl::MutexLock lock(&mu_);
    return unsynced_at_cut_;
  }
  absl::Status RestorePower() {
    absl::MutexLock lock(&mu_);
    for (const auto& [path, f] : files_) {
      if (f.size == f.synced) continue;
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) continue;
      std::filesystem::resize_file(path, f.synced, ec);
      if (ec) {
        return absl::InternalError(absl::StrCat("cannot cut back ", path, ": ", ec.message()));
      }
    }
    files_.clear();
    powered_ = true;
    return absl::OkStatus();
  }

 private:
  mutable absl::Mutex mu_;
  bool powered_ ABSL_GUARDED_BY(mu_) = true;
  bool full_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t unsynced_at_cut_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, File> files_ ABSL_GUARDED_BY(mu_);
};

namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class FaultyWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWritableFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path,
                     std::shared_ptr<FaultInjection::State> state)
      : FSWritableFileOwnerWrapper(std::move(file)),
        path_(std::move(path)),
        state_(std::move(state)) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) state_->Appended(path_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options, const DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->Append(data, options, info, dbg);
    if (s.ok()) state_->Appended(path_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) state_->Grew(path_, offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const DataVerificationInfo& info, IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, info, dbg);
    if (s.ok()) state_->Grew(path_, offset + data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->Truncate(size, options, dbg);
    if (s.ok()) state_->Truncated(path_, size);
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->Sync(options, dbg);
    if (s.ok()) state_->Synced(path_);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed(/*open=*/true);
    if (s.ok()) s = target()->Fsync(options, dbg);
    if (s.ok()) state_->Synced(path_);
    return s;
  }
  // (RangeSync is left to the target: it makes no promise about the whole
  // file, so it does not count as a sync.)
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = state_->MetadataAllowed();
    return s.ok() ? target()->Flush(options, dbg) : s;
  }

 private:
  const std::string path_;
  const std::shared_ptr<FaultInjection::State> state_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(std::shared_ptr<FaultInjection::State> state)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), state_(std::move(state)) {}

  const char* Name() const override { return "TractusFaultInjection"; }

  IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                           IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    if (s.ok()) s = target()->NewWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    state_->Created(path, 0);
    *result = std::make_unique<FaultyWritableFile>(std::move(file), path, state_);
    return s;
  }
  IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                              IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    if (s.ok()) s = target()->ReopenWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    uint64_t size = 0;
    (void)target()->GetFileSize(path, IOOptions(), &size, dbg);
    state_->Created(path, size);  // what was there before counts as durable
    *result = std::make_unique<FaultyWritableFile>(std::move(file), path, state_);
    return s;
  }
  IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                             const rocksdb::FileOptions& options,
                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                             IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    if (s.ok()) s = target()->ReuseWritableFile(path, old_path, options, &file, dbg);
    if (!s.ok()) return s;
    state_->Deleted(old_path);
    state_->Created(path, 0);
    *result = std::make_unique<FaultyWritableFile>(std::move(file), path, state_);
    return s;
  }
  IOStatus RenameFile(const std::string& from, const std::string& to, const IOOptions& options,
                      IODebugContext* dbg) override {
    IOStatus s = state_->MetadataAllowed();
    if (s.ok()) s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) state_->Renamed(from, to);
    return s;
  }
  IOStatus LinkFile(const std::string& from, const std::string& to, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = state_->MetadataAllowed();
    return s.ok() ? target()->LinkFile(from, to, options, dbg) : s;
  }
  IOStatus DeleteFile(const std::string& path, const IOOptions& options,
                      IODebugContext* dbg) override {
    IOStatus s = state_->MetadataAllowed();
    if (s.ok()) s = target()->DeleteFile(path, options, dbg);
    if (s.ok()) state_->Deleted(path);
    return s;
  }
  IOStatus Truncate(const std::string& path, size_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = state_->WriteAllowed();
    if (s.ok()) s = target()->Truncate(path, size, options, dbg);
    if (s.ok()) state_->Truncated(path, size);
    return s;
  }

 private:
  const std::shared_ptr<FaultInjection::State> state_;
};

}  // namespace

FaultInjection::FaultInjection()
    : state_(std::make_shared<State>()), fs_(std::make_shared<FaultyFileSystem>(state_)) {}

FaultInjection::~FaultInjection() = default;

std::shared_ptr<rocksdb::FileSystem> FaultInjection::file_system() const { return fs_; }

void FaultInjection::SetDiskFull(bool full) { state_->SetDiskFull(full); }

void FaultInjection::CutPower() { state_->CutPower(); }

uint64_t FaultInjection::UnsyncedBytesAtCut() const { return state_->UnsyncedBytesAtCut(); }

absl::Status FaultInjection::RestorePower() { return state_->RestorePower(); }

}  // namespace tractus::storage
