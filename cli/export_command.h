// `tractus export`: starts an anonymized export job, shows its progress,
// downloads every file into a folder (checking each file's SHA-256 against
// the manifest), prints the manifest and returns the finished job.
#ifndef TRACTUS_CLI_EXPORT_COMMAND_H_
#define TRACTUS_CLI_EXPORT_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "cli/client.h"
#include "tractus/v1/export.pb.h"

namespace tractus::cli {

struct ExportOptions {
  v1::StartExportRequest request;  // request_id filled in if empty
  std::string out_dir;             // created if missing
  bool progress_bar = true;        // on `err`
};

absl::StatusOr<v1::ExportJob> RunExport(const Client& client, ExportOptions options,
                                        std::ostream& out, std::ostream& err);

// Downloads one file of a finished export to `path`; returns its bytes.
absl::StatusOr<int64_t> DownloadExportFile(const Client& client, const std::string& export_id,
                                           const v1::ExportFile& file, const std::string& path);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_EXPORT_COMMAND_H_
