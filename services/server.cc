#include "services/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <filesystem>


#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "common/secret_file.h"
#include "common/secrets.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "security/policy.h"
#include "services/transport.h"
#include "storage/shard_id.h"

namespace tractus::services {
namespace {

// Idle threads a gRPC server keeps waiting for calls.
constexpr int kMaxIdlePollers = 16;

// Every method of every served service must have an authorization rule: a
// missing one would be refused at call time; fail at startup instead.
absl::Status CheckEveryMethodHasARule() {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name :
       {"tractus.v1.ClinicService", "tractus.v1.PatientService", "tractus.v1.EpisodeService",
        "tractus.v1.ObservationService", "tractus.v1.HomeReportService",
        "tractus.v1.DeviceAdminService", "tractus.v1.DeviceService", "tractus.v1.SessionService",
        "tractus.v1.OutcomeService", "tractus.v1.AdminService", "tractus.v1.AuthService",
        "tractus.v1.ExportService"}) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) return absl::InternalError(absl::StrCat("unknown service ", name));
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = absl::StrCat(name, "/", service->method(i)->name());
      if (security::FindRule(method) == nullptr) {
        return absl::InternalError(absl::StrCat("no authorization rule for ", method));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Server::StartDomain(const ServerConfig& config, const Clock* clock) {
  storage::StoreOptions store_options;
  store_options.sync_writes = config.sync_wal;
  store_options.file_system = config.file_system;
  store_options.block_cache_bytes = config.block_cache_bytes;
  store_options.memtable_bytes = std::min(config.memtable_bytes, config.block_cache_bytes);
  ASSIGN_OR_RETURN(store_, storage::Store::Open(config.data_dir, store_options));
  records_ = std::make_unique<records::Records>(store_.get(), clock);
  devices_ = std::make_unique<device_gateway::Devices>(store_.get(), clock);
  uploads_ = std::make_unique<device_gateway::Uploads>(store_.get(), clock, records_.get(),
                                                       config.uploads);
  // Streams hold no thread (upload_reactor.h, server_stream_reactor.h):
  // their totals are bounded by memory (UploadConfig::max_streams_total,
  // ServerConfig::max_user_streams).
  stream_slots_ = std::make_unique<device_gateway::StreamSlots>(
      config.uploads.max_streams_per_device, config.uploads.max_streams_total);
  stream_work_ = std::make_unique<WorkPool>(config.stream_threads);
  commits_ = std::make_unique<device_gateway::CommitQueue>(uploads_.get(), config.commit_threads);
  open_streams_ = std::make_unique<OpenStreams>();
  devices_->SetRevocationListener([this] { open_streams_->AccessChanged(); });
  user_streams_ = std::make_unique<device_gateway::StreamSlots>(
      config.max_streams_per_principal, config.max_user_streams);
  outcomes_ = std::make_unique<outcomes::Outcomes>(store_.get(), records_.get(), uploads_.get(),
                                                   clock, config.progress_cache_bytes);
  records_->SetListener(outcomes_.get());
  // Before anything is served: the summaries a clean stop left, if this
  // build saved them for this very store and nothing changed since.
  cohort_snapshot_path_ = config.data_dir + "/cohort-summaries";
  std::string why_not;
  if (size_t kept = outcomes_->LoadCohortSummaries(cohort_snapshot_path_, &why_not); kept > 0) {
    spdlog::info("cohort summaries kept from the last clean stop (episodes: {})", kept);
  } else {
    spdlog::info("cohort summaries start empty: {}", why_not);
  }
  ASSIGN_OR_RETURN(shard_id_, storage::LoadOrCreateShardId(*store_));
  if (!config.cluster_key_file.empty()) {
    ASSIGN_OR_RETURN(std::string cluster_secret, ReadSecretFile(config.cluster_key_file));
    ASSIGN_OR_RETURN(auto shares, outcomes::CohortShares::Create(cluster_secret, shard_id_, clock));
    outcomes_->EnableCohortShares(std::move(shares));
    // Every shard keys an episode alike: a merged cohort equals one server's.
    outcomes_->SetRecordKeySecret(HmacSha256(cluster_secret, "tractus record-key secret v1"));
  } else {
    ASSIGN_OR_RETURN(std::string record_key_secret, storage::LoadOrCreateRecordKeySecret(*store_));
    outcomes_->SetRecordKeySecret(std::move(record_key_secret));
  }

  RETURN_IF_ERROR(exports::ValidateFhirBase(config.fhir_base_url));
  exporter_ = std::make_unique<exports::Exporter>(records_.get(), outcomes_.get(),
                                                  config.fhir_base_url);
  ASSIGN_OR_RETURN(export_jobs_, exports::ExportJobs::Open(store_.get(), clock, exporter_.get(),
                                                            config.data_dir + "/exports"));
  ASSIGN_OR_RETURN(accounts_, security::Accounts::Open(store_.get(), clock, records_.get()));
  accounts_->SetAccessListener([this] { open_streams_->AccessChanged(); });
  ASSIGN_OR_RETURN(audit_, security::AuditLog::Open(store_.get(), clock));
  bootstrap_key_file_ = config.bootstrap_key_file.empty()
                            ? config.data_dir + "/bootstrap-admin.key"
                            : config.bootstrap_key_file;
  // A key file already there is the operator's (e.g. one key for every
  // shard, from `tractus admin init-cluster`): installed on first start.
  std::optional<std::string> provisioned;
  if (std::filesystem::exists(bootstrap_key_file_)) {
    ASSIGN_OR_RETURN(provisioned, ReadSecretFile(bootstrap_key_file_));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> bootstrap,
                   accounts_->BootstrapAdministrator(provisioned));
  if (bootstrap.has_value() && provisioned.has_value()) {
    spdlog::warn("first start: installed the bootstrap administrator API key of {}",
                 bootstrap_key_file_);
  } else if (bootstrap.has_value()) {
    RETURN_IF_ERROR(WriteSecretFile(bootstrap_key_file_, *bootstrap));
    spdlog::warn("first start: bootstrap administrator API key written to {} (mode 0600); "
                 "create named administrators and revoke it",
                 bootstrap_key_file_);
  }
  rate_limiter_ = std::make_unique<security::RateLimiter>(config.rate_limit, clock);
  failed_auth_limiter_ = std::make_unique<security::RateLimiter>(config.failed_auth_limit, clock);
  owners_ = std::make_unique<RecordOwners>(records_.get(), uploads_.get(), devices_.get(),
                                           export_jobs_.get());
  storage::Store* store = store_.get();
  std::vector<Metrics::Gauge> gauges = {
      {"tractus_upload_streams_open", "Device upload streams open now",
       [this] { return static_cast<double>(stream_slots_->open()); }},
      {"tractus_user_streams_open", "Alert and telemetry streams of users open now",
       [this] { return static_cast<double>(user_streams_->open()); }},
      {"tractus_ingest_chunks_total", "Telemetry chunks stored (replays not counted)",
       [this] { return static_cast<double>(uploads_->chunks_stored()); }, true},
      {"tractus_ingest_samples_total", "Telemetry samples stored; rate() gives samples/s",
       [this] { return static_cast<double>(uploads_->samples_stored()); }, true},
      {"tractus_export_jobs_active", "Export jobs pending or running",
       [this] { return static_cast<double>(export_jobs_->Active()); }},
      {"tractus_alerts_raised_total", "Alerts newly raised",
       [this] { return static_cast<double>(outcomes_->alerts_raised()); }, true},
      {"tractus_progress_cache_bytes", "Progress views kept in memory (of --progress_cache_mb)",
       [this] { return static_cast<double>(outcomes_->progress_cache_bytes()); }},
      {"tractus_progress_cache_episodes", "Episodes whose progress view is kept in memory",
       [this] { return static_cast<double>(outcomes_->progress_cache_episodes()); }},
      {"tractus_audit_entries", "Entries in the audit log",
       [this] { return static_cast<double>(audit_->head_sequence()); }},
      {"tractus_rocksdb_memtable_bytes", "RocksDB memtables, all column families",
       [store] { return static_cast<double>(store->IntProperty("rocksdb.cur-size-all-mem-tables")); }},
      {"tractus_rocksdb_pending_compaction_bytes", "RocksDB estimated compaction debt",
       [store] {
         return static_cast<double>(store->IntProperty("rocksdb.estimate-pending-compaction-bytes"));
       }},
      {"tractus_rocksdb_block_cache_bytes", "RocksDB block cache in use (memtables charged to it)",
       [store] { return static_cast<double>(store->BlockCacheUsage()); }},
  };
  ASSIGN_OR_RETURN(metrics_, Metrics::Start(config.metrics_listen, std::move(gauges)));
  guard_ = std::make_unique<CallGuard>(
      accounts_.get(), devices_.get(), owners_.get(), audit_.get(), rate_limiter_.get(),
      failed_auth_limiter_.get(), user_streams_.get(),
      GuardOptions{.device_certificates_required = !config.device_client_ca_file.empty()},
      metrics_.get());

  CallGuard* guard = guard_.get();
  clinics_ = std::make_unique<ClinicServiceImpl>(guard, records_.get());
  patients_ = std::make_unique<PatientServiceImpl>(guard, records_.get());
  episodes_ = std::make_unique<EpisodeServiceImpl>(guard, records_.get());
  observations_ = std::make_unique<ObservationServiceImpl>(guard, records_.get());
  home_reports_ = std::make_unique<HomeReportServiceImpl>(guard, records_.get());
  device_admin_ = std::make_unique<DeviceAdminServiceImpl>(guard, devices_.get());
  const UploadContext upload_context{guard, uploads_.get(), stream_slots_.get(),
                                     stream_work_.get(), commits_.get(), open_streams_.get()};
  device_service_ = std::make_unique<DeviceServiceImpl>(guard, devices_.get(), upload_context);
  device_port_service_ =
      std::make_unique<DeviceServiceImpl>(guard, devices_.get(), upload_context);
  const StreamContext stream_context{guard, stream_work_.get(), open_streams_.get()};
  sessions_ = std::make_unique<SessionServiceImpl>(guard, uploads_.get(), stream_context);
  outcome_service_ =
      std::make_unique<OutcomeServiceImpl>(guard, outcomes_.get(), stream_context);
  admin_ = std::make_unique<AdminServiceImpl>(guard, store_.get(), accounts_.get(), audit_.get(),
                                              config.backup_dir);
  auth_ = std::make_unique<AuthServiceImpl>(guard, accounts_.get(), shard_id_);
  export_service_ = std::make_unique<ExportServiceImpl>(guard, export_jobs_.get());
  return absl::OkStatus();
}

absl::Status Server::StartGrpc(const ServerConfig& config) {
  ASSIGN_OR_RETURN(HostPort main, ParseListen(config.listen, "listen"));
  const TlsFiles tls{config.tls_cert_file, config.tls_key_file, ""};
  ASSIGN_OR_RETURN(auto main_credentials,
                   MakeServerCredentials(tls, main.host, config.allow_plaintext_remote));
  if (!config.device_client_ca_file.empty() && config.device_listen.empty()) {
    return absl::FailedPreconditionError("--device_client_ca_file needs --device_listen");
  }
  RETURN_IF_ERROR(CheckEveryMethodHasARule());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config.listen, main_credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(16 << 20);
  grpc::ResourceQuota quota("tractusd");
  quota.SetMaxThreads(config.max_threads);
  builder.SetResourceQuota(quota);
  // A worker that finished a call exits when this many threads already
  // poll: at gRPC's default (2) a busy server made and joined a thread for
  // almost every call (measured: ~5 % of its CPU at 32 clients).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kMaxIdlePollers);
  for (grpc::Service* service :
       std::initializer_list<grpc::Service*>{clinics_.get(), patients_.get(), episodes_.get(),
                                             observations_.get(), home_reports_.get(),
                                             device_admin_.get(), device_service_.get(),
                                             sessions_.get(), outcome_service_.get(),
                                             admin_.get(), auth_.get(),
                                             export_service_.get()}) {
    builder.RegisterService(service);
  }
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen, " (address in use or invalid)"));
  }
  address_ = absl::StrCat(main.host, ":", bound_port);

  if (!config.device_listen.empty()) {
    ASSIGN_OR_RETURN(HostPort device, ParseListen(config.device_listen, "device_listen"));
    const TlsFiles device_tls{config.tls_cert_file, config.tls_key_file,
                              config.device_client_ca_file};
    ASSIGN_OR_RETURN(auto device_credentials,
                     MakeServerCredentials(device_tls, device.host,
                                           config.allow_plaintext_remote));
    grpc::ServerBuilder device_builder;
    int device_port = 0;
    device_builder.AddListeningPort(config.device_listen, device_credentials, &device_port);
    device_builder.SetMaxReceiveMessageSize(config.device_max_receive_message_bytes);
    device_builder.SetResourceQuota(quota);
    device_builder.RegisterService(device_port_service_.get());
    device_server_ = device_builder.BuildAndStart();
    if (device_server_ == nullptr || device_port == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", config.device_listen,
                                                 " (address in use or invalid)"));
    }
    device_address_ = absl::StrCat(device.host, ":", device_port);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerConfig& config,
                                                      const Clock* clock) {
  std::unique_ptr<Server> server(new Server());
  RETURN_IF_ERROR(server->StartDomain(config, clock));
  RETURN_IF_ERROR(server->StartGrpc(config));
  return server;
}

Server::~Server() { (void)Shutdown(absl::ZeroDuration()); }

absl::Status Server::Shutdown(absl::Duration grace) {
  if (shut_down_) return absl::OkStatus();
  shut_down_ = true;
  const auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace);
  for (grpc::Server* server : {grpc_server_.get(), device_server_.get()}) {
    if (server == nullptr) continue;
    if (auto* health = server->GetHealthCheckService()) health->SetServingStatus(false);
  }
  // Long-lived alert streams end first so they do not hold the grace
  // period; then in-flight calls finish.
  if (outcomes_) outcomes_->Stop();
  if (device_server_ != nullptr) device_server_->Shutdown(deadline);
  if (grpc_server_ != nullptr) grpc_server_->Shutdown(deadline);
  if (outcomes_) outcomes_->Stop();
  // Every call is done: what their reactors left queued is run and
  // committed before the store closes.
  if (stream_work_) stream_work_->Stop();
  if (commits_) commits_->Stop();
  // A running export stays RUNNING in the store and resumes at next start.
  if (export_jobs_) export_jobs_->Stop();
  // No call runs any more: the endpoint can stop before the store closes.
  metrics_.reset();
  if (audit_ != nullptr && audit_->head_sequence() > 0) {
    // An outside copy of this line lets an operator detect a rewritten log.
    spdlog::info("audit log head: entry {} hash {}", audit_->head_sequence(),
                 absl::BytesToHexString(audit_->head_hash()));
  }
  if (outcomes_ && store_ && !cohort_snapshot_path_.empty()) {
    // Nothing writes any more: the summaries match the store as it closes.
    if (absl::Status saved = outcomes_->SaveCohortSummaries(cohort_snapshot_path_); !saved.ok()) {
      spdlog::warn("cohort summaries not saved (the next start computes them): {}",
                   saved.ToString());
    }
  }
  absl::Status closed = store_ ? store_->Close() : absl::OkStatus();
  if (!closed.ok()) spdlog::error("closing the store: {}", closed.ToString());
  return closed;
}

const std::string& Server::metrics_address() const {
  static const std::string kNone;
  return metrics_ ? metrics_->address() : kNone;
}

void Server::Wait() {
  if (grpc_server_ != nullptr) grpc_server_->Wait();
  if (device_server_ != nullptr) device_server_->Wait();
}

}  // namespace tractus::services
