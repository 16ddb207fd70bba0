#include "exports/export_jobs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "analytics/instruments.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "exports/export_request.h"
#include "exports/file_sink.h"
#include "records/civil_date.h"
#include "records/idempotency.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::exports {
namespace {

using internal::v1::ExportJobRecord;
using storage::Cf;

bool Finished(v1::ExportState s) {
  return s == v1::EXPORT_STATE_SUCCEEDED || s == v1::EXPORT_STATE_FAILED ||
         s == v1::EXPORT_STATE_CANCELLED;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExportJobs>> ExportJobs::Open(storage::Store* store,
                                                             const Clock* clock,
                                                             Exporter* exporter,
                                                             std::string exports_dir) {
  std::unique_ptr<ExportJobs> jobs(new ExportJobs(store, clock, exporter, std::move(exports_dir)));
  std::error_code ec;
  std::filesystem::create_directories(jobs->dir_, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", jobs->dir_));
  std::vector<ExportJobRecord> unfinished;
  const std::string prefix = storage::ExportJobPrefix();
  absl::Status parse_error;
  RETURN_IF_ERROR(store->Scan(Cf::kJobs, prefix, storage::PrefixSuccessor(prefix),
                              [&](absl::string_view, absl::string_view value) {
                                auto r = storage::ParseRecord<ExportJobRecord>(value, "export job");
                                if (!r.ok()) {
                                  parse_error = r.status();
                                  return false;
                                }
                                if (!Finished(r->job().state())) unfinished.push_back(*r);
                                return true;
                              }));
  RETURN_IF_ERROR(parse_error);
  std::sort(unfinished.begin(), unfinished.end(), [](const auto& a, const auto& b) {
    return records::FromProto(a.job().create_time()) < records::FromProto(b.job().create_time());
  });
  {
    absl::MutexLock lock(&jobs->mu_);
    for (ExportJobRecord& r : unfinished) {
      if (r.job().state() == v1::EXPORT_STATE_RUNNING) {
        r.mutable_job()->set_restarts(r.job().restarts() + 1);
        r.mutable_job()->set_state(v1::EXPORT_STATE_PENDING);
        RETURN_IF_ERROR(jobs->Save(r));
      }
      jobs->queue_.push_back(r.job().export_id());
    }
  }
  jobs->worker_ = std::thread([j = jobs.get()] { j->Work(); });
  return jobs;
}

ExportJobs::~ExportJobs() { Stop(); }

void ExportJobs::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<ExportJobRecord> ExportJobs::Load(const std::string& export_id) const {
  auto r = storage::GetRecord<ExportJobRecord>(*store_, Cf::kJobs,
                                               storage::ExportJobKey(export_id), "export job");
  if (absl::IsNotFound(r.status())) {
    return absl::NotFoundError(absl::StrCat("export ", export_id, " not found"));
  }
  return r;
}

absl::Status ExportJobs::Save(const ExportJobRecord& record) {
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kJobs, storage::ExportJobKey(record.job().export_id()), record);
  return store_->Write(batch);
}

absl::StatusOr<std::string> ExportJobs::LinkageSecret(const std::string& name) {
  auto secret = store_->Get(Cf::kJobs, storage::LinkageKeyKey(name));
  if (absl::IsNotFound(secret.status())) {
    std::string fresh(32, '\0');
    SecureRandomBytes(fresh.data(), fresh.size());
    storage::WriteBatch batch;
    batch.Put(Cf::kJobs, storage::LinkageKeyKey(name), fresh);
    RETURN_IF_ERROR(store_->Write(batch));
    return fresh;
  }
  return secret;
}

namespace {

// Whether `req` is the request that made `record` (its replay).
bool SameRequest(const ExportJobRecord& record, const v1::StartExportRequest& req) {
  if (record.request_fingerprint() != 0) {
    return record.request_fingerprint() == records::Fingerprint(req);
  }
  // A job stored before fingerprints: its own fields (k normalized, an
  // empty clinic list resolved to the analyst's clinics).
  const v1::ExportJob& job = record.job();
  v1::ExportFilter filter = req.filter();
  if (filter.clinic_ids().empty()) *filter.mutable_clinic_ids() = job.filter().clinic_ids();
  return job.format() == req.format() && job.k() == (req.k() == 0 ? kDefaultK : req.k()) &&
         job.linkage_key() == req.linkage_key() &&
         job.coarsening().SerializeAsString() == req.coarsening().SerializeAsString() &&
         job.filter().SerializeAsString() == filter.SerializeAsString();
}

}  // namespace

absl::StatusOr<std::string> ExportJobs::OwnerOf(const std::string& export_id) const {
  ASSIGN_OR_RETURN(ExportJobRecord r, Load(export_id));
  return r.job().owner_id();
}

absl::StatusOr<v1::StartExportResponse> ExportJobs::Start(
    const std::string& owner_id, const std::vector<std::string>& scope_clinics,
    const v1::StartExportRequest& req) {
  Violations v;
  CheckStartExport(req, v);
  RETURN_IF_ERROR(v.ToStatus());
  absl::MutexLock lock(&mu_);
  // A replay returns the job; an unfinished job blocks a new one.
  const std::string prefix = storage::ExportJobPrefix();
  std::optional<ExportJobRecord> replay;
  bool busy = false;
  absl::Status parse_error;
  RETURN_IF_ERROR(store_->Scan(Cf::kJobs, prefix, storage::PrefixSuccessor(prefix),
                               [&](absl::string_view, absl::string_view value) {
                                 auto r = storage::ParseRecord<ExportJobRecord>(value, "job");
                                 if (!r.ok()) {
                                   parse_error = r.status();
                                   return false;
                                 }
                                 if (r->job().owner_id() != owner_id) return true;
                                 if (r->request_id() == req.request_id()) replay = *r;
                                 busy = busy || !Finished(r->job().state());
                                 return true;
                               }));
  RETURN_IF_ERROR(parse_error);
  v1::StartExportResponse resp;
  if (replay.has_value()) {
    if (!SameRequest(*replay, req)) return records::RequestIdReusedError(req.request_id());
    *resp.mutable_job() = replay->job();
    return resp;
  }
  if (busy) {
    return WithRetryDelay(
        absl::ResourceExhaustedError(
            "one export at a time per analyst: wait for the running one or cancel it"),
        absl::Seconds(30));
  }
  ExportJobRecord record;
  record.set_request_id(req.request_id());
  record.set_request_fingerprint(records::Fingerprint(req));
  v1::ExportJob* job = record.mutable_job();
  job->set_export_id(NewOpaqueId(kExportIdPrefix));
  job->set_owner_id(owner_id);
  *job->mutable_filter() = req.filter();
  if (job->filter().clinic_ids().empty()) {
    for (const std::string& c : scope_clinics) job->mutable_filter()->add_clinic_ids(c);
  }
  job->set_format(req.format());
  job->set_k(req.k() == 0 ? kDefaultK : req.k());
  job->set_linkage_key(req.linkage_key());
  *job->mutable_coarsening() = req.coarsening();
  job->set_state(v1::EXPORT_STATE_PENDING);
  *job->mutable_create_time() = records::ToProto(clock_->Now());
  *job->mutable_update_time() = job->create_time();
  if (req.linkage_key().empty()) {
    std::string key(32, '\0');
    SecureRandomBytes(key.data(), key.size());
    record.set_subject_key(key);
  } else {
    ASSIGN_OR_RETURN(*record.mutable_subject_key(), LinkageSecret(req.linkage_key()));
  }
  RETURN_IF_ERROR(Save(record));
  queue_.push_back(job->export_id());
  *resp.mutable_job() = *job;
  return resp;
}

absl::StatusOr<v1::GetExportResponse> ExportJobs::Get(const v1::GetExportRequest& req) const {
  absl::Duration wait;
  if (req.has_wait()) {
    wait = absl::Seconds(req.wait().seconds()) + absl::Nanoseconds(req.wait().nanos());
    if (wait < absl::ZeroDuration()) return InvalidField("wait", "must not be negative");
    wait = std::min(wait, kMaxGetWait);
  }
  // Noted before the read: a job saves its end before counting it, so one
  // that ends after the read below changes the count.
  int64_t ended;
  {
    absl::MutexLock lock(&mu_);
    ended = jobs_ended_;
  }
  ASSIGN_OR_RETURN(ExportJobRecord r, Load(req.export_id()));
  if (wait > absl::ZeroDuration() && !Finished(r.job().state())) {
    {
      absl::MutexLock lock(&mu_);
      const auto changed = [this, ended]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return jobs_ended_ != ended || stopping_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&changed), wait);
    }
    ASSIGN_OR_RETURN(r, Load(req.export_id()));
  }
  v1::GetExportResponse resp;
  *resp.mutable_job() = r.job();
  absl::MutexLock lock(&mu_);
  if (running_ == req.export_id() && r.job().state() == v1::EXPORT_STATE_RUNNING) {
    resp.mutable_job()->set_episodes_done(running_done_);
    resp.mutable_job()->set_episodes_total(running_total_);
  }
  return resp;
}

absl::StatusOr<v1::ListExportsResponse> ExportJobs::List(const std::string& owner_id,
                                                         const v1::ListExportsRequest& req) const {
  if (req.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int page_size = req.page_size() == 0 ? 20 : std::min(req.page_size(), 100);
  int64_t offset = 0;
  if (!req.page_token().empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(req.page_token(), &raw) || !absl::SimpleAtoi(raw, &offset) ||
        offset < 0) {
      return InvalidField("page_token", "not a token of this listing");
    }
  }
  std::vector<v1::ExportJob> jobs;
  const std::string prefix = storage::ExportJobPrefix();
  RETURN_IF_ERROR(store_->Scan(Cf::kJobs, prefix, storage::PrefixSuccessor(prefix),
                               [&](absl::string_view, absl::string_view value) {
                                 ExportJobRecord r;
                                 if (r.ParseFromArray(value.data(), static_cast<int>(value.size())) &&
                                     (owner_id.empty() || r.job().owner_id() == owner_id)) {
                                   jobs.push_back(r.job());
                                 }
                                 return true;
                               }));
  std::sort(jobs.begin(), jobs.end(), [](const v1::ExportJob& a, const v1::ExportJob& b) {
    return records::FromProto(a.create_time()) > records::FromProto(b.create_time());
  });
  v1::ListExportsResponse resp;
  for (int64_t i = offset; i < static_cast<int64_t>(jobs.size()) && i < offset + page_size; ++i) {
    *resp.add_jobs() = jobs[i];
  }
  if (offset + page_size < static_cast<int64_t>(jobs.size())) {
    resp.set_next_page_token(absl::WebSafeBase64Escape(absl::StrCat(offset + page_size)));
  }
  return resp;
}

absl::StatusOr<v1::CancelExportResponse> ExportJobs::Cancel(const v1::CancelExportRequest& req) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(ExportJobRecord r, Load(req.export_id()));
  if (Finished(r.job().state())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "export ", req.export_id(), " already ended (", v1::ExportState_Name(r.job().state()), ")"));
  }
  r.mutable_job()->set_state(v1::EXPORT_STATE_CANCELLED);
  *r.mutable_job()->mutable_update_time() = records::ToProto(clock_->Now());
  RETURN_IF_ERROR(Save(r));
  queue_.erase(std::remove(queue_.begin(), queue_.end(), req.export_id()), queue_.end());
  if (running_ == req.export_id()) cancel_running_ = true;
  ++jobs_ended_;
  std::error_code ec;
  if (running_ != req.export_id()) std::filesystem::remove_all(JobDir(req.export_id()), ec);
  v1::CancelExportResponse resp;
  *resp.mutable_job() = r.job();
  return resp;
}

absl::Status ExportJobs::ReadFile(
    const v1::ReadExportFileRequest& req,
    const std::function<bool(const v1::ReadExportFileResponse&)>& emit) const {
  ASSIGN_OR_RETURN(ExportJobRecord r, Load(req.export_id()));
  if (r.job().state() != v1::EXPORT_STATE_SUCCEEDED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "export ", req.export_id(), " has no files (", v1::ExportState_Name(r.job().state()), ")"));
  }
  // Only names the manifest lists: never a path from the request.
  const auto& files = r.job().manifest().files();
  auto file = std::find_if(files.begin(), files.end(),
                           [&](const v1::ExportFile& f) { return f.name() == req.file_name(); });
  if (file == files.end()) {
    return absl::NotFoundError(absl::StrCat("export ", req.export_id(), " has no file \"",
                                            req.file_name(), "\""));
  }
  if (req.offset() < 0) return InvalidField("offset", "must not be negative");
  if (req.offset() > file->bytes()) {
    // The gRPC convention for reading past the end (a client that resumes
    // at the end gets an empty stream instead).
    return absl::OutOfRangeError(absl::StrCat("offset ", req.offset(), " is past the end of ",
                                              file->name(), " (", file->bytes(), " bytes)"));
  }
  std::ifstream in(JobDir(req.export_id()) + "/" + file->name(), std::ios::binary);
  if (!in) return absl::DataLossError("an export file is missing from the disk");
  in.seekg(req.offset());
  v1::ReadExportFileResponse part;
  std::string buffer(kReadChunkBytes, '\0');
  int64_t offset = req.offset();
  while (offset < file->bytes()) {
    in.read(buffer.data(), static_cast<std::streamsize>(
                               std::min<int64_t>(kReadChunkBytes, file->bytes() - offset)));
    const std::streamsize n = in.gcount();
    if (n <= 0) return absl::DataLossError("an export file is shorter than its manifest says");
    part.set_data(buffer.data(), static_cast<size_t>(n));
    part.set_offset(offset);
    part.set_file_bytes(file->bytes());
    if (!emit(part)) return absl::OkStatus();
    offset += n;
  }
  return absl::OkStatus();
}

void ExportJobs::WaitIdle() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](ExportJobs* j) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return j->stopping_ || (j->queue_.empty() && j->running_.empty());
      },
      this));
}

int ExportJobs::Active() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size()) + (running_.empty() ? 0 : 1);
}

void ExportJobs::SetPaused(bool paused) {
  absl::MutexLock lock(&mu_);
  paused_ = paused;
}

void ExportJobs::Work() {
  for (;;) {
    std::string id;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ExportJobs* j) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return j->stopping_ || !j->queue_.empty();
          },
          this));
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      running_ = id;
      running_done_ = running_total_ = 0;
      cancel_running_ = false;
    }
    auto record = Load(id);
    if (record.ok() && !Finished(record->job().state())) RunJob(std::move(*record));
    absl::MutexLock lock(&mu_);
    running_.clear();
    ++jobs_ended_;
  }
}

void ExportJobs::RunJob(ExportJobRecord record) {
  v1::ExportJob& job = *record.mutable_job();
  const std::string dir = JobDir(job.export_id());
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // a partial run before a restart
  std::filesystem::create_directories(dir, ec);
  job.set_state(v1::EXPORT_STATE_RUNNING);
  *job.mutable_update_time() = records::ToProto(clock_->Now());
  if (!Save(record).ok()) return;  // stays PENDING in the store: resumed at next start

  ExportPlan plan{job.filter(), job.format(), job.k(), record.subject_key(), dir,
                  job.coarsening()};
  bool stopped_by_shutdown = false;
  auto manifest = exporter_->Run(plan, [&](int64_t done, int64_t total) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ExportJobs* j) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return !j->paused_ || j->stopping_ || j->cancel_running_;
        },
        this));
    running_done_ = done;
    running_total_ = total;
    stopped_by_shutdown = stopping_;
    return !stopping_ && !cancel_running_;
  });
  absl::Status finished = manifest.status();
  if (manifest.ok()) {
    auto sink = FileSink::Create(dir, "manifest.json", "manifest");
    finished = sink.status();
    if (sink.ok()) {
      v1::ExportManifest with_self = *manifest;
      finished = (*sink)->Line(ManifestJson(job, *manifest));
      auto described = (*sink)->Close();
      if (finished.ok()) finished = described.status();
      if (finished.ok()) *with_self.add_files() = *described;
      *job.mutable_manifest() = std::move(with_self);
    }
  }
  absl::MutexLock lock(&mu_);
  if (stopped_by_shutdown && !finished.ok()) return;  // RUNNING in the store: resumed at start
  auto current = Load(job.export_id());
  const bool cancelled =
      cancel_running_ || (current.ok() && current->job().state() == v1::EXPORT_STATE_CANCELLED);
  job.set_episodes_done(running_done_);
  job.set_episodes_total(running_total_);
  *job.mutable_update_time() = records::ToProto(clock_->Now());
  if (cancelled) {
    job.set_state(v1::EXPORT_STATE_CANCELLED);
    job.clear_manifest();
  } else if (finished.ok()) {
    job.set_state(v1::EXPORT_STATE_SUCCEEDED);
  } else {
    job.set_state(v1::EXPORT_STATE_FAILED);
    job.set_failure(std::string(finished.message()));
    job.clear_manifest();
  }
  if (job.state() != v1::EXPORT_STATE_SUCCEEDED) std::filesystem::remove_all(dir, ec);
  (void)Save(record);  // if this fails the job is RUNNING in the store: redone at next start
}

}  // namespace tractus::exports
