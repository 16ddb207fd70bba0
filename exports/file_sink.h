// FileSink: an export file written line by line, counting records and
// bytes and hashing as it goes (SHA-256), buffered so memory stays small
// whatever the file's size. Not thread-safe.
#ifndef TRACTUS_EXPORTS_FILE_SINK_H_
#define TRACTUS_EXPORTS_FILE_SINK_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tractus/v1/export.pb.h"

namespace tractus::exports {

class FileSink {
 public:
  // Creates (truncates) `dir`/`name`; `content` names what it holds.
  static absl::StatusOr<std::unique_ptr<FileSink>> Create(const std::string& dir,
                                                          const std::string& name,
                                                          const std::string& content);
  ~FileSink();

  // Appends `line` and a newline; counts a record unless `header`.
  absl::Status Line(const std::string& line, bool header = false);

  // Flushes, fsyncs and closes; describes the file.
  absl::StatusOr<v1::ExportFile> Close();

 private:
  FileSink() = default;
  std::string path_;
  v1::ExportFile file_;
  FILE* out_ = nullptr;
  void* sha_ = nullptr;  // EVP_MD_CTX*
};

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_FILE_SINK_H_
