// Store: the RocksDB database behind tractusd, with one column family per
// record kind. Other layers never see RocksDB types: they use Store,
// WriteBatch and the keys of key_codec.h.
//
// Thread-safe: every method may be called concurrently (RocksDB's own
// guarantees), except Close(), which must not race with anything.
#ifndef TRACTUS_STORAGE_STORE_H_
#define TRACTUS_STORAGE_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/backup.h"

namespace rocksdb {
class Cache;
class Env;
class FileSystem;
class Iterator;
class WriteBufferManager;
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace tractus::storage {

// Column families. DO NOT CHANGE THE NAMES in store.cc: they are on disk.
enum class Cf : int {
  kMeta = 0,      // "default": schema version
  kClinics,       // ClinicKey -> tractus.v1.Clinic
  kPatients,      // PatientKey -> tractus.v1.Patient without identity
  kIdentity,      // IdentityKey -> PatientIdentity; MrnKey -> patient_id
  kEpisodes,      // EpisodeKey -> tractus.v1.Episode
  kObservations,  // ObservationKey -> tractus.v1.Observation
  kIndex,         // secondary indexes and idempotency records (tagged)
  kDevices,       // DeviceKey -> DeviceRecord; EnrollmentTokenKey -> token record
  kSessions,      // SessionKey -> tractus.v1.Session
  kTelemetry,     // TelemetryKey -> chunk value (EncodeChunkValue), blob files
  kAuth,          // UserKey -> tractus.v1.User; ApiKeyKey -> ApiKeyRecord
  kAudit,         // AuditKey(sequence) -> tractus.v1.AuditEntry (hash-chained)
  kJobs,          // ExportJobKey -> ExportJobRecord; LinkageKeyKey -> 32-byte secret
  kCount,
};

// The column family's name as stored in the database.
absl::string_view CfName(Cf cf);

// The on-disk schema this binary reads and writes. Bump it (and add a
// migration) whenever a key layout or a stored record changes incompatibly.
//   1: clinics, patients, identity, episodes, observations, index.
//   2: + devices, sessions, telemetry (additive: 1 migrates by relabelling).
//   3: + auth, audit, jobs (additive: 1 and 2 migrate by relabelling).
//   4: session ids scoped to the device: index 'U' (device, the table's id)
//      -> the server's id; Session.device_session_id (migrations.h).
inline constexpr uint32_t kSchemaVersion = 4;

struct StoreOptions {
  // fsync the WAL before a write returns (durable on power loss). When false,
  // acknowledged writes survive a process crash but not a machine crash.
  bool sync_writes = true;
  // One cache for all column families' blocks and, charged to it, their
  // memtables (at most memtable_bytes of it): RocksDB's memory stays within
  // block_cache_bytes whatever the write load.
  size_t block_cache_bytes = 192 << 20;
  size_t memtable_bytes = 96 << 20;
  // The file system under the database; null: the machine's. Tests inject
  // faults through it (fault_injection.h).
  std::shared_ptr<rocksdb::FileSystem> file_system = nullptr;
};

// A set of puts and deletes applied atomically by Store::Write.
// Not thread-safe.
class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(Cf cf, absl::string_view key, absl::string_view value);
  void Delete(Cf cf, absl::string_view key);
  int count() const { return count_; }

 private:
  friend class Store;
  // Operations are recorded and bound to column family handles in Write().
  struct Op {
    Cf cf;
    bool is_delete;
    std::string key;
    std::string value;
  };
  std::vector<Op> ops_;
  int count_ = 0;
};

// While one lives, this thread's reads (Get, GetMany, Scan) do not fill
// the block cache (RocksDB's ReadOptions::fill_cache = false): a pass over
// everything, such as an export, then neither evicts the blocks that
// interactive calls keep hitting nor grows resident memory by the cache's
// size. A hint only: what is read is the same. Scopes nest.
class BulkReadScope {
 public:
  BulkReadScope();
  ~BulkReadScope();
  BulkReadScope(const BulkReadScope&) = delete;
  BulkReadScope& operator=(const BulkReadScope&) = delete;

 private:
  const bool outer_;
};

class Store {
 public:
  // Opens (creating if needed) the database in `path`. Fails with
  // FAILED_PRECONDITION if the data was written by a newer schema version,
  // and with the mapped RocksDB status for I/O problems.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The value under `key`, NOT_FOUND if absent.
  absl::StatusOr<std::string> Get(Cf cf, absl::string_view key) const;

  // Reads `keys` of one column family together (RocksDB's batched MultiGet:
  // one lookup pass instead of a Get each) and calls `fn(i, value)` for each
  // keys[i] present, in order of i; absent keys are skipped. The view is
  // valid only during the call.
  using GetManyFn = std::function<void(size_t index, absl::string_view value)>;
  absl::Status GetMany(Cf cf, const std::vector<std::string>& keys, const GetManyFn& fn) const;

  // Applies `batch` atomically, durable per StoreOptions::sync_writes.
  // After a failed write (e.g. the disk filled up) RocksDB refuses writes
  // until resumed: the next Write tries to resume first, so writing works
  // again once space is freed.
  absl::Status Write(const WriteBatch& batch);

  // Calls `fn(key, value)` for each key in [lower, upper) in key order until
  // `fn` returns false. An empty `upper` means no upper bound. The views are
  // valid only during the call.
  using ScanFn = std::function<bool(absl::string_view key, absl::string_view value)>;
  absl::Status Scan(Cf cf, absl::string_view lower, absl::string_view upper,
                    const ScanFn& fn) const;

  // Reads ranges of one column family one after another through one RocksDB
  // iterator, i.e. one view of the store (taken when the reader is made).
  // For jobs that read many neighbouring ranges in increasing key order
  // (an export reading episode after episode): a range starting inside the
  // data block the last one ended in reuses that block instead of reading
  // it again, no iterator is made per range, and table files are read
  // ahead 256 KiB at a time. Reads as the making thread's BulkReadScope
  // says. Not thread-safe: one per thread; must not outlive the store.
  class RangeReader {
   public:
    ~RangeReader();
    RangeReader(const RangeReader&) = delete;
    RangeReader& operator=(const RangeReader&) = delete;

    // As Store::Scan over [lower, upper), in this reader's view. Any range
    // may be read (a range before the last one just reads its blocks again).
    absl::Status Scan(absl::string_view lower, absl::string_view upper, const ScanFn& fn);

   private:
    friend class Store;
    RangeReader(Cf cf, std::unique_ptr<rocksdb::Iterator> it);
    const Cf cf_;
    std::unique_ptr<rocksdb::Iterator> it_;
  };
  // UNAVAILABLE once the store is closed.
  absl::StatusOr<std::unique_ptr<RangeReader>> NewRangeReader(Cf cf) const;
  // Scan(cf, ...) through `reader` when there is one (it must read `cf`:
  // INTERNAL otherwise), else a scan of its own.
  absl::Status Scan(Cf cf, absl::string_view lower, absl::string_view upper, const ScanFn& fn,
                    RangeReader* reader) const;

  // Compacts every column family fully (for footprint measurements and
  // maintenance; blocks until done).
  absl::Status CompactAll();

  // A RocksDB integer property summed over every column family, e.g.
  // "rocksdb.cur-size-all-mem-tables"; 0 if unknown. For metrics.
  uint64_t IntProperty(const std::string& property) const;
  // Bytes the block cache holds now.
  uint64_t BlockCacheUsage() const;

  // Bytes of live SST and blob files of `cf` on disk.
  absl::StatusOr<uint64_t> LiveBytes(Cf cf) const;

  // Reads every file and checks every block checksum: DATA_LOSS naming the
  // first mismatch.
  absl::Status VerifyChecksums() const;

  // An online backup into `backup_dir` (storage/backup.h): flushes, then
  // copies the files new since the last backup there.
  absl::StatusOr<BackupSummary> CreateBackup(const std::string& backup_dir);

  // Paths of the live SST files of `cf` (for verification and fault tests).
  std::vector<std::string> LiveSstFiles(Cf cf) const;

  // Flushes memtables (so a restart replays no WAL) and closes the
  // database. Idempotent; also done by the destructor (which cannot report
  // errors).
  absl::Status Close();

  const std::string& path() const { return path_; }

  // RocksDB's sequence number: it grows with every write. LatestSequence()
  // now; OpenedAtSequence() once opened (equal to the one at the last
  // Close when nothing was written since).
  uint64_t LatestSequence() const;
  uint64_t OpenedAtSequence() const { return opened_at_sequence_; }
  // This database's unique identity (RocksDB's DB id; empty if unknown).
  const std::string& identity() const { return identity_; }

 private:
  Store(std::string path, const StoreOptions& options);
  absl::Status CheckSchemaVersion(bool created);
  rocksdb::ColumnFamilyHandle* Handle(Cf cf) const;

  std::string path_;
  StoreOptions options_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
  std::unique_ptr<rocksdb::Env> env_;  // over options_.file_system, if set; outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  uint64_t opened_at_sequence_ = 0;
  std::string identity_;
  // Set after a write failed with an I/O error: RocksDB is read-only until
  // Resume() succeeds.
  std::atomic<bool> needs_resume_{false};
};

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_STORE_H_
