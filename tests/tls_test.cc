// TLS and mutual TLS over real loopback connections: the main port serves
// TLS; the device port requires client certificates signed by the device CA
// and takes the device id from the certificate. Connections with the wrong
// CA, no client certificate or an expired one fail; plaintext is refused on
// non-loopback addresses; deploy/dev-ca.sh makes certificates that work.
#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "cli/channel.h"
#include "cli/client.h"
#include "common/clock.h"
#include "common/secret_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "records/test_requests.h"
#include "services/server.h"
#include "storage/test_dir.h"
#include "tests/subprocess.h"
#include "tests/test_accounts.h"
#include "tests/test_certs.h"

namespace tractus::testing {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const PemPair server = ca_.Server();
    WriteFile(Path("server.pem"), server.cert);
    WriteFile(Path("server.key"), server.key);
    WriteFile(Path("ca.pem"), ca_.cert_pem());
    WriteFile(Path("other-ca.pem"), other_ca_.cert_pem());
  }
  void TearDown() override {
    if (server_) {
      ASSERT_TRUE(server_->Shutdown(absl::Seconds(5)).ok());
    }
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  void StartServer(const std::string& cert, const std::string& key, const std::string& ca) {
    services::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = Path("data");
    config.sync_wal = false;
    config.tls_cert_file = cert;
    config.tls_key_file = key;
    config.device_listen = "127.0.0.1:0";
    config.device_client_ca_file = ca;
    auto started = services::Server::Start(config, &clock_);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    auto admin = ReadSecretFile(server_->bootstrap_key_file());
    ASSERT_TRUE(admin.ok());
    admin_key_ = *admin;
  }
  void StartServer() { StartServer(Path("server.pem"), Path("server.key"), Path("ca.pem")); }

  // A client of the main port trusting `ca_file` (plaintext if empty).
  cli::Client MainClient(const std::string& ca_file, const std::string& bearer) {
    cli::ConnectOptions o;
    o.target = server_->address();
    o.bearer = bearer;
    o.tls_ca_file = ca_file;
    auto channel = cli::Connect(o);
    EXPECT_TRUE(channel.ok()) << channel.status();
    return cli::Client(*channel, absl::Seconds(5));
  }

  // GetUploadLimits on the device port with a client certificate (none if
  // `client` is empty).
  absl::Status DeviceCall(const PemPair& client, const std::string& ca_file) {
    cli::ConnectOptions o;
    o.target = server_->device_address();
    o.tls_ca_file = ca_file;
    if (!client.cert.empty()) {
      WriteFile(Path("client.pem"), client.cert);
      WriteFile(Path("client.key"), client.key);
      o.tls_cert_file = Path("client.pem");
      o.tls_key_file = Path("client.key");
    }
    auto channel = cli::Connect(o);
    if (!channel.ok()) return channel.status();
    cli::Client c(*channel, absl::Seconds(5));
    auto device = v1::DeviceService::NewStub(*channel);
    return c.Call(&v1::DeviceService::Stub::GetUploadLimits, device.get(),
                  v1::GetUploadLimitsRequest())
        .status();
  }

  // Enrolls a device of a new clinic over the main port; returns its id and
  // credential.
  std::pair<std::string, std::string> EnrollDevice() {
    cli::Client admin = MainClient(Path("ca.pem"), admin_key_);
    auto clinic = admin.Call(&v1::ClinicService::Stub::CreateClinic, admin.clinics(),
                             records::testing::ClinicRequest("tls"));
    EXPECT_TRUE(clinic.ok()) << clinic.status();
    v1::CreateEnrollmentTokenRequest t;
    t.set_clinic_id(clinic->clinic().clinic_id());
    auto token = admin.Call(&v1::DeviceAdminService::Stub::CreateEnrollmentToken,
                            admin.device_admin(), t);
    EXPECT_TRUE(token.ok()) << token.status();
    cli::Client anonymous = MainClient(Path("ca.pem"), "");
    auto device = v1::DeviceService::NewStub(anonymous.channel());
    v1::EnrollRequest e;
    e.set_enrollment_token(token->enrollment_token());
    e.set_serial_number("TLS-1");
    e.set_model("DRX9000");
    e.set_firmware_version("4.2.1");
    auto enrolled = anonymous.Call(&v1::DeviceService::Stub::Enroll, device.get(), e);
    EXPECT_TRUE(enrolled.ok()) << enrolled.status();
    return {enrolled->device().device_id(), enrolled->credential()};
  }

  TestDir dir_;
  RealClock clock_;
  TestCa ca_{"Tractus test CA"};
  TestCa other_ca_{"Some other CA"};
  std::unique_ptr<services::Server> server_;
  std::string admin_key_;
};

TEST_F(TlsTest, MainPortServesTlsOnly) {
  StartServer();
  cli::Client good = MainClient(Path("ca.pem"), admin_key_);
  auto who = good.Call(&v1::AuthService::Stub::WhoAmI, good.auth(), v1::WhoAmIRequest());
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->role(), v1::ROLE_ADMINISTRATOR);

  cli::Client plaintext = MainClient("", admin_key_);
  EXPECT_TRUE(absl::IsUnavailable(
      plaintext.Call(&v1::AuthService::Stub::WhoAmI, plaintext.auth(), v1::WhoAmIRequest())
          .status()));
  cli::Client wrong_ca = MainClient(Path("other-ca.pem"), admin_key_);
  EXPECT_TRUE(absl::IsUnavailable(
      wrong_ca.Call(&v1::AuthService::Stub::WhoAmI, wrong_ca.auth(), v1::WhoAmIRequest())
          .status()));
}

TEST_F(TlsTest, DevicePortTakesTheDeviceFromItsCertificate) {
  StartServer();
  auto [device_id, credential] = EnrollDevice();

  EXPECT_TRUE(DeviceCall(ca_.Client(device_id), Path("ca.pem")).ok());
  // No client certificate, one from another CA, an expired one: the
  // handshake fails.
  EXPECT_TRUE(absl::IsUnavailable(DeviceCall({}, Path("ca.pem"))));
  EXPECT_TRUE(absl::IsUnavailable(DeviceCall(other_ca_.Client(device_id), Path("ca.pem"))));
  EXPECT_TRUE(absl::IsUnavailable(
      DeviceCall(ca_.Client(device_id, -absl::Hours(48), -absl::Hours(24)), Path("ca.pem"))));
  // A valid certificate naming no enrolled device.
  EXPECT_TRUE(absl::IsUnauthenticated(
      DeviceCall(ca_.Client("dv_00000000000000000000000000000000"), Path("ca.pem"))));

  // With mTLS configured, a device credential alone is refused everywhere.
  cli::Client by_credential = MainClient(Path("ca.pem"), credential);
  auto device = v1::DeviceService::NewStub(by_credential.channel());
  EXPECT_TRUE(absl::IsUnauthenticated(
      by_credential.Call(&v1::DeviceService::Stub::GetUploadLimits, device.get(),
                         v1::GetUploadLimitsRequest())
          .status()));

  // Revoking the device ends its certificate's access at once.
  cli::Client admin = MainClient(Path("ca.pem"), admin_key_);
  v1::RevokeDeviceRequest revoke;
  revoke.set_device_id(device_id);
  ASSERT_TRUE(admin.Call(&v1::DeviceAdminService::Stub::RevokeDevice, admin.device_admin(),
                         revoke)
                  .ok());
  EXPECT_TRUE(absl::IsUnauthenticated(DeviceCall(ca_.Client(device_id), Path("ca.pem"))));
}

TEST_F(TlsTest, PlaintextIsRefusedOnNonLoopbackAddresses) {
  services::ServerConfig config;
  config.listen = "0.0.0.0:0";
  config.data_dir = Path("data");
  auto refused = services::Server::Start(config, &clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), ::testing::HasSubstr("plaintext"));
}

TEST_F(TlsTest, DevelopmentCaScriptMakesWorkingCertificates) {
  const std::string out = Path("devca");
  Subprocess script({std::string(TRACTUS_SOURCE_DIR) + "/deploy/dev-ca.sh", out,
                     "dv_11111111111111111111111111111111"});
  ASSERT_EQ(script.Wait(absl::Seconds(60)), 0) << script.output();
  StartServer(out + "/server.pem", out + "/server.key", out + "/ca.pem");
  cli::Client client = MainClient(out + "/ca.pem", admin_key_);
  EXPECT_TRUE(
      client.Call(&v1::AuthService::Stub::WhoAmI, client.auth(), v1::WhoAmIRequest()).ok());
}

}  // namespace
}  // namespace tractus::testing
