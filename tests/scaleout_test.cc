// Scale-out by clinic: three tractusd shards behind Debian's nginx (the
// shipped deploy/nginx/tractus.conf with three upstream servers), all on
// loopback. Clinics are created and loaded through nginx, routed by the
// x-tractus-clinic header; each clinic's data must sit on exactly one shard,
// and a cohort merged across the shards must equal the cohort of one server
// holding the same data. The `tractus` binary runs the merged cohort and
// export the way an analyst would.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cli/channel.h"
#include "cli/demo.h"
#include "cli/demo_data.h"
#include "cli/onboarding.h"
#include "cli/shards.h"
#include "common/ids.h"
#include "common/secret_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/test_dir.h"
#include "tests/subprocess.h"
#include "tests/test_accounts.h"

namespace tractus::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kShards = 3;
const absl::Duration kDeadline = absl::Seconds(20);

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Lines(const std::string& path) {
  const std::string text = ReadAll(path);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class ScaleOutTest : public ::testing::Test {
 protected:
  struct Server {
    std::unique_ptr<Subprocess> process;
    std::string address;
  };

  Server StartTractusd(const std::string& name) {
    Server s;
    s.process = std::make_unique<Subprocess>(std::vector<std::string>{
        TRACTUSD_PATH, "--listen=127.0.0.1:0", "--data_dir=" + dir_.path() + "/" + name,
        "--bootstrap_key_file=" + cluster_ + "/bootstrap-admin.key",
        "--cluster_key_file=" + cluster_ + "/cluster.key", "--rate_limit_qps=0", "--sync_wal=false"});
    s.address = s.process->WaitForLine("tractusd listening on ", absl::Seconds(20));
    return s;
  }

  // nginx with the shipped config, its one upstream server replaced by the
  // shards. Single-process mode so killing the child stops it all.
  void StartNginx() {
    const std::string prefix = dir_.path() + "/nginx";
    std::filesystem::create_directories(prefix);
    std::string upstreams;
    for (const Server& s : shards_) absl::StrAppend(&upstreams, "server ", s.address, ";\n    ");
    nginx_address_ = absl::StrCat("127.0.0.1:", FreePort());
    const std::string conf = absl::StrReplaceAll(
        ReadAll(TRACTUS_SOURCE_DIR "/deploy/nginx/tractus.conf"),
        {{"server tractusd:50051;", upstreams}, {"listen 8080 http2;", "listen " + nginx_address_ + " http2;"}});
    ASSERT_THAT(conf, HasSubstr(shards_.back().address));
    std::ofstream(prefix + "/tractus.conf") << conf;
    std::ofstream(prefix + "/nginx.conf")
        << "daemon off;\nmaster_process off;\npid " << prefix << "/nginx.pid;\n"
        << "error_log stderr;\nevents {}\nhttp {\n  access_log off;\n"
        << "  client_body_temp_path " << prefix << "/body;\n"
        << "  proxy_temp_path " << prefix << "/proxy;\n"
        << "  include " << prefix << "/tractus.conf;\n}\n";
    nginx_ = std::make_unique<Subprocess>(
        std::vector<std::string>{"/usr/sbin/nginx", "-p", prefix, "-c", prefix + "/nginx.conf"});
  }

  cli::ConnectOptions Via(const std::string& address, const std::string& bearer,
                          const std::string& clinic = "") {
    cli::ConnectOptions c;
    c.target = address;
    c.bearer = bearer;
    c.clinic = clinic;
    return c;
  }

  std::unique_ptr<cli::Client> ClientOf(const cli::ConnectOptions& c) {
    auto channel = cli::Connect(c);
    EXPECT_TRUE(channel.ok());
    return std::make_unique<cli::Client>(*channel, kDeadline);
  }

  // Creates the demo clinic `demo` (with clinic id `clinic_id`) through
  // `address` and loads it as a clinician made for it.
  void LoadClinic(const std::string& address, cli::DemoClinic demo, const std::string& clinic_id) {
    demo.clinic.mutable_clinic()->set_clinic_id(clinic_id);
    const cli::ConnectOptions admin = Via(address, admin_key_, clinic_id);
    std::ostringstream log;
    auto created = cli::CreateDemoClinic(*ClientOf(admin), demo, log);
    ASSERT_TRUE(created.ok()) << created.status();
    ASSERT_EQ(*created, clinic_id);
    auto clinician = cli::ClinicianFor(admin, kDeadline, clinic_id, "Clinician");
    ASSERT_TRUE(clinician.ok()) << clinician.status();
    auto loaded = cli::LoadDemo(**clinician, demo, clinic_id, log);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }

  // Runs the tractus binary; returns its output, *code its exit code.
  std::string Tractus(std::vector<std::string> args, int* code) {
    args.insert(args.begin(), TRACTUS_CLI_PATH);
    Subprocess p(args);
    *code = p.Wait(absl::Minutes(2));
    return p.output();
  }

  TestDir dir_;
  std::string cluster_ = dir_.path() + "/cluster";
  std::string admin_key_;
  std::vector<Server> shards_;
  Server single_;
  std::unique_ptr<Subprocess> nginx_;
  std::string nginx_address_;
};

TEST_F(ScaleOutTest, EachClinicOnOneShardAndMergedCohortEqualsOneServer) {
  ASSERT_TRUE(std::filesystem::exists("/usr/sbin/nginx"))
      << "nginx is missing: deploy/install-deps.sh installs nginx-light";
  int code = -1;
  std::string out = Tractus({"admin", "init-cluster", cluster_}, &code);
  ASSERT_EQ(code, 0) << out;
  struct stat st {};
  ASSERT_EQ(stat((cluster_ + "/cluster.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto admin_key = ReadSecretFile(cluster_ + "/bootstrap-admin.key");
  ASSERT_TRUE(admin_key.ok());
  admin_key_ = *admin_key;

  for (int i = 0; i < kShards; ++i) {
    shards_.push_back(StartTractusd(absl::StrCat("shard", i)));
    ASSERT_THAT(shards_.back().address, HasSubstr("127.0.0.1:")) << shards_.back().process->output();
  }
  single_ = StartTractusd("single");
  ASSERT_THAT(single_.address, HasSubstr("127.0.0.1:")) << single_.process->output();
  StartNginx();

  // The one provisioned administrator key works on every shard; nginx
  // answers once it is up.
  absl::Status up = absl::UnavailableError("not asked");
  for (int attempt = 0; attempt < 100 && !up.ok(); ++attempt) {
    auto routed = ClientOf(Via(nginx_address_, admin_key_, NewOpaqueId(kClinicIdPrefix)));
    up = routed->Call(&v1::AuthService::Stub::WhoAmI, routed->auth(), v1::WhoAmIRequest()).status();
    if (!up.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(up.ok()) << up << "\nnginx exit " << nginx_->Wait(absl::Seconds(1)) << ": "
                       << nginx_->output();

  // A call without the routing header is refused by nginx, not spread.
  {
    auto no_header = ClientOf(Via(nginx_address_, admin_key_));
    auto refused = no_header->Call(&v1::ClinicService::Stub::ListClinics, no_header->clinics(),
                                   v1::ListClinicsRequest());
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
    EXPECT_THAT(refused.status().message(), HasSubstr("x-tractus-clinic"));
  }

  // Clinics through nginx until every shard holds at least one (and at
  // least six in all); the same data on the single server.
  const absl::Time now = absl::Now();
  std::vector<std::string> clinics;
  std::vector<std::unique_ptr<cli::Client>> direct;
  for (const Server& s : shards_) direct.push_back(ClientOf(Via(s.address, admin_key_)));
  std::vector<int> held(kShards, 0);
  for (int i = 0; i < 24 && (clinics.size() < 6 || std::count(held.begin(), held.end(), 0) > 0);
       ++i) {
    cli::DemoClinic demo = cli::MakeDemoClinic(100 + i, 8, now);
    for (cli::DemoPatient& p : demo.patients) {
      p.episode.mutable_episode()->clear_conditions();
      p.episode.mutable_episode()->add_conditions(v1::CONDITION_SCIATICA);
    }
    const std::string clinic_id = NewOpaqueId(kClinicIdPrefix);
    ASSERT_NO_FATAL_FAILURE(LoadClinic(nginx_address_, demo, clinic_id));
    ASSERT_NO_FATAL_FAILURE(LoadClinic(single_.address, demo, clinic_id));
    clinics.push_back(clinic_id);
    // Exactly one shard knows the clinic.
    int holders = 0;
    for (int s = 0; s < kShards; ++s) {
      v1::GetClinicRequest get;
      get.set_clinic_id(clinic_id);
      auto found = direct[s]->Call(&v1::ClinicService::Stub::GetClinic, direct[s]->clinics(), get);
      if (found.ok()) {
        ++holders;
        ++held[s];
      } else {
        EXPECT_TRUE(absl::IsNotFound(found.status())) << found.status();
      }
    }
    EXPECT_EQ(holders, 1) << clinic_id;
  }
  ASSERT_EQ(std::count(held.begin(), held.end(), 0), 0) << "consistent hashing left a shard empty";

  // A clinician's read through nginx, routed by the clinic in the arguments.
  {
    const std::string key_file = dir_.path() + "/clinician.key";
    auto key = cli::CreateClinicianKey(*ClientOf(Via(nginx_address_, admin_key_, clinics[0])),
                                       clinics[0], "Reader");
    ASSERT_TRUE(key.ok()) << key.status();
    ASSERT_TRUE(WriteSecretFile(key_file, *key).ok());
    out = Tractus({"--server=" + nginx_address_, "--key_file=" + key_file, "patients", clinics[0]},
                  &code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 8) << out;
  }

  // An analyst on every shard (and on the single server).
  std::vector<std::string> addresses, key_files;
  std::vector<cli::ConnectOptions> connects;
  for (int s = 0; s < kShards; ++s) {
    auto key = MakeUserKey(shards_[s].address, TestKeys{admin_key_, "", ""}, v1::ROLE_ANALYST, {});
    ASSERT_TRUE(key.ok()) << key.status();
    key_files.push_back(absl::StrCat(dir_.path(), "/analyst", s, ".key"));
    ASSERT_TRUE(WriteSecretFile(key_files.back(), *key).ok());
    addresses.push_back(shards_[s].address);
    connects.push_back(Via(shards_[s].address, *key));
  }
  auto single_analyst = MakeUserKey(single_.address, TestKeys{admin_key_, "", ""}, v1::ROLE_ANALYST, {});
  ASSERT_TRUE(single_analyst.ok());
  const std::string single_key_file = dir_.path() + "/analyst-single.key";
  ASSERT_TRUE(WriteSecretFile(single_key_file, *single_analyst).ok());

  // The merged cohort is what one server publishes for the same data. Here
  // the single server holds the same data under other episode ids, so other
  // record keys: the figures agree to the protection's bounds (bit for bit
  // with the same keys: CohortSharesTest.MergedSharesComputeTheSameCohortAsOneServer).
  v1::GetCohortOutcomesRequest cohort;
  cohort.set_condition(v1::CONDITION_SCIATICA);
  auto shards = cli::ConnectShards(connects, kDeadline);
  ASSERT_TRUE(shards.ok()) << shards.status();
  auto merged = cli::ShardedCohort(*shards, cohort);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->shard_ids_size(), kShards);
  auto single_client = ClientOf(Via(single_.address, *single_analyst));
  auto one = single_client->Call(&v1::OutcomeService::Stub::GetCohortOutcomes,
                                 single_client->outcomes(), cohort);
  ASSERT_TRUE(one.ok()) << one.status();
  const int episodes = static_cast<int>(clinics.size()) * 8;
  EXPECT_NEAR(merged->outcomes().episodes(), episodes, 2);
  EXPECT_NEAR(one->outcomes().episodes(), episodes, 2);
  EXPECT_EQ(merged->outcomes().disclosure().method(), "tractus-cell-key");
  ASSERT_EQ(merged->outcomes().weeks_size(), one->outcomes().weeks_size());
  for (int w = 0; w < one->outcomes().weeks_size(); ++w) {
    const v1::CohortWeek& a = merged->outcomes().weeks(w);
    const v1::CohortWeek& b = one->outcomes().weeks(w);
    if (a.suppressed() || b.suppressed()) continue;
    // Both within 10 / n of the exact mean (n: the week's patients, shown
    // within 2 of the true count).
    EXPECT_NEAR(a.mean().estimate(), b.mean().estimate(),
                10.0 / (a.patients() - 2) + 10.0 / (b.patients() - 2))
        << w;
  }
  // Asking again gives the same answer (the merge's noise is the data's).
  auto again = cli::ShardedCohort(*shards, cohort);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->outcomes().SerializeAsString(), merged->outcomes().SerializeAsString());
  // The comparison covers real figures: the demo episodes are at day 84,
  // past week 8.
  ASSERT_EQ(one->outcomes().responder_rates_size(), 3);
  EXPECT_TRUE(one->outcomes().responder_rates(1).has_per_protocol());
  EXPECT_TRUE(one->outcomes().responder_rates(1).has_intention_to_treat());
  for (int s = 0; s < kShards; ++s) {
    auto part = (*shards)[s].client->Call(&v1::OutcomeService::Stub::GetCohortOutcomes,
                                          (*shards)[s].client->outcomes(), cohort);
    ASSERT_TRUE(part.ok());
    // Each shard's own count, protected on its own (withheld under 11).
    if (part->outcomes().has_episodes()) {
      EXPECT_NEAR(part->outcomes().episodes(), held[s] * 8, 2);
    }
  }

  // The same through the CLI, as an analyst runs it.
  const std::string shard_flags = "--shards=" + absl::StrJoin(addresses, ",");
  const std::string key_flags = "--shard_key_files=" + absl::StrJoin(key_files, ",");
  const std::string sharded_out = Tractus({shard_flags, key_flags, "cohort", "sciatica"}, &code);
  ASSERT_EQ(code, 0) << sharded_out;
  EXPECT_THAT(sharded_out, HasSubstr("shards answered (3)"));
  const std::string single_out = Tractus(
      {"--server=" + single_.address, "--key_file=" + single_key_file, "cohort", "sciatica"}, &code);
  ASSERT_EQ(code, 0) << single_out;
  EXPECT_THAT(sharded_out, HasSubstr("tractus-cell-key"));
  EXPECT_THAT(single_out, HasSubstr("tractus-cell-key"));

  // A merged export: every shard's part, one file per kind, the shards in
  // the manifest.
  const std::string export_dir = dir_.path() + "/export";
  out = Tractus({shard_flags, key_flags, "--k=2", "--out=" + export_dir, "export"}, &code);
  ASSERT_EQ(code, 0) << out;
  const std::string manifest = ReadAll(export_dir + "/manifest.json");
  EXPECT_THAT(manifest, HasSubstr("\"merged_from_shards\": 3"));
  int part_rows = 0;
  for (const cli::Shard& shard : *shards) {
    EXPECT_THAT(manifest, HasSubstr(shard.shard_id));
    part_rows += Lines(export_dir + "/" + shard.shard_id + "/observations.csv") - 1;
  }
  EXPECT_GT(part_rows, 0);
  EXPECT_EQ(Lines(export_dir + "/observations.csv") - 1, part_rows);
  EXPECT_THAT(manifest, HasSubstr("\"uniqueness\": [{\"known\": \"sessions_done\""));

  // The CLI takes every filter the API takes: pain alone.
  const std::string pain_dir = dir_.path() + "/pain";
  out = Tractus({shard_flags, key_flags, "--k=2", "--instruments=nprs", "--coarsen=counts,weeks",
                 "--out=" + pain_dir, "export"},
                &code);
  ASSERT_EQ(code, 0) << out;
  const std::string pain = ReadAll(pain_dir + "/observations.csv");
  EXPECT_THAT(pain, HasSubstr(",nprs,"));
  EXPECT_THAT(ReadAll(export_dir + "/observations.csv"), HasSubstr(",daily_steps,"));
  EXPECT_THAT(pain, ::testing::Not(HasSubstr(",daily_steps,")));
  EXPECT_LT(Lines(pain_dir + "/observations.csv"), Lines(export_dir + "/observations.csv"));
  out = Tractus({shard_flags, key_flags, "--instruments=pain", "--out=" + pain_dir, "export"},
                &code);
  EXPECT_NE(code, 0);
  EXPECT_THAT(out, HasSubstr("unknown instrument pain"));
}

}  // namespace
}  // namespace tractus::testing
