// tractusd: the Tractus server.
//
//   tractusd --listen=127.0.0.1:50051 --data_dir=var/tractus-data
//   tractusd --listen=0.0.0.0:443 --tls_cert_file=server.pem --tls_key_file=server.key
//            --device_listen=0.0.0.0:8443 --device_client_ca_file=devices-ca.pem ...
//
// Prints "tractusd listening on HOST:PORT" once serving (the real port when
// --listen asks for port 0), and "tractusd devices on HOST:PORT" for a
// device port. On first start it writes the bootstrap administrator's API
// key to --bootstrap_key_file (mode 0600). SIGTERM or SIGINT: stop accepting calls, let
// in-flight calls finish (up to --shutdown_grace_ms), close RocksDB, exit 0.
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "services/process_tuning.h"
#include "services/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "HOST:PORT to serve gRPC on; port 0 picks a free port");
ABSL_FLAG(std::string, data_dir, "var/tractus-data",
          "RocksDB data directory (created if missing)");
ABSL_FLAG(bool, sync_wal, true,
          "fsync the write-ahead log before acknowledging writes; false keeps "
          "acknowledged data across a process crash but not a power loss");
ABSL_FLAG(int, max_receive_message_bytes, 4 << 20, "largest request accepted, bytes");
ABSL_FLAG(int, progress_cache_mb, 128,
          "progress views kept in memory between calls, MiB (~9 KB an episode; 0: none kept)");
ABSL_FLAG(int, block_cache_mb, 192,
          "RocksDB block cache, MiB; memtables are charged to it (RocksDB's memory bound)");
ABSL_FLAG(int, memtable_mb, 96, "RocksDB memtables, all column families together, MiB");
ABSL_FLAG(int, shutdown_grace_ms, 10000,
          "how long in-flight calls may run after SIGTERM before being cancelled");
ABSL_FLAG(double, device_max_force_newtons, 1400,
          "largest force any table may report or be programmed with, newtons");
ABSL_FLAG(int, max_upload_streams, 10000,
          "upload streams open at once, all tables together (~30 KiB each, measured: "
          "bench/RESULTS.md; they hold no thread)");
ABSL_FLAG(int, max_threads, 300,
          "threads serving unary calls (streams hold none: they run on gRPC's callback API)");
ABSL_FLAG(std::string, log_level, "info", "trace, debug, info, warn, error or off");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate chain; with --tls_key_file: serve TLS");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(bool, allow_plaintext_remote, false,
          "serve plaintext on a non-loopback address (refused otherwise)");
ABSL_FLAG(std::string, device_listen, "",
          "HOST:PORT of a port serving only the device gateway; empty: none");
ABSL_FLAG(int, device_max_receive_message_bytes, 1 << 20,
          "largest request accepted on the device port, bytes");
ABSL_FLAG(std::string, device_client_ca_file, "",
          "PEM CA: the device port requires client certificates it signed (mTLS, device id "
          "= certificate common name) and device credentials alone are refused");
ABSL_FLAG(std::string, bootstrap_key_file, "",
          "where the first start writes the bootstrap administrator key (0600); default "
          "DATA_DIR/bootstrap-admin.key; a key already there is installed instead");
ABSL_FLAG(std::string, cluster_key_file, "",
          "secret shared by every shard of a deployment sharded by clinic (tractus admin "
          "init-cluster); enables cross-shard cohorts");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT serving Prometheus /metrics (plaintext; keep it on a private network)");
ABSL_FLAG(std::string, backup_dir, "",
          "where `tractus admin backup` puts online backups (outside --data_dir); empty: off");
ABSL_FLAG(std::string, fhir_base_url, std::string(tractus::exports::kDefaultFhirBase),
          "base URL of the local FHIR code systems and extensions in exports (one your "
          "organisation controls; every FHIR release carries the code systems)");
ABSL_FLAG(double, rate_limit_qps, 200, "calls per second per principal; 0: unlimited");
ABSL_FLAG(double, rate_limit_burst, 400, "calls a principal may make in a burst");
ABSL_FLAG(int, max_streams_per_principal, 8,
          "long-lived streams (alerts, telemetry reads) one principal may hold open");


int main(int argc, char** argv) {
  tractus::services::TuneProcessForServing();
  absl::SetProgramUsageMessage(
      "Tractus outcome-tracking server for spinal decompression therapy.\n"
      "Usage: tractusd --listen=HOST:PORT --data_dir=PATH");
  absl::ParseCommandLine(argc, argv);
  spdlog::set_level(spdlog::level::from_str(absl::GetFlag(FLAGS_log_level)));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // Signals are taken synchronously by this thread: block them before any
  // other thread (gRPC, RocksDB) starts so they inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  tractus::services::ServerConfig config;
  config.listen = absl::GetFlag(FLAGS_listen);
  config.data_dir = absl::GetFlag(FLAGS_data_dir);
  config.sync_wal = absl::GetFlag(FLAGS_sync_wal);
  config.max_receive_message_bytes = absl::GetFlag(FLAGS_max_receive_message_bytes);
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  config.block_cache_bytes = static_cast<size_t>(std::max(8, absl::GetFlag(FLAGS_block_cache_mb))) << 20;
  config.progress_cache_bytes = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_progress_cache_mb))) << 20;
  config.memtable_bytes = static_cast<size_t>(std::max(4, absl::GetFlag(FLAGS_memtable_mb))) << 20;
  config.uploads.max_force_newtons = absl::GetFlag(FLAGS_device_max_force_newtons);
  config.uploads.max_streams_total = absl::GetFlag(FLAGS_max_upload_streams);
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.allow_plaintext_remote = absl::GetFlag(FLAGS_allow_plaintext_remote);
  config.device_listen = absl::GetFlag(FLAGS_device_listen);
  config.device_max_receive_message_bytes = absl::GetFlag(FLAGS_device_max_receive_message_bytes);
  config.device_client_ca_file = absl::GetFlag(FLAGS_device_client_ca_file);
  config.bootstrap_key_file = absl::GetFlag(FLAGS_bootstrap_key_file);
  config.cluster_key_file = absl::GetFlag(FLAGS_cluster_key_file);
  config.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.fhir_base_url = absl::GetFlag(FLAGS_fhir_base_url);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.rate_limit = {absl::GetFlag(FLAGS_rate_limit_qps), absl::GetFlag(FLAGS_rate_limit_burst)};
  config.max_streams_per_principal = absl::GetFlag(FLAGS_max_streams_per_principal);

  tractus::RealClock clock;
  auto server = tractus::services::Server::Start(config, &clock);
  if (!server.ok()) {
    std::cerr << "tractusd: " << server.status().message() << std::endl;
    return 1;
  }
  spdlog::info("data dir {} (WAL sync {})", config.data_dir, config.sync_wal ? "on" : "off");
  spdlog::info("TLS {}; device port {}", config.tls_cert_file.empty() ? "off (plaintext)" : "on",
               config.device_listen.empty()
                   ? std::string("none")
                   : (config.device_client_ca_file.empty() ? "TLS" : "mutual TLS"));
  if (!(*server)->metrics_address().empty()) {
    std::cout << "tractusd metrics on " << (*server)->metrics_address() << std::endl;
  }
  if (!(*server)->device_address().empty()) {
    std::cout << "tractusd devices on " << (*server)->device_address() << std::endl;
  }
  std::cout << "tractusd listening on " << (*server)->address() << std::endl;

  // On glibc's malloc, returns freed heap pages to the system every 10 s
  // (see TuneProcessForServing); jemalloc's background thread does it itself.
  std::atomic<bool> stopping{false};
  std::thread trimmer;
  if (tractus::services::OnGlibcMalloc()) {
    trimmer = std::thread([&stopping] {
      while (!stopping.load()) {
        for (int i = 0; i < 100 && !stopping.load(); ++i) absl::SleepFor(absl::Milliseconds(100));
        malloc_trim(0);
      }
    });
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  stopping = true;
  if (trimmer.joinable()) trimmer.join();
  spdlog::info("received {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  absl::Status closed =
      (*server)->Shutdown(absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms)));
  if (!closed.ok()) {
    std::cerr << "tractusd: shutdown: " << closed.message() << std::endl;
    return 1;
  }
  std::cout << "tractusd stopped" << std::endl;
  return 0;
}
