// A real tractusd (services::Server) in this process on 127.0.0.1:0 over a
// real RocksDB in a temporary directory, with cli::Clients connected to it
// as the bootstrap administrator (admin_) and as a test clinician (client_)
// who is granted every clinic made with CreateClinic().
// Restart() stops the server and starts a new one on the same data dir.
#ifndef TRACTUS_TESTS_SERVER_FIXTURE_H_
#define TRACTUS_TESTS_SERVER_FIXTURE_H_

#include <memory>

#include "absl/time/civil_time.h"
#include "cli/client.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "services/server.h"
#include "storage/test_dir.h"
#include "tests/test_accounts.h"

namespace tractus::testing {

// The RetryInfo delay of `status` (its only detail), or zero.
inline absl::Duration RetryDelay(const grpc::Status& status) {
  google::rpc::Status details;
  google::rpc::RetryInfo retry;
  if (!details.ParseFromString(status.error_details()) || details.details_size() != 1 ||
      !details.details(0).UnpackTo(&retry)) {
    return absl::ZeroDuration();
  }
  return absl::Seconds(retry.retry_delay().seconds()) +
         absl::Nanoseconds(retry.retry_delay().nanos());
}

class ServerFixture : public ::testing::Test {
 protected:
  // A fixed "now" so tests never depend on the wall clock.
  static absl::Time FixedNow() {
    return absl::FromCivil(absl::CivilSecond(2026, 11, 27, 15, 0, 0), absl::UTCTimeZone());
  }

  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  void Start() {
    services::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_.empty() ? dir_.path() + "/data" : data_dir_;
    // Durability is tested where it is the point (power_loss_test.cc).
    config.sync_wal = sync_wal_;
    config.file_system = file_system_;
    config.max_receive_message_bytes = max_receive_message_bytes_;
    config.rate_limit = rate_limit_;
    config.failed_auth_limit = failed_auth_limit_;
    config.max_streams_per_principal = max_streams_per_principal_;
    config.device_listen = device_listen_;
    config.device_max_receive_message_bytes = device_max_receive_message_bytes_;
    config.backup_dir = dir_.path() + "/backups";
    config.metrics_listen = metrics_listen_;
    config.cluster_key_file = cluster_key_file_;
    auto server = services::Server::Start(config, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    if (keys_.admin.empty()) {
      auto keys = MakeTestKeys(server_->address(), server_->bootstrap_key_file());
      ASSERT_TRUE(keys.ok()) << keys.status();
      keys_ = *keys;
    }
    admin_ = std::make_unique<cli::Client>(TestChannel(server_->address(), keys_.admin),
                                           absl::Seconds(10));
    client_ = std::make_unique<cli::Client>(TestChannel(server_->address(), keys_.clinician),
                                            absl::Seconds(10));
  }

  // A clinic made by the administrator and granted to client_'s clinician.
  absl::StatusOr<v1::CreateClinicResponse> CreateClinic(const v1::CreateClinicRequest& req) {
    return CreateClinicFor(server_->address(), keys_, req);
  }

  void Stop() {
    client_.reset();
    admin_.reset();
    if (server_) {
      EXPECT_TRUE(server_->Shutdown(absl::Seconds(5)).ok());
      server_.reset();
    }
  }

  void Restart() {
    Stop();
    Start();
  }

  int max_receive_message_bytes_ = 1 << 20;
  bool sync_wal_ = false;
  // Under the database (storage/fault_injection.h); null: the real disk.
  std::shared_ptr<rocksdb::FileSystem> file_system_;
  // Tests hammer the server from one principal; the rate-limit test sets its own.
  security::RateLimit rate_limit_{0, 0};
  security::RateLimit failed_auth_limit_{0, 0};
  int max_streams_per_principal_ = 8;
  // A device port (e.g. "127.0.0.1:0"); empty: none.
  std::string device_listen_;
  int device_max_receive_message_bytes_ = 1 << 20;
  // Prometheus endpoint (e.g. "127.0.0.1:0"); empty: off.
  std::string metrics_listen_;
  // --cluster_key_file (cross-shard cohorts); empty: off.
  std::string cluster_key_file_;
  // Where the server keeps its data; default: dir_/data.
  std::string data_dir_;
  TestDir dir_;
  FakeClock clock_{FixedNow()};
  std::unique_ptr<services::Server> server_;
  std::unique_ptr<cli::Client> client_;
  std::unique_ptr<cli::Client> admin_;
  TestKeys keys_;
};

}  // namespace tractus::testing

#endif  // TRACTUS_TESTS_SERVER_FIXTURE_H_
