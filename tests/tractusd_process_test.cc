// The tractusd binary itself: flags, the printed address, graceful SIGTERM,
// persistence across process restarts, and logs free of patient identity.
#include <signal.h>
#include <sys/stat.h>

#include "cli/client.h"
#include "cli/demo_data.h"
#include "common/secret_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/test_dir.h"
#include "tests/subprocess.h"
#include "tests/test_accounts.h"

namespace tractus::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TractusdProcessTest : public ::testing::Test {
 protected:
  std::unique_ptr<Subprocess> StartServer(std::string* address) {
    auto p = std::make_unique<Subprocess>(std::vector<std::string>{
        TRACTUSD_PATH, "--listen=127.0.0.1:0", "--data_dir=" + dir_.path() + "/data",
        "--log_level=debug"});
    *address = p->WaitForLine("tractusd listening on ", absl::Seconds(20));
    return p;
  }

  TestDir dir_;
};

TEST_F(TractusdProcessTest, ServesStopsOnSigtermAndKeepsData) {
  std::string address;
  auto server = StartServer(&address);
  ASSERT_THAT(address, HasSubstr("127.0.0.1:")) << server->output();
  ASSERT_NE(address, "127.0.0.1:0");

  std::string clinic_id;
  auto keys = MakeTestKeys(address, dir_.path() + "/data/bootstrap-admin.key");
  ASSERT_TRUE(keys.ok()) << keys.status();
  {
    cli::Client client(TestChannel(address, keys->clinician), absl::Seconds(10));
    v1::CreateClinicRequest req;
    req.set_request_id("process-test");
    req.mutable_clinic()->set_display_name("Process Test Clinic");
    req.mutable_clinic()->set_time_zone("Europe/Berlin");
    auto resp = CreateClinicFor(address, *keys, req);
    ASSERT_TRUE(resp.ok()) << resp.status();
    clinic_id = resp->clinic().clinic_id();

    v1::CreatePatientRequest patient;
    patient.set_request_id("process-patient");
    patient.mutable_patient()->set_clinic_id(clinic_id);
    auto* id = patient.mutable_patient()->mutable_identity();
    id->set_given_name("Wilhelmina");
    id->set_family_name("Zyxwvutsrq");
    id->mutable_birth_date()->set_year(1950);
    id->mutable_birth_date()->set_month(1);
    id->mutable_birth_date()->set_day(1);
    id->set_sex(v1::SEX_FEMALE);
    id->set_zip_code("10115");
    id->set_mrn("MRN-SECRET-991");
    ASSERT_TRUE(client.Call(&v1::PatientService::Stub::CreatePatient, client.patients(), patient).ok());
    // A rejected call is logged too; its content must not be.
    patient.set_request_id("process-patient-2");
    id->set_zip_code("bad-zip");
    EXPECT_FALSE(client.Call(&v1::PatientService::Stub::CreatePatient, client.patients(), patient).ok());
  }

  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(absl::Seconds(20)), 0) << server->output();
  const std::string log = server->output();
  EXPECT_THAT(log, HasSubstr("tractusd stopped"));
  EXPECT_THAT(log, HasSubstr("CreatePatient"));  // calls are logged...
  for (const std::string& secret : {std::string("Wilhelmina"), std::string("Zyxwvutsrq"),
                                    std::string("MRN-SECRET-991"), std::string("10115"),
                                    std::string("bad-zip"), keys->admin, keys->clinician}) {
    EXPECT_THAT(log, Not(HasSubstr(secret)));  // ...but never their content, nor keys
  }
  // The key file holds the bootstrap key, readable by its owner only.
  struct stat key_stat {};
  ASSERT_EQ(stat((dir_.path() + "/data/bootstrap-admin.key").c_str(), &key_stat), 0);
  EXPECT_EQ(key_stat.st_mode & 0777, 0600);

  auto again = StartServer(&address);
  ASSERT_FALSE(address.empty()) << again->output();
  cli::Client client(TestChannel(address, keys->clinician), absl::Seconds(10));
  v1::GetClinicRequest get;
  get.set_clinic_id(clinic_id);
  auto back = client.Call(&v1::ClinicService::Stub::GetClinic, client.clinics(), get);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->clinic().display_name(), "Process Test Clinic");
  again->Signal(SIGINT);
  EXPECT_EQ(again->Wait(absl::Seconds(20)), 0);
}

// The log of a whole demo run (debug level: every call logged) holds no
// identifying value of any demo patient, and no API key.
TEST_F(TractusdProcessTest, LogsOfADemoRunHoldNoIdentifiers) {
  std::string address;
  auto server = StartServer(&address);
  ASSERT_FALSE(address.empty()) << server->output();
  const std::string admin_key_file = dir_.path() + "/data/bootstrap-admin.key";
  const std::string clinician_key_file = dir_.path() + "/clinician.key";
  Subprocess demo({TRACTUS_CLI_PATH, "--server=" + address, "--key_file=" + admin_key_file,
                   "--clinician_key_out=" + clinician_key_file, "--seed=11", "--patients=6",
                   "demo"});
  // Drain the server's (debug) output while the demo runs, or its pipe fills.
  int demo_exit = -1;
  for (int i = 0; i < 1200 && demo_exit == -1; ++i) {
    server->WaitForLine("\x01never", absl::Milliseconds(50));
    demo_exit = demo.Wait(absl::Milliseconds(50));
  }
  ASSERT_EQ(demo_exit, 0) << demo.output();
  // The demo printed a record, so identifiers did cross the API...
  EXPECT_THAT(demo.output(), HasSubstr("MRN "));
  server->Signal(SIGTERM);
  ASSERT_EQ(server->Wait(absl::Seconds(20)), 0);
  const std::string log = server->output();
  EXPECT_THAT(log, HasSubstr("PatientService/CreatePatient"));
  // ...but none reached the server's log.
  const cli::DemoClinic clinic = cli::MakeDemoClinic(11, 6, absl::Now());
  std::vector<std::string> identifiers = {*ReadSecretFile(admin_key_file),
                                          *ReadSecretFile(clinician_key_file)};
  for (const cli::DemoPatient& p : clinic.patients) {
    const v1::PatientIdentity& id = p.patient.patient().identity();
    for (const std::string& value : {id.given_name(), id.family_name(), id.mrn(), id.phone(),
                                     id.email(), id.zip_code()}) {
      if (!value.empty()) identifiers.push_back(value);
    }
  }
  ASSERT_GE(identifiers.size(), 6u * 4);
  for (const std::string& value : identifiers) {
    EXPECT_THAT(log, Not(HasSubstr(value)));
  }
}

TEST_F(TractusdProcessTest, BadListenAddressExitsWithAMessage) {
  Subprocess p({TRACTUSD_PATH, "--listen=no-port-here", "--data_dir=" + dir_.path() + "/d"});
  EXPECT_EQ(p.Wait(absl::Seconds(20)), 1);
  EXPECT_THAT(p.output(), HasSubstr("--listen must be HOST:PORT"));
}

TEST_F(TractusdProcessTest, SecondServerOnTheSameDataDirIsRefused) {
  std::string address;
  auto first = StartServer(&address);
  ASSERT_FALSE(address.empty());
  Subprocess second({TRACTUSD_PATH, "--listen=127.0.0.1:0", "--data_dir=" + dir_.path() + "/data"});
  EXPECT_EQ(second.Wait(absl::Seconds(20)), 1);
  EXPECT_THAT(second.output(), HasSubstr("lock"));
  first->Signal(SIGTERM);
  EXPECT_EQ(first->Wait(absl::Seconds(20)), 0);
}

}  // namespace
}  // namespace tractus::testing
