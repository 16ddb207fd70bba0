// FaultInjection: the disk as tests need it to fail — full, or losing power
// — under a real RocksDB, without root or special mounts. It is a RocksDB
// FileSystem (public API) over the real one, handed to the store through
// StoreOptions::file_system (tractusd: ServerConfig::file_system).
//
// Power loss: CutPower() is the moment the machine dies: from then on every
// write, sync, rename or delete fails and reaches nothing. RestorePower()
// (with the store closed) is the reboot: every file written through this
// FileSystem is cut back to what it held at its last Sync/Fsync — the page
// cache is gone — and writes work again. Renames and new files count as
// durable when made (directory fsyncs are not modelled); files that existed
// before are untouched unless written through it.
//
// Disk full: while SetDiskFull(true), creating a file (a flush's table, a
// new log or MANIFEST) fails with ENOSPC (RocksDB's NoSpace); files already
// open keep the room they have (RocksDB preallocates its logs), so the
// first thing to fail is a flush, as on a real disk. (A log append that
// fails would poison RocksDB 7.8's log writer until the database is
// reopened.) RocksDB then refuses writes until the store is reopened.
//
// Thread-safe. For tests and fault drills only.
#ifndef TRACTUS_STORAGE_FAULT_INJECTION_H_
#define TRACTUS_STORAGE_FAULT_INJECTION_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"

namespace rocksdb {
class FileSystem;
}  // namespace rocksdb

namespace tractus::storage {

class FaultInjection {
 public:
  FaultInjection();
  ~FaultInjection();
  FaultInjection(const FaultInjection&) = delete;
  FaultInjection& operator=(const FaultInjection&) = delete;

  // For StoreOptions::file_system; must outlive every store opened with it.
  std::shared_ptr<rocksdb::FileSystem> file_system() const;

  void SetDiskFull(bool full);

  void CutPower();
  // Bytes written but not synced when the power was cut: what RestorePower
  // drops (for tests to assert that a power cut had something to lose).
  uint64_t UnsyncedBytesAtCut() const;
  // INTERNAL if a file cannot be cut back.
  absl::Status RestorePower();

  class State;

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<rocksdb::FileSystem> fs_;
};

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_FAULT_INJECTION_H_
