// Disk and file faults under a real server: a full disk and a corrupted
// data file.
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "records/time_proto.h"
#include "storage/fault_injection.h"
#include "storage/store.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"
#include "tractus/v1/admin.grpc.pb.h"

namespace tractus::testing {
namespace {

class DiskFaultTest : public ServerFixture {
 protected:
  void SetUp() override {}  // each test starts the server where it needs
  void TearDown() override {
    Stop();
    if (!mount_.empty()) umount2(mount_.c_str(), MNT_DETACH);
  }

  void StartOn(const std::string& data_dir) {
    data_dir_ = data_dir;
    Start();
    gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
  }

  // A batch of `n` PSFS observations with long activity names (~700 B each).
  grpc::Status RecordBatch(const std::string& prefix, int n) {
    v1::RecordObservationsRequest req;
    req.set_episode_id(episode_id_);
    for (int i = 0; i < n; ++i) {
      v1::ObservationInput* in = req.add_observations();
      in->set_observation_id(prefix + "-" + std::to_string(i));
      in->set_instrument(v1::INSTRUMENT_PSFS);
      *in->mutable_effective_time() = records::ToProto(FixedNow() - absl::Hours(1));
      in->set_source(v1::SOURCE_CLINIC);
      for (int a = 0; a < 5; ++a) {
        v1::PsfsActivity* act = in->mutable_psfs()->add_activities();
        act->set_activity(std::string(100, static_cast<char>('a' + (i + a) % 26)));
        act->set_score(5);
      }
    }
    auto ctx = GatewayClient::Context("");
    v1::RecordObservationsResponse resp;
    return gw_->records().observations()->RecordObservations(ctx.get(), req, &resp);
  }

  int CountObservations() {
    v1::ListObservationsRequest req;
    req.set_episode_id(episode_id_);
    req.set_page_size(1000);
    int n = 0;
    do {
      auto page = gw_->records().Call(&v1::ObservationService::Stub::ListObservations,
                                      gw_->records().observations(), req);
      if (!page.ok()) return -1;
      n += page->observations_size();
      req.set_page_token(page->next_page_token());
    } while (!req.page_token().empty());
    return n;
  }

  std::unique_ptr<GatewayClient> gw_;
  std::string episode_id_;
  std::string clinic_id_;
  std::string mount_;
};

TEST_F(DiskFaultTest, FullDiskRefusesWritesCorruptsNothingAndRecovers) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  mount_ = dir_.path() + "/small";
  std::filesystem::create_directories(mount_);
  // Room for RocksDB's recovery reserve (its largest write buffer, 64 MB)
  // once the filler is gone.
  if (mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=256m") != 0) {
    mount_.clear();
    GTEST_SKIP() << "cannot mount a tmpfs here";
  }
  StartOn(mount_ + "/data");
  episode_id_ = gw_->MakeEpisode("full", &clinic_id_);
  ASSERT_TRUE(RecordBatch("before", 20).ok());

  // Fill the disk, leaving a little room.
  struct statvfs fs;
  ASSERT_EQ(statvfs(mount_.c_str(), &fs), 0);
  const uint64_t free_bytes = uint64_t{fs.f_bavail} * fs.f_frsize;
  const std::string filler = mount_ + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    std::string block(1 << 20, 'x');
    for (uint64_t written = 0; written + (2 << 20) < free_bytes; written += block.size()) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  // RocksDB has space preallocated for its log, so keep writing until the
  // disk is really full (at most ~400 MB).
  grpc::Status refused;
  for (int i = 0; i < 1200 && refused.ok(); ++i) refused = RecordBatch("fill" + std::to_string(i), 500);
  ASSERT_FALSE(refused.ok()) << "the disk never filled";
  EXPECT_TRUE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              refused.error_code() == grpc::StatusCode::UNAVAILABLE)
      << refused.error_code() << " " << refused.error_message();

  // Reads that need no audit entry go on while the disk is full; reads of
  // patient data fail closed (UNAVAILABLE): their audit entry cannot be
  // written, and no patient data leaves without a trace.
  v1::GetClinicRequest get;
  get.set_clinic_id(clinic_id_);
  EXPECT_TRUE(gw_->records().Call(&v1::ClinicService::Stub::GetClinic, gw_->records().clinics(), get).ok());
  v1::ListObservationsRequest unaudited;
  unaudited.set_episode_id(episode_id_);
  EXPECT_TRUE(absl::IsUnavailable(gw_->records()
                                      .Call(&v1::ObservationService::Stub::ListObservations,
                                            gw_->records().observations(), unaudited)
                                      .status()));

  // Free the space: writes work again, without a restart.
  std::filesystem::remove(filler);
  grpc::Status after;
  for (int i = 0; i < 100; ++i) {
    after = RecordBatch("after", 5);
    if (after.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(after.ok()) << after.error_message();
  const int with_after = CountObservations();
  // Every refused batch wrote nothing (each is one atomic write).
  EXPECT_GE(with_after, 20 + 5);
  EXPECT_EQ((with_after - 25) % 500, 0) << with_after;

  // Nothing acknowledged was lost or damaged: everything reads back after a
  // restart on the same disk.
  Restart();
  gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
  EXPECT_EQ(CountObservations(), with_after);
}

// A full disk on any machine, without root: the file system under the
// database reports ENOSPC on demand (storage/fault_injection.h). Refused
// writes store nothing, reads of patient data fail closed because their
// audit entry cannot be written, and once there is room a restarted server
// has everything acknowledged. (Recovery without a restart is the real-disk
// test above; under the injection RocksDB 7.8 keeps its background error
// until reopened.)
TEST_F(DiskFaultTest, InjectedFullDiskRefusesWritesAndFailsClosed) {
  storage::FaultInjection faults;
  file_system_ = faults.file_system();
  StartOn(dir_.path() + "/data");
  episode_id_ = gw_->MakeEpisode("full", &clinic_id_);
  ASSERT_TRUE(RecordBatch("before", 20).ok());

  // The disk fills; the next flush (here a backup's) fails, and from then
  // on writes are refused.
  faults.SetDiskFull(true);
  EXPECT_FALSE(admin_->Call(&v1::AdminService::Stub::CreateBackup, admin_->admin(),
                            v1::CreateBackupRequest())
                   .ok());
  const grpc::Status refused = RecordBatch("refused", 5);
  EXPECT_TRUE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              refused.error_code() == grpc::StatusCode::UNAVAILABLE)
      << refused.error_code() << " " << refused.error_message();
  v1::GetClinicRequest get;
  get.set_clinic_id(clinic_id_);
  EXPECT_TRUE(
      gw_->records().Call(&v1::ClinicService::Stub::GetClinic, gw_->records().clinics(), get).ok());
  v1::ListObservationsRequest audited;
  audited.set_episode_id(episode_id_);
  const absl::Status closed = gw_->records()
                                  .Call(&v1::ObservationService::Stub::ListObservations,
                                        gw_->records().observations(), audited)
                                  .status();
  EXPECT_TRUE(absl::IsUnavailable(closed)) << closed;

  faults.SetDiskFull(false);
  client_.reset();
  admin_.reset();
  gw_.reset();
  (void)server_->Shutdown(absl::Seconds(5));  // its store is still in error
  server_.reset();
  StartOn(dir_.path() + "/data");
  ASSERT_TRUE(RecordBatch("after", 5).ok());
  EXPECT_EQ(CountObservations(), 25);  // before + after; the refused batch left nothing
}

TEST_F(DiskFaultTest, CorruptedFileIsDataLossForItsReadsAndTheRestServes) {
  StartOn(dir_.path() + "/data");
  episode_id_ = gw_->MakeEpisode("corrupt", &clinic_id_);
  ASSERT_TRUE(RecordBatch("obs", 300).ok());
  Stop();  // flushes the memtables into SST files

  {
    auto store = storage::Store::Open(dir_.path() + "/data", storage::StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.status();
    const std::vector<std::string> files = (*store)->LiveSstFiles(storage::Cf::kObservations);
    ASSERT_FALSE(files.empty());
    ASSERT_TRUE((*store)->Close().ok());
    for (const std::string& file : files) {
      // Overwrite bytes in the middle of the data blocks (not the footer).
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(file) / 3));
      const std::string garbage(256, '\x55');
      f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
  }

  StartOn(dir_.path() + "/data");
  v1::ListObservationsRequest list;
  list.set_episode_id(episode_id_);
  list.set_page_size(1000);
  auto ctx = GatewayClient::Context("");
  v1::ListObservationsResponse resp;
  grpc::Status damaged = gw_->records().observations()->ListObservations(ctx.get(), list, &resp);
  EXPECT_EQ(damaged.error_code(), grpc::StatusCode::DATA_LOSS) << damaged.error_message();
  EXPECT_EQ(damaged.error_message().find(".sst"), std::string::npos);  // detail logged, not sent

  // Everything else is served: the clinic, the patient list, new writes.
  v1::GetClinicRequest get;
  get.set_clinic_id(clinic_id_);
  EXPECT_TRUE(gw_->records().Call(&v1::ClinicService::Stub::GetClinic, gw_->records().clinics(), get).ok());
  v1::ListPatientsRequest patients;
  patients.set_clinic_id(clinic_id_);
  EXPECT_TRUE(gw_->records().Call(&v1::PatientService::Stub::ListPatients, gw_->records().patients(), patients).ok());
  std::string other_clinic;
  EXPECT_FALSE(gw_->MakeEpisode("after-corruption", &other_clinic).empty());

  // The database check finds the damage and where it is.
  auto admin = v1::AdminService::NewStub(
      TestChannel(server_->address(), keys_.admin));
  auto report = gw_->records().Call(&v1::AdminService::Stub::VerifyDatabase, admin.get(),
                                    v1::VerifyDatabaseRequest());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->healthy());
  EXPECT_FALSE(report->checksum_error().empty());
  for (const auto& cf : report->column_families()) {
    if (cf.name() == "observations") {
      EXPECT_TRUE(cf.unreadable() || cf.damaged() > 0);
    }
    if (cf.name() == "clinics") {
      EXPECT_FALSE(cf.unreadable());
      EXPECT_EQ(cf.damaged(), 0);
    }
  }
}

TEST_F(DiskFaultTest, VerifyReportsAHealthyDatabase) {
  StartOn(dir_.path() + "/data");
  episode_id_ = gw_->MakeEpisode("healthy", &clinic_id_);
  ASSERT_TRUE(RecordBatch("obs", 50).ok());
  Restart();  // some records in SST files, some in the log
  gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
  ASSERT_TRUE(RecordBatch("more", 10).ok());
  auto admin = v1::AdminService::NewStub(
      TestChannel(server_->address(), keys_.admin));
  auto report = gw_->records().Call(&v1::AdminService::Stub::VerifyDatabase, admin.get(),
                                    v1::VerifyDatabaseRequest());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->healthy());
  EXPECT_TRUE(report->checksum_error().empty());
  for (const auto& cf : report->column_families()) {
    EXPECT_EQ(cf.damaged(), 0) << cf.name();
    if (cf.name() == "observations") {
      EXPECT_EQ(cf.records(), 60);
    }
    if (cf.name() == "clinics") {
      EXPECT_EQ(cf.records(), 1);
    }
  }
}

}  // namespace
}  // namespace tractus::testing
