// Server: the one place that wires tractusd together — store, domain,
// security, gRPC services, health and reflection. Used by tractusd's main()
// and by the end-to-end tests (in process, on 127.0.0.1:0).
//
// Ports: the main port serves every service; an optional device port serves
// the device gateway alone, with its own message-size limit and, when a
// client CA is configured, mutual TLS (the device id is then the client
// certificate's common name, and device credentials alone are refused).
//
// Thread-safe after Start(): Shutdown() may be called from any thread, once.
#ifndef TRACTUS_SERVICES_SERVER_H_
#define TRACTUS_SERVICES_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/work_pool.h"
#include "device_gateway/commit_queue.h"
#include "device_gateway/devices.h"
#include "device_gateway/stream_slots.h"
#include "device_gateway/uploads.h"
#include "exports/terminology.h"
#include "outcomes/outcomes.h"
#include "records/records.h"
#include "security/accounts.h"
#include "security/audit_log.h"
#include "security/rate_limiter.h"
#include "services/admin_services.h"
#include "services/call_guard.h"
#include "services/device_services.h"
#include "services/export_services.h"
#include "services/metrics.h"
#include "services/open_streams.h"
#include "services/outcome_services.h"
#include "services/owner_lookup.h"
#include "services/record_services.h"
#include "storage/store.h"

namespace tractus::services {

struct ServerConfig {
  // HOST:PORT; port 0 picks a free port (see Server::address()).
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "var/tractus-data";
  // fsync the write-ahead log before acknowledging a write.
  bool sync_wal = true;
  // The file system under the database; null: the machine's. Tests inject
  // disk faults through it (storage/fault_injection.h). No flag.
  std::shared_ptr<rocksdb::FileSystem> file_system = nullptr;
  // RocksDB memory: one block cache, and the memtables charged to it.
  size_t block_cache_bytes = 192 << 20;
  // Time-independent progress views kept in memory (outcomes.h).
  size_t progress_cache_bytes = outcomes::Outcomes::kDefaultProgressCacheBytes;
  size_t memtable_bytes = 96 << 20;
  // Largest request accepted on the main port, bytes.
  int max_receive_message_bytes = 4 << 20;
  // Largest number of threads serving unary calls. Streams hold none: they
  // run on gRPC's callback API.
  int max_threads = 64;
  // Threads doing the storage work of every open stream, whatever their
  // number (upload_reactor.h, server_stream_reactor.h), and threads
  // committing upload chunks in groups (commit_queue.h).
  int stream_threads = 4;
  int commit_threads = 2;
  // Device gateway limits (advertised by GetUploadLimits).
  device_gateway::UploadConfig uploads;

  // TLS: PEM certificate chain and private key. Both empty: plaintext,
  // which is refused on a non-loopback address unless allowed here.
  std::string tls_cert_file;
  std::string tls_key_file;
  bool allow_plaintext_remote = false;

  // Optional device port (HOST:PORT; port 0 picks one, see device_address()).
  std::string device_listen;
  // Largest request accepted on the device port, bytes.
  int device_max_receive_message_bytes = 1 << 20;
  // PEM CA bundle. Set: the device port requires client certificates signed
  // by it (mTLS) and device credentials alone are refused on every port.
  // Requires TLS and a device port.
  std::string device_client_ca_file;

  // HOST:PORT serving Prometheus /metrics (port 0 picks one); empty: off.
  std::string metrics_listen;
  // Where CreateBackup puts backups (outside data_dir); empty: backups off.
  std::string backup_dir;
  // Base URL of the local FHIR code systems and extensions in exports: one
  // your organisation controls (https://, no trailing '/').
  std::string fhir_base_url = std::string(exports::kDefaultFhirBase);
  // Where the bootstrap administrator's API key is written (mode 0600) on
  // first start; empty: <data_dir>/bootstrap-admin.key. If the file is
  // already there on first start, its key is installed instead (one
  // administrator key for every shard).
  std::string bootstrap_key_file;
  // The secret every shard of a deployment sharded by clinic shares
  // (`tractus admin init-cluster`); enables cross-shard cohorts. Empty: off.
  std::string cluster_key_file;
  // Calls per principal.
  security::RateLimit rate_limit;
  // Failed authentications per peer address.
  security::RateLimit failed_auth_limit{5, 20};
  // Long-lived streams (alerts, telemetry reads) per principal, and of all
  // principals together (a telemetry read queues at most 4 parts: ~4 x 40
  // KB; at most 64 of them may be alert streams, AlertHub::kMaxSubscribers).
  int max_streams_per_principal = 8;
  int max_user_streams = 1024;
};

class Server {
 public:
  // Opens the data dir and starts serving. `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerConfig& config,
                                                       const Clock* clock);
  ~Server();

  // The bound address, HOST:PORT, with the real port when 0 was asked for.
  const std::string& address() const { return address_; }
  // The device port's address; empty without a device port.
  const std::string& device_address() const { return device_address_; }
  // The metrics endpoint's HOST:PORT; empty when off.
  const std::string& metrics_address() const;
  // Where the bootstrap administrator key was (or would have been) written.
  const std::string& bootstrap_key_file() const { return bootstrap_key_file_; }

  // The store, for tests that compare what is stored (reads only).
  const storage::Store* store_for_testing() const { return store_.get(); }
  // Blocks until the alert hub has processed every change so far (tests).
  void WaitForAlerts() { outcomes_->WaitForAlerts(); }
  // Blocks until no export job is pending or running (tests).
  void WaitForExports() { export_jobs_->WaitIdle(); }
  // Fault injection for tests (ExportJobs::SetPaused).
  void PauseExports(bool paused) { export_jobs_->SetPaused(paused); }

  // Stops accepting calls, marks health NOT_SERVING, lets in-flight calls
  // finish until `grace` has passed (then cancels them), and closes the
  // store. Returns the store's close status. Idempotent.
  absl::Status Shutdown(absl::Duration grace);

  // Blocks until Shutdown() has stopped the gRPC server.
  void Wait();

 private:
  Server() = default;
  absl::Status StartDomain(const ServerConfig& config, const Clock* clock);
  absl::Status StartGrpc(const ServerConfig& config);

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<records::Records> records_;
  std::unique_ptr<device_gateway::Devices> devices_;
  std::unique_ptr<device_gateway::Uploads> uploads_;
  std::unique_ptr<device_gateway::StreamSlots> stream_slots_;
  std::unique_ptr<WorkPool> stream_work_;
  std::unique_ptr<device_gateway::CommitQueue> commits_;
  std::unique_ptr<OpenStreams> open_streams_;
  std::unique_ptr<outcomes::Outcomes> outcomes_;
  std::string shard_id_;
  std::string cohort_snapshot_path_;  // outcomes/summary_snapshot.h
  std::unique_ptr<exports::Exporter> exporter_;
  std::unique_ptr<exports::ExportJobs> export_jobs_;
  std::unique_ptr<security::Accounts> accounts_;
  std::unique_ptr<security::AuditLog> audit_;
  std::unique_ptr<security::RateLimiter> rate_limiter_;
  std::unique_ptr<security::RateLimiter> failed_auth_limiter_;
  std::unique_ptr<device_gateway::StreamSlots> user_streams_;
  std::unique_ptr<RecordOwners> owners_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<CallGuard> guard_;

  std::unique_ptr<ClinicServiceImpl> clinics_;
  std::unique_ptr<PatientServiceImpl> patients_;
  std::unique_ptr<EpisodeServiceImpl> episodes_;
  std::unique_ptr<ObservationServiceImpl> observations_;
  std::unique_ptr<HomeReportServiceImpl> home_reports_;
  std::unique_ptr<DeviceAdminServiceImpl> device_admin_;
  std::unique_ptr<DeviceServiceImpl> device_service_;
  std::unique_ptr<DeviceServiceImpl> device_port_service_;
  std::unique_ptr<SessionServiceImpl> sessions_;
  std::unique_ptr<OutcomeServiceImpl> outcome_service_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<AuthServiceImpl> auth_;
  std::unique_ptr<ExportServiceImpl> export_service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<grpc::Server> device_server_;
  std::string address_;
  std::string device_address_;
  std::string bootstrap_key_file_;
  bool shut_down_ = false;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_SERVER_H_
