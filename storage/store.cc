#include "storage/store.h"

#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "rocksdb/write_buffer_manager.h"
#include "spdlog/spdlog.h"
#include "storage/key_codec.h"
#include "storage/migrations.h"
#include "storage/rocksdb_status.h"

namespace tractus::storage {
namespace {

// DO NOT CHANGE: column family names are stored in the database.
constexpr const char* kCfNames[] = {
    "default",  // rocksdb::kDefaultColumnFamilyName
    "clinics",
    "patients",
    "identity",
    "episodes",
    "observations",
    "index",
    "devices",
    "sessions",
    "telemetry",
    "auth",
    "audit",
    "jobs",
};
static_assert(sizeof(kCfNames) / sizeof(kCfNames[0]) ==
              static_cast<size_t>(Cf::kCount));

}  // namespace

absl::string_view CfName(Cf cf) { return kCfNames[static_cast<size_t>(cf)]; }

namespace {

std::string EncodeVersion(uint32_t v) { return KeyWriter().U32(v).Release(); }

// RocksDB's own log goes to the server's log instead of a LOG file in the
// data dir: one place for operators to look, and nothing for RocksDB to
// write to a disk that may be full (its file logger aborts after a failed
// write in the Debian build, which keeps assertions).
class RocksDbLogger final : public rocksdb::Logger {
 public:
  RocksDbLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char buf[1024];
    vsnprintf(buf, sizeof(buf), format, ap);
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      spdlog::error("rocksdb: {}", buf);
    } else {
      spdlog::warn("rocksdb: {}", buf);
    }
  }
};

rocksdb::ColumnFamilyOptions CfOptions(const std::shared_ptr<rocksdb::Cache>& cache, Cf cf_id) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Indexes and filters live in the block cache (bounded memory), split
  // into 4 KB partitions under a small pinned top level, and cached with
  // high priority: once the data outgrows the cache, a point lookup reads a
  // partition, not a whole multi-megabyte filter (which made every
  // idempotency check of a 100,000-patient load read megabytes).
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kLZ4Compression;
  // Small records: a modest memtable each (the write buffer manager bounds
  // the sum across families anyway).
  cf.write_buffer_size = 8 << 20;
  if (cf_id == Cf::kTelemetry) {
    // Chunks are large (KBs) and written once: keep them in blob files so
    // compaction moves small index entries, not the samples themselves.
    cf.enable_blob_files = true;
    cf.min_blob_size = 512;
    cf.blob_compression_type = rocksdb::kLZ4Compression;
    cf.write_buffer_size = 32 << 20;
  }
  return cf;
}

}  // namespace

WriteBatch::WriteBatch() = default;
WriteBatch::~WriteBatch() = default;

void WriteBatch::Put(Cf cf, absl::string_view key, absl::string_view value) {
  ops_.push_back({cf, false, std::string(key), std::string(value)});
  ++count_;
}

void WriteBatch::Delete(Cf cf, absl::string_view key) {
  ops_.push_back({cf, true, std::string(key), {}});
  ++count_;
}

Store::Store(std::string path, const StoreOptions& options)
    : path_(std::move(path)), options_(options) {}

Store::~Store() { (void)Close(); }  // Errors were reportable via Close().

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   const StoreOptions& options) {
  std::error_code ec;
  bool created = !std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec);
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create data dir ", path, ": ", ec.message()));
  }

  std::unique_ptr<Store> store(new Store(path, options));
  store->cache_ = rocksdb::NewLRUCache(options.block_cache_bytes, /*num_shard_bits=*/-1,
                                       /*strict_capacity_limit=*/false,
                                       /*high_pri_pool_ratio=*/0.5);
  store->write_buffers_ =
      std::make_shared<rocksdb::WriteBufferManager>(options.memtable_bytes, store->cache_);

  rocksdb::DBOptions db_options;
  if (options.file_system) {
    store->env_ = rocksdb::NewCompositeEnv(options.file_system);
    db_options.env = store->env_.get();
  }
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.info_log = std::make_shared<RocksDbLogger>();
  db_options.write_buffer_manager = store->write_buffers_;
  // Concurrent writers (upload streams, each with a batch of chunks): the
  // next group writes the WAL while the last one fills the memtable
  // (synced 16-table ingest +10 %).
  db_options.enable_pipelined_write = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < static_cast<size_t>(Cf::kCount); ++i) {
    descriptors.emplace_back(kCfNames[i], CfOptions(store->cache_, static_cast<Cf>(i)));
  }
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::Open(db_options, path, descriptors, &store->handles_, &raw),
      absl::StrCat("open ", path)));
  store->db_.reset(raw);
  RETURN_IF_ERROR(store->CheckSchemaVersion(created));
  store->opened_at_sequence_ = store->LatestSequence();
  if (!store->db_->GetDbIdentity(store->identity_).ok()) store->identity_.clear();
  return store;
}

uint64_t Store::LatestSequence() const { return db_ ? db_->GetLatestSequenceNumber() : 0; }

absl::Status Store::CheckSchemaVersion(bool created) {
  auto stored = Get(Cf::kMeta, SchemaVersionKey());
  if (absl::IsNotFound(stored.status())) {
    if (!created) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data dir ", path_, " has no schema version record: not a Tractus "
          "database, or damaged; refusing to use it"));
    }
    WriteBatch batch;
    batch.Put(Cf::kMeta, SchemaVersionKey(), EncodeVersion(kSchemaVersion));
    return Write(batch);
  }
  RETURN_IF_ERROR(stored.status());
  KeyReader reader(*stored);
  uint32_t version = 0;
  if (!reader.U32(&version) || !reader.done()) {
    return absl::DataLossError("schema version record is malformed");
  }
  const uint32_t stored_version = version;
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir ", path_, " has schema version ", version,
        ", newer than this tractusd supports (", kSchemaVersion,
        "); run a newer tractusd"));
  }
  if (version == 1 || version == 2) {
    // 1 -> 2 -> 3 only added column families, which Open() has just created.
    version = 3;
  }
  if (version == 3) {
    RETURN_IF_ERROR(MigrateSessionsToDeviceScope(*this));
    version = 4;
  }
  if (version != stored_version) {
    WriteBatch batch;
    batch.Put(Cf::kMeta, SchemaVersionKey(), EncodeVersion(version));
    RETURN_IF_ERROR(Write(batch));
    spdlog::info("data dir {} migrated from schema version {} to {}", path_, stored_version,
                 version);
  }
  if (version != kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir ", path_, " has schema version ", version,
        " and no migration to ", kSchemaVersion, " exists"));
  }
  return absl::OkStatus();
}

uint64_t Store::IntProperty(const std::string& property) const {
  if (!db_) return 0;
  uint64_t value = 0;
  return db_->GetAggregatedIntProperty(property, &value) ? value : 0;
}

uint64_t Store::BlockCacheUsage() const { return cache_ ? cache_->GetUsage() : 0; }

rocksdb::ColumnFamilyHandle* Store::Handle(Cf cf) const {
  return handles_[static_cast<size_t>(cf)];
}

namespace {

thread_local bool bulk_reads = false;

// Options for a read on this thread (see BulkReadScope).
rocksdb::ReadOptions ReadOptionsHere() {
  rocksdb::ReadOptions ro;
  ro.fill_cache = !bulk_reads;
  return ro;
}

}  // namespace

BulkReadScope::BulkReadScope() : outer_(bulk_reads) { bulk_reads = true; }
BulkReadScope::~BulkReadScope() { bulk_reads = outer_; }

absl::StatusOr<std::string> Store::Get(Cf cf, absl::string_view key) const {
  if (!db_) return absl::UnavailableError("store is closed");
  std::string value;
  rocksdb::Status s =
      db_->Get(ReadOptionsHere(), Handle(cf), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return absl::NotFoundError("no such key");
  RETURN_IF_ERROR(FromRocksDb(s, "get"));
  return value;
}

absl::Status Store::GetMany(Cf cf, const std::vector<std::string>& keys,
                            const GetManyFn& fn) const {
  if (!db_) return absl::UnavailableError("store is closed");
  if (keys.empty()) return absl::OkStatus();
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(ReadOptionsHere(), Handle(cf), keys.size(), slices.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocksDb(statuses[i], "get"));
    fn(i, absl::string_view(values[i].data(), values[i].size()));
  }
  return absl::OkStatus();
}

absl::Status Store::Write(const WriteBatch& batch) {
  if (!db_) return absl::UnavailableError("store is closed");
  if (needs_resume_.load()) {
    // The last write failed (disk full, I/O error): RocksDB stays read-only
    // until resumed, which succeeds once the cause is gone.
    RETURN_IF_ERROR(FromRocksDb(db_->Resume(), "resume after a failed write"));
    needs_resume_ = false;
  }
  rocksdb::WriteBatch wb;
  for (const WriteBatch::Op& op : batch.ops_) {
    rocksdb::Status s = op.is_delete ? wb.Delete(Handle(op.cf), op.key)
                                     : wb.Put(Handle(op.cf), op.key, op.value);
    RETURN_IF_ERROR(FromRocksDb(s, "build write batch"));
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  rocksdb::Status s = db_->Write(wo, &wb);
  if (s.IsIOError() || s.IsNoSpace()) needs_resume_ = true;
  return FromRocksDb(s, "write batch");
}

absl::Status Store::Scan(Cf cf, absl::string_view lower, absl::string_view upper,
                         const ScanFn& fn) const {
  if (!db_) return absl::UnavailableError("store is closed");
  rocksdb::ReadOptions ro = ReadOptionsHere();
  rocksdb::Slice upper_slice(upper.data(), upper.size());
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Handle(cf)));
  for (it->Seek(rocksdb::Slice(lower.data(), lower.size())); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    rocksdb::Slice v = it->value();
    if (!fn(absl::string_view(k.data(), k.size()), absl::string_view(v.data(), v.size()))) {
      break;
    }
  }
  return FromRocksDb(it->status(), "scan");
}

Store::RangeReader::RangeReader(Cf cf, std::unique_ptr<rocksdb::Iterator> it)
    : cf_(cf), it_(std::move(it)) {}
Store::RangeReader::~RangeReader() = default;

absl::StatusOr<std::unique_ptr<Store::RangeReader>> Store::NewRangeReader(Cf cf) const {
  if (!db_) return absl::UnavailableError("store is closed");
  // No iterate_upper_bound: each range checks its own end (the bound would
  // have to outlive the iterator and be reset between ranges).
  rocksdb::ReadOptions ro = ReadOptionsHere();
  // A range reader reads forward: fetch 256 KiB of a table file at a time
  // instead of a block per read (export of 1 M rows +5-10 %; 64 KiB and
  // 1 MiB were slower).
  ro.readahead_size = 256 << 10;
  return std::unique_ptr<RangeReader>(
      new RangeReader(cf, std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, Handle(cf)))));
}

absl::Status Store::Scan(Cf cf, absl::string_view lower, absl::string_view upper, const ScanFn& fn,
                         RangeReader* reader) const {
  if (reader == nullptr) return Scan(cf, lower, upper, fn);
  if (reader->cf_ != cf) {
    return absl::InternalError(
        absl::StrCat("a reader of ", CfName(reader->cf_), " was given to scan ", CfName(cf)));
  }
  return reader->Scan(lower, upper, fn);
}

absl::Status Store::RangeReader::Scan(absl::string_view lower, absl::string_view upper,
                                      const ScanFn& fn) {
  for (it_->Seek(rocksdb::Slice(lower.data(), lower.size())); it_->Valid(); it_->Next()) {
    rocksdb::Slice k = it_->key();
    const absl::string_view key(k.data(), k.size());
    if (!upper.empty() && key >= upper) break;  // bytewise, as RocksDB orders keys
    rocksdb::Slice v = it_->value();
    if (!fn(key, absl::string_view(v.data(), v.size()))) break;
  }
  return FromRocksDb(it_->status(), "scan");
}

absl::Status Store::CompactAll() {
  if (!db_) return absl::UnavailableError("store is closed");
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    RETURN_IF_ERROR(FromRocksDb(db_->CompactRange(options, h, nullptr, nullptr), "compact"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Store::LiveBytes(Cf cf) const {
  if (!db_) return absl::UnavailableError("store is closed");
  uint64_t sst = 0;
  uint64_t blob = 0;
  db_->GetIntProperty(Handle(cf), rocksdb::DB::Properties::kLiveSstFilesSize, &sst);
  db_->GetIntProperty(Handle(cf), rocksdb::DB::Properties::kLiveBlobFileSize, &blob);
  return sst + blob;
}

absl::Status Store::VerifyChecksums() const {
  if (!db_) return absl::UnavailableError("store is closed");
  return FromRocksDb(db_->VerifyChecksum(), "verify checksums");
}

std::vector<std::string> Store::LiveSstFiles(Cf cf) const {
  std::vector<std::string> out;
  if (!db_) return out;
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  for (const auto& f : files) {
    if (f.column_family_name == kCfNames[static_cast<size_t>(cf)]) {
      out.push_back(f.db_path + f.name);
    }
  }
  return out;
}

absl::Status Store::Close() {
  if (!db_) return absl::OkStatus();
  if (needs_resume_.load() && db_->Resume().ok()) needs_resume_ = false;
  // After an unrecovered write error the log writer is in an error state:
  // touching it again aborts in the Debian build (assertions on). What was
  // acknowledged is already durable; only flushes are skipped.
  absl::Status result;
  if (!needs_resume_.load()) {
    result = FromRocksDb(db_->FlushWAL(/*sync=*/true), "flush wal");
  }
  if (result.ok() && !needs_resume_.load()) {
    // Best effort: a restart then replays no WAL. The synced WAL already
    // holds everything acknowledged, so a failed flush loses nothing.
    (void)db_->Flush(rocksdb::FlushOptions(), handles_);
  }
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    absl::Status s = FromRocksDb(db_->DestroyColumnFamilyHandle(h), "close cf");
    if (result.ok()) result = s;
  }
  handles_.clear();
  absl::Status s = FromRocksDb(db_->Close(), "close");
  if (result.ok()) result = s;
  db_.reset();
  return result;
}

}  // namespace tractus::storage
