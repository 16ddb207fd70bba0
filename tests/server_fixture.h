// A real tractusd (services::Server) in this process on 127.0.0.1:0 over a
// real RocksDB in a temporary directory, and a cli::Client connected to it.
// Restart() stops the server and starts a new one on the same data dir.
#ifndef TRACTUS_TESTS_SERVER_FIXTURE_H_
#define TRACTUS_TESTS_SERVER_FIXTURE_H_

#include <memory>

#include "absl/time/civil_time.h"
#include "cli/client.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "services/server.h"
#include "storage/test_dir.h"

namespace tractus::testing {

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
    config.sync_wal = false;  // durability across restarts is tested in-process
    config.max_receive_message_bytes = max_receive_message_bytes_;
    auto server = services::Server::Start(config, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<cli::Client>(server_->address(), absl::Seconds(10));
  }

  void Stop() {
    client_.reset();
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
  // Where the server keeps its data; default: dir_/data.
  std::string data_dir_;
  TestDir dir_;
  FakeClock clock_{FixedNow()};
  std::unique_ptr<services::Server> server_;
  std::unique_ptr<cli::Client> client_;
};

}  // namespace tractus::testing

#endif  // TRACTUS_TESTS_SERVER_FIXTURE_H_
