// FileSink: an export file written line by line (or a downloaded copy of
// one), counting records and bytes and hashing as it goes (SHA-256). Lines gather in a 1 MiB buffer
// that is hashed and written whole, so memory stays small whatever the
// file's size and a line costs a copy. A durable file (the server's export
// files: a job that succeeded survives a crash) is fsynced when closed, and
// every 8 MiB written are handed to the disk at once (without waiting), as
// RocksDB's bytes_per_sync does: the disk writes while the export
// computes and the closing fsync waits only for the tail. A download is
// left to the page cache, as cp leaves a copy. Not thread-safe.
#ifndef TRACTUS_EXPORTS_FILE_SINK_H_
#define TRACTUS_EXPORTS_FILE_SINK_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tractus/v1/export.pb.h"

namespace tractus::exports {

class FileSink {
 public:
  enum class Sync { kDurable, kPageCache };
  // Creates (truncates) `dir`/`name`; `content` names what it holds.
  static absl::StatusOr<std::unique_ptr<FileSink>> Create(const std::string& dir,
                                                          const std::string& name,
                                                          const std::string& content,
                                                          Sync sync = Sync::kDurable);
  ~FileSink();

  // Appends `line` and a newline; counts a record unless `header`.
  absl::Status Line(absl::string_view line, bool header = false);
  // Appends `records` complete lines (each ending in a newline).
  absl::Status Lines(absl::string_view lines, int64_t records);
  // Appends bytes that need not be whole lines (a file received piece by
  // piece); counts no record.
  absl::Status Bytes(absl::string_view bytes) { return Lines(bytes, 0); }
  // Bytes appended so far.
  int64_t bytes() const { return file_.bytes(); }

  // Flushes, fsyncs (if durable) and closes; describes the file.
  absl::StatusOr<v1::ExportFile> Close();

 private:
  FileSink() = default;
  // Gathers `bytes` in the buffer (draining it first when full).
  absl::Status Append(absl::string_view bytes);
  // Hashes and writes the buffer, then empties it.
  absl::Status Drain();
  // Hashes and writes `bytes`.
  absl::Status WriteOut(absl::string_view bytes);

  static constexpr size_t kBufferBytes = 1 << 20;
  static constexpr int64_t kWritebackBytes = 8 << 20;
  std::string path_;
  Sync sync_ = Sync::kDurable;
  int64_t written_ = 0;       // bytes handed to the file
  int64_t written_back_ = 0;  // of which writeback has been started
  std::string buffer_;
  v1::ExportFile file_;
  FILE* out_ = nullptr;
  void* sha_ = nullptr;  // EVP_MD_CTX*
};

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_FILE_SINK_H_
