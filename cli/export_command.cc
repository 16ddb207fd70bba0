#include "cli/export_command.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "exports/file_sink.h"

namespace tractus::cli {
namespace {

void Bar(const v1::ExportJob& job, std::ostream& err) {
  const double share = job.episodes_total() > 0 ? static_cast<double>(job.episodes_done()) /
                                                      static_cast<double>(job.episodes_total())
                                                : 0;
  const int filled = static_cast<int>(share * 30);
  err << "\r[" << std::string(filled, '#') << std::string(30 - filled, '.') << "] "
      << absl::StrFormat("%3.0f%%", share * 100) << "  " << job.episodes_done() << "/"
      << job.episodes_total() << " episodes  " << v1::ExportState_Name(job.state()) << "   "
      << std::flush;
}

}  // namespace

absl::StatusOr<int64_t> DownloadExportFile(const Client& client, const std::string& export_id,
                                           const v1::ExportFile& file, const std::string& path) {
  // Hashed as it arrives and left to the page cache, as cp leaves a copy
  // (exports/file_sink.h).
  const std::filesystem::path target(path);
  auto sink = exports::FileSink::Create(
      target.parent_path().empty() ? "." : target.parent_path().string(),
      target.filename().string(), file.content(), exports::FileSink::Sync::kPageCache);
  if (!sink.ok()) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  grpc::Status status;
  // Resume from what arrived if the stream breaks.
  for (int attempt = 0; attempt < 5 && (*sink)->bytes() < file.bytes(); ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
    v1::ReadExportFileRequest req;
    req.set_export_id(export_id);
    req.set_file_name(file.name());
    req.set_offset((*sink)->bytes());
    auto reader = client.exports()->ReadExportFile(&ctx, req);
    v1::ReadExportFileResponse part;
    while (reader->Read(&part)) {
      if (part.offset() != (*sink)->bytes()) break;
      if (absl::Status s = (*sink)->Bytes(part.data()); !s.ok()) {
        ctx.TryCancel();
        reader->Finish();
        return absl::FailedPreconditionError(
            absl::StrCat("cannot write ", path, ": ", s.message()));
      }
    }
    status = reader->Finish();
    if (!status.ok() && status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
  }
  if (!status.ok()) return FromGrpc(status);
  absl::StatusOr<v1::ExportFile> written = (*sink)->Close();
  if (!written.ok()) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  if (written->bytes() != file.bytes() || written->sha256() != file.sha256()) {
    return absl::DataLossError(absl::StrCat(file.name(), ": downloaded bytes do not match the manifest"));
  }
  return written->bytes();
}

absl::StatusOr<v1::ExportJob> RunExport(const Client& client, ExportOptions options,
                                        std::ostream& out, std::ostream& err) {
  if (options.request.request_id().empty()) {
    options.request.set_request_id(NewOpaqueId("cli-export-"));
  }
  ASSIGN_OR_RETURN(auto started, client.Call(&v1::ExportService::Stub::StartExport,
                                             client.exports(), options.request));
  const std::string id = started.job().export_id();
  out << "export " << id << " started\n";
  v1::ExportJob job = started.job();
  // Long polls: the server answers as soon as the job ends, else after
  // half a second (the progress bar's refresh). At least 50 ms apart, in
  // case a server answers at once.
  while (job.state() == v1::EXPORT_STATE_PENDING || job.state() == v1::EXPORT_STATE_RUNNING) {
    if (options.progress_bar) Bar(job, err);
    v1::GetExportRequest get;
    get.set_export_id(id);
    get.mutable_wait()->set_nanos(500'000'000);
    const absl::Time asked = absl::Now();
    ASSIGN_OR_RETURN(auto now, client.Call(&v1::ExportService::Stub::GetExport,
                                           client.exports(), get));
    job = now.job();
    if (job.state() == v1::EXPORT_STATE_PENDING || job.state() == v1::EXPORT_STATE_RUNNING) {
      absl::SleepFor(absl::Milliseconds(50) - (absl::Now() - asked));
    }
  }
  if (options.progress_bar) {
    Bar(job, err);
    err << "\n";
  }
  if (job.state() != v1::EXPORT_STATE_SUCCEEDED) {
    return absl::AbortedError(absl::StrCat("export ", id, " ended ",
                                           v1::ExportState_Name(job.state()), " ", job.failure()));
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return absl::FailedPreconditionError(absl::StrCat("cannot create ", options.out_dir));
  const v1::ExportManifest& m = job.manifest();
  for (const v1::ExportFile& f : m.files()) {
    ASSIGN_OR_RETURN(int64_t bytes,
                     DownloadExportFile(client, id, f, options.out_dir + "/" + f.name()));
    out << absl::StrFormat("  %-22s %10d records %12d bytes  sha256 %s\n", f.name(), f.records(),
                           bytes, f.sha256().substr(0, 16));
  }
  out << "episodes exported " << m.episodes_exported() << ", observations "
      << m.observations_exported() << "\n";
  for (const v1::Suppression& s : m.suppressed()) {
    out << "suppressed " << s.episodes() << " episodes (" << s.observations()
        << " observations): " << s.reason() << "\n";
  }
  out << "k " << m.k() << ", " << m.classes() << " classes, smallest " << m.smallest_class()
      << ", largest re-identification risk " << absl::StrFormat("%.3f", m.max_reidentification_risk())
      << "; ZIP3 list " << m.zip3_list_version() << "\n";
  for (const v1::UniquenessRisk& u : m.uniqueness()) {
    out << absl::StrFormat("unique on quasi-identifiers + %s: %.1f %% of subjects (exact values "
                           "%.1f %%)\n",
                           u.known(), 100 * u.released(), 100 * u.exact());
  }
  out << "files in " << options.out_dir << " (format " << m.format_version()
      << "; columns and codes: docs/exports.md)\n";
  return job;
}

}  // namespace tractus::cli
