// The Prometheus endpoint over real HTTP: call counts by method and code,
// latency histograms, ingest counters, streams, exports, alerts, and
// RocksDB's memory and compaction figures.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "records/test_requests.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

using ::testing::HasSubstr;

// GET http://`address`/metrics; the body.
std::string Scrape(const std::string& address) {
  std::vector<std::string> hp = absl::StrSplit(address, ':');
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(hp[1], &port));
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, hp[0].c_str(), &addr.sin_addr);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  EXPECT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  EXPECT_NE(body, std::string::npos);
  EXPECT_THAT(response.substr(0, 20), HasSubstr("200"));
  return response.substr(body + 4);
}

// The value of the sample line starting with `prefix`; -1 if absent.
double Sample(const std::string& text, const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, prefix + " ")) {
      double v = -1;
      EXPECT_TRUE(absl::SimpleAtod(line.substr(prefix.size() + 1), &v));
      return v;
    }
  }
  return -1;
}

class MetricsTest : public ServerFixture {
 protected:
  void SetUp() override {
    metrics_listen_ = "127.0.0.1:0";
    ServerFixture::SetUp();
  }
};

TEST_F(MetricsTest, ScrapeShowsCallsIngestAndRocksDb) {
  ASSERT_FALSE(server_->metrics_address().empty());
  GatewayClient gw(server_->address(), keys_);
  std::string clinic_id;
  const std::string episode_id = gw.MakeEpisode("metrics", &clinic_id);
  const std::string credential = gw.Enroll(clinic_id, "MX-1");
  ASSERT_TRUE(gw.UploadWholeSession(credential,
                                    GatewayClient::Header("s-metrics", episode_id,
                                                          FixedNow() - absl::Hours(1), FixedNow()),
                                    2, 150, /*finish=*/false)
                  .ok());
  // One refused call.
  EXPECT_TRUE(absl::IsPermissionDenied(
      client_->Call(&v1::ClinicService::Stub::CreateClinic, client_->clinics(),
                    records::testing::ClinicRequest("nope"))
          .status()));

  const std::string text = Scrape(server_->metrics_address());
  EXPECT_GE(Sample(text, R"(tractus_rpc_calls_total{code="OK",method="tractus.v1.PatientService/CreatePatient"})"), 1);
  EXPECT_EQ(Sample(text, R"(tractus_rpc_calls_total{code="PERMISSION_DENIED",method="tractus.v1.ClinicService/CreateClinic"})"), 1);
  EXPECT_GE(Sample(text, R"(tractus_rpc_latency_seconds_count{method="tractus.v1.DeviceService/UploadSession"})"), 1);
  EXPECT_EQ(Sample(text, "tractus_ingest_chunks_total"), 2);
  EXPECT_EQ(Sample(text, "tractus_ingest_samples_total"), 300);
  EXPECT_EQ(Sample(text, "tractus_upload_streams_open"), 0);
  EXPECT_EQ(Sample(text, "tractus_export_jobs_active"), 0);
  EXPECT_GE(Sample(text, "tractus_alerts_raised_total"), 0);
  EXPECT_GT(Sample(text, "tractus_audit_entries"), 3);
  EXPECT_GT(Sample(text, "tractus_rocksdb_memtable_bytes"), 0);
  EXPECT_GE(Sample(text, "tractus_rocksdb_pending_compaction_bytes"), 0);
  EXPECT_GT(Sample(text, "tractus_rocksdb_block_cache_bytes"), 0);
  EXPECT_THAT(text, HasSubstr("# TYPE tractus_rpc_latency_seconds histogram"));
}

}  // namespace
}  // namespace tractus::testing
