// ExportJobs: export jobs as durable records (jobs column family) run one at
// a time by a worker thread, with their files under
// <exports_dir>/<export_id>/. A job left PENDING or RUNNING by a stopped
// server is started again from the beginning when the server starts (its
// `restarts` count says so): never silently lost. Each analyst has at most
// one unfinished job.
//
// Thread-safe.
#ifndef TRACTUS_EXPORTS_EXPORT_JOBS_H_
#define TRACTUS_EXPORTS_EXPORT_JOBS_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "exports/exporter.h"
#include "storage/store.h"
#include "tractus/internal/v1/export_records.pb.h"
#include "tractus/v1/export.pb.h"

namespace tractus::exports {

inline constexpr int kDefaultK = 5;
inline constexpr int kReadChunkBytes = 1 << 20;

class ExportJobs {
 public:
  // Re-queues unfinished jobs and starts the worker. Everything must
  // outlive the result.
  static absl::StatusOr<std::unique_ptr<ExportJobs>> Open(storage::Store* store,
                                                          const Clock* clock, Exporter* exporter,
                                                          std::string exports_dir);
  ~ExportJobs();

  // Stops the worker; a running job stays RUNNING in the store and is
  // resumed by the next Open(). Idempotent.
  void Stop();

  // `owner_id` starts a job over `scope_clinics` (empty: every clinic) when
  // the request names none. INVALID_ARGUMENT for a bad request;
  // RESOURCE_EXHAUSTED (retry delay) while the owner has an unfinished job.
  absl::StatusOr<v1::StartExportResponse> Start(const std::string& owner_id,
                                                const std::vector<std::string>& scope_clinics,
                                                const v1::StartExportRequest& req);
  // With req.wait (clamped to kMaxGetWait), an unfinished job's answer
  // waits until some job ends, the server stops or the wait passes.
  // INVALID_ARGUMENT for a negative wait.
  absl::StatusOr<v1::GetExportResponse> Get(const v1::GetExportRequest& req) const;
  static constexpr absl::Duration kMaxGetWait = absl::Seconds(10);
  // Jobs of `owner_id` (every job if empty), newest first.
  absl::StatusOr<v1::ListExportsResponse> List(const std::string& owner_id,
                                               const v1::ListExportsRequest& req) const;
  // FAILED_PRECONDITION when the job has already finished.
  absl::StatusOr<v1::CancelExportResponse> Cancel(const v1::CancelExportRequest& req);
  // Streams a finished job's file from req.offset in chunks; `emit` returns
  // false to stop. NOT_FOUND for an unknown file, FAILED_PRECONDITION when
  // the job has not succeeded.
  absl::Status ReadFile(const v1::ReadExportFileRequest& req,
                        const std::function<bool(const v1::ReadExportFileResponse&)>& emit) const;

  // Jobs pending or running now (metrics).
  int Active() const;

  // Who started the job; NOT_FOUND if unknown (for authorization).
  absl::StatusOr<std::string> OwnerOf(const std::string& export_id) const;

  // Blocks until no job is pending or running (tests).
  void WaitIdle();

  // Fault injection for tests: while paused, a running job stops between
  // episodes (RUNNING, holding its analyst's slot) until resumed, cancelled
  // or stopped.
  void SetPaused(bool paused);

 private:
  ExportJobs(storage::Store* store, const Clock* clock, Exporter* exporter, std::string dir)
      : store_(store), clock_(clock), exporter_(exporter), dir_(std::move(dir)) {}
  absl::StatusOr<internal::v1::ExportJobRecord> Load(const std::string& export_id) const;
  absl::Status Save(const internal::v1::ExportJobRecord& record);
  absl::StatusOr<std::string> LinkageSecret(const std::string& name);
  void Work();
  void RunJob(internal::v1::ExportJobRecord record);
  std::string JobDir(const std::string& export_id) const { return dir_ + "/" + export_id; }

  storage::Store* const store_;
  const Clock* const clock_;
  Exporter* const exporter_;
  const std::string dir_;

  mutable absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  std::string running_ ABSL_GUARDED_BY(mu_);
  int64_t running_done_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t running_total_ ABSL_GUARDED_BY(mu_) = 0;
  bool cancel_running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  int64_t jobs_ended_ ABSL_GUARDED_BY(mu_) = 0;  // wakes Get's long polls
  std::thread worker_;
};

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_EXPORT_JOBS_H_
