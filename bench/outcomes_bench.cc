// Outcome benchmarks against a real tractusd process (release build, WAL
// synced, rate limits off) on a synthetic clinic network (dataset.h):
//   query      GetEpisodeProgress of random episodes from 32 concurrent
//              clients with 10,000 patients loaded and 4 tables uploading
//              beside them: p50 / p99 / p99.9 latency and queries/s; the
//              same against a null server answering one stored response
//              (the gRPC ceiling), and the ratio; then the latency of
//              queries offered at a fixed rate (open loop, --offered_qps)
//              while the tables upload in real time (--paced_ingest_samples);
//   export     an anonymized CSV export of ~1 M and ~10 M observations
//              (downloaded and checksummed like `tractus export`): rows/s
//              and tractusd's peak RSS during each;
//   cohort     GetCohortOutcomes over 100,000 episodes: seconds; tractusd's
//              RSS with them loaded;
//   telemetry  realistic 90-minute sessions (the table model) uploaded by
//              16 tables: samples/s acknowledged (WAL synced), then bytes
//              per sample on disk after a full compaction.
// --phases picks the figures (all by default). Each timed figure is the
// median of --runs runs. --results writes the
// figures as "name value" lines and --emit_dir the same data as CSV for
// bench/postgres_side_by_side.sh.
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/dataset.h"
#include "bench/upload_load.h"
#include "cli/client.h"
#include "cli/export_command.h"
#include "cli/table_model.h"
#include "records/time_proto.h"
#include "device_gateway/telemetry.h"
#include "services/process_tuning.h"
#include "storage/store.h"
#include "storage/test_dir.h"
#include "tests/gateway_client.h"
#include "tests/subprocess.h"
#include "tests/test_accounts.h"
#include "tractus/v1/outcomes.grpc.pb.h"

ABSL_FLAG(std::string, tractusd, "", "tractusd binary; default: next to this one");
ABSL_FLAG(int, patients, 10000, "patients for the query and 1 M export figures");
ABSL_FLAG(int, cohort_patients, 100000, "patients (episodes) for the cohort and 10 M export");
ABSL_FLAG(int, sessions, 24, "sessions per episode");
ABSL_FLAG(int, clients, 32, "concurrent progress clients");
ABSL_FLAG(int, ingest_tables, 4, "tables uploading during the query figure");
ABSL_FLAG(double, offered_qps, 2000,
          "rate the paced query run offers (open loop, all clients together)");
ABSL_FLAG(double, paced_ingest_samples, 100000,
          "samples/s the tables upload beside the paced query run (1,000 tables at 100 Hz)");
ABSL_FLAG(double, seconds, 10, "length of each query run");
ABSL_FLAG(int, runs, 3, "runs per figure (the median is printed)");
ABSL_FLAG(int, telemetry_sessions, 64, "90-minute sessions for the telemetry figure");
ABSL_FLAG(std::string, results, "", "file for the figures as \"name value\" lines");
ABSL_FLAG(std::string, emit_dir, "", "directory for observations.csv and telemetry.csv");
ABSL_FLAG(std::vector<std::string>, phases,
          std::vector<std::string>({"query", "export", "cohort", "telemetry"}),
          "figures to measure: query, export (both networks), cohort, telemetry");

namespace tractus::bench {
namespace {

std::ofstream results_file;

void Result(const std::string& name, double value) {
  if (results_file.is_open()) results_file << name << " " << value << "\n" << std::flush;
}

[[noreturn]] void Die(const std::string& what, const absl::Status& s) {
  std::cerr << what << ": " << s << "\n";
  std::exit(1);
}

// Kilobytes of a /proc/PID/status field (VmRSS, VmHWM).
int64_t ProcKb(int pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

// CPU seconds `pid` has used (user + system).
double CpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces): state is field 3,
  // utime and stime are fields 14 and 15.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Resets the peak RSS (VmHWM) of `pid` to its current RSS.
void ResetPeakRss(int pid) { std::ofstream(absl::StrCat("/proc/", pid, "/clear_refs")) << "5"; }

// A running tractusd on `data_dir` with the benchmark's accounts.
struct Tractusd {
  std::string binary;
  std::unique_ptr<testing::Subprocess> process;
  std::string address;
  testing::TestKeys keys;
  std::string clinician;  // bound to every clinic of the dataset
  std::string analyst;

  static Tractusd Start(const std::string& data_dir, const std::vector<std::string>& clinics) {
    std::string binary = absl::GetFlag(FLAGS_tractusd);
    if (binary.empty()) {
      binary = (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() /
                "services" / "tractusd")
                   .string();
    }
    Tractusd t;
    t.Launch(binary, data_dir);
    auto keys = testing::MakeTestKeys(t.address, data_dir + "/bootstrap-admin.key");
    if (!keys.ok()) Die("accounts", keys.status());
    t.keys = *keys;
    auto clinician = testing::MakeUserKey(t.address, t.keys, v1::ROLE_CLINICIAN, clinics);
    auto analyst = testing::MakeUserKey(t.address, t.keys, v1::ROLE_ANALYST, {});
    if (!clinician.ok() || !analyst.ok()) Die("keys", clinician.status());
    t.clinician = *clinician;
    t.analyst = *analyst;
    return t;
  }

  void Launch(const std::string& binary_path, const std::string& data_dir) {
    binary = binary_path;
    process = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        binary, "--listen=127.0.0.1:0", "--data_dir=" + data_dir, "--rate_limit_qps=0",
        "--log_level=warn", "--max_streams_per_principal=64"});
    address = process->WaitForLine("tractusd listening on ", absl::Seconds(120));
    if (address.empty()) Die("tractusd did not start", absl::UnavailableError(process->output()));
  }

  // A clean stop and a new start on the same data dir (the accounts stay).
  void Restart(const std::string& data_dir) {
    Stop();
    Launch(binary, data_dir);
  }

  void Stop() {
    process->Signal(SIGTERM);
    process->Wait(absl::Seconds(60));
  }
};

struct Latency {
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, qps = 0;
};

// The gRPC ceiling of the query: a server built from the same protos, in
// the same kind of process (synchronous API, as many idle pollers), that
// answers every progress call with the same stored response — no
// authentication, audit or storage.
class NullOutcomes final : public v1::OutcomeService::Service {
 public:
  explicit NullOutcomes(v1::GetEpisodeProgressResponse canned) : canned_(std::move(canned)) {}
  grpc::Status GetEpisodeProgress(grpc::ServerContext*, const v1::GetEpisodeProgressRequest*,
                                  v1::GetEpisodeProgressResponse* resp) override {
    *resp = canned_;
    return grpc::Status::OK;
  }

 private:
  const v1::GetEpisodeProgressResponse canned_;
};

// `clients` threads ask for the progress of random episodes for `seconds`:
// each as soon as its previous answer came (closed loop) or, with
// `offered_qps` > 0, on a fixed schedule that together offers that rate
// (open loop: latency counts from the scheduled time, so a slow answer
// that delays the next call counts against both).
Latency QueryRun(const std::string& address, const std::string& key,
                 const std::vector<std::string>& episodes, int clients, double seconds,
                 double offered_qps = 0) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < 4; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("bench.channel", c);  // distinct channels, not one shared connection
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> per_thread(clients);
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::OutcomeService::NewStub(channels[t % channels.size()]);
      std::mt19937_64 rng(t);
      v1::GetEpisodeProgressRequest req;
      v1::GetEpisodeProgressResponse resp;
      const absl::Duration interval =
          offered_qps > 0 ? absl::Seconds(clients / offered_qps) : absl::ZeroDuration();
      // Clients start spread over one interval.
      absl::Time next = absl::Now() + interval * t / clients;
      while (!stop.load()) {
        req.set_episode_id(episodes[rng() % episodes.size()]);
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + key);
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        absl::Time start = absl::Now();
        if (offered_qps > 0) {
          if (next > start) absl::SleepFor(next - start);
          start = next;
          next += interval;
        }
        grpc::Status s = stub->GetEpisodeProgress(&ctx, req, &resp);
        const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
        if (!s.ok()) {
          std::cerr << "progress: " << s.error_message() << "\n";
          stop = true;
          return;
        }
        if (measuring.load()) per_thread[t].push_back(ms);
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));  // warm-up
  measuring = true;
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(seconds));
  measuring = false;
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Latency l;
  if (all.empty()) return l;
  const auto at = [&](double q) { return all[std::min(all.size() - 1, size_t(q * all.size()))]; };
  l.p50_ms = at(0.50);
  l.p99_ms = at(0.99);
  l.p999_ms = at(0.999);
  l.qps = all.size() / elapsed;
  return l;
}

struct ExportFigure {
  int64_t rows = 0;     // observations.csv
  int64_t records = 0;  // every table: episodes, observations, items, sessions
  double rows_per_s = 0;
  double job_rows_per_s = 0;  // the server's job alone (before the download)
  double cores = 0;           // the server's CPU seconds / wall seconds
  double peak_rss_mb = 0;
};

ExportFigure RunExportOnce(const Tractusd& t, const std::string& out_dir) {
  ResetPeakRss(t.process->pid());
  const double cpu_before = CpuSeconds(t.process->pid());
  cli::Client client(testing::TestChannel(t.address, t.analyst), absl::Minutes(30));
  cli::ExportOptions options;
  options.request.set_format(v1::EXPORT_FORMAT_CSV);
  options.out_dir = out_dir;
  options.progress_bar = false;
  std::ostringstream out, err;
  const absl::Time start = absl::Now();
  auto job = cli::RunExport(client, options, out, err);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!job.ok()) Die("export", job.status());
  ExportFigure f;
  for (const v1::ExportFile& file : job->manifest().files()) {
    if (file.name() == "observations.csv") f.rows = file.records();
    for (const char* table : {"episodes.csv", "observations.csv", "items.csv", "sessions.csv"}) {
      if (file.name() == table) f.records += file.records();
    }
  }
  f.rows_per_s = f.rows / seconds;
  f.cores = (CpuSeconds(t.process->pid()) - cpu_before) / seconds;
  f.job_rows_per_s = f.rows / absl::ToDoubleSeconds(records::FromProto(job->update_time()) -
                                                    records::FromProto(job->create_time()));
  f.peak_rss_mb = ProcKb(t.process->pid(), "VmHWM") / 1024.0;
  std::filesystem::remove_all(out_dir);
  return f;
}

ExportFigure MedianExport(const Tractusd& t, const std::string& out_dir, int runs) {
  std::vector<ExportFigure> figures;
  for (int i = 0; i < runs; ++i) figures.push_back(RunExportOnce(t, out_dir));
  std::sort(figures.begin(), figures.end(),
            [](const auto& a, const auto& b) { return a.rows_per_s < b.rows_per_s; });
  ExportFigure f = figures[figures.size() / 2];
  for (const auto& g : figures) f.peak_rss_mb = std::max(f.peak_rss_mb, g.peak_rss_mb);
  return f;
}

// Waits (at most 10 minutes) until tractusd has been idle for two seconds
// — RocksDB done compacting what the loader wrote — and returns the
// seconds waited: an export is measured on a settled store, as a network's
// nightly export would run, not against the bulk load's compactions.
double WaitUntilIdle(const Tractusd& t) {
  const absl::Time start = absl::Now();
  while (absl::Now() - start < absl::Minutes(10)) {
    const double before = CpuSeconds(t.process->pid());
    absl::SleepFor(absl::Seconds(2));
    if (CpuSeconds(t.process->pid()) - before < 0.1) break;  // < 5 % of a core
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// Prints an export figure and records it as <key>_rows, _rows_per_s and
// _peak_rss_mb.
void ReportExport(const std::string& name, const std::string& key, const ExportFigure& f) {
  std::cout << absl::StrFormat(
      "  %-44s %10d rows %8.2f M rows/s   peak RSS %6.0f MB (job alone %.2f M rows/s; "
      "server busy %.2f cores; all tables %d records, %.2f M/s)\n",
      name, f.rows, f.rows_per_s / 1e6, f.peak_rss_mb, f.job_rows_per_s / 1e6, f.cores,
      f.records, f.rows > 0 ? f.rows_per_s * f.records / f.rows / 1e6 : 0.0);
  Result(key + "_rows", f.rows);
  Result(key + "_rows_per_s", f.rows_per_s);
  Result(key + "_peak_rss_mb", f.peak_rss_mb);
  Result(key + "_job_rows_per_s", f.job_rows_per_s);
}

// Realistic chunks of one 90-minute session from the table model.
SessionChunks RealisticSession() {
  v1::SessionHeader h = testing::GatewayClient::Header("model", "ep", absl::Now(), absl::Now());
  h.mutable_protocol()->set_planned_minutes(90);
  cli::TableModel model(h.protocol(), cli::TableModelOptions{}, 42);
  SessionChunks s;
  v1::TelemetryChunk chunk;
  while (model.NextChunk(1000, &chunk)) s.Add(chunk);
  return s;
}

bool Phase(const std::string& name) {
  const std::vector<std::string> phases = absl::GetFlag(FLAGS_phases);
  return std::find(phases.begin(), phases.end(), name) != phases.end();
}

// Progress latency on the loaded network `a`, closed loop beside tables
// uploading at full speed (with the null server's ceiling), then open loop
// while they upload in real time.
void QueryFigures(const Tractusd& t, const Dataset& a, int patients, int runs) {
  // Tables uploading beside the queries: as fast as they can, or paced.
  testing::GatewayClient gateway(t.address, t.keys);
  std::string ingest_clinic;
  UploadOptions ingest;
  ingest.episode_id = gateway.MakeEpisode("ingest", &ingest_clinic);
  ingest.streams = absl::GetFlag(FLAGS_ingest_tables);
  for (int i = 0; i < ingest.streams; ++i) {
    ingest.credentials.push_back(gateway.Enroll(ingest_clinic, absl::StrCat("ING-", i)));
  }
  ingest.seconds = 1e9;
  const SessionChunks ingest_session = MakeChunks(1000);
  struct Uploader {
    std::atomic<bool> stop{false};
    Rate rate;
    std::thread thread;
    void Join() {
      stop = true;
      thread.join();
    }
  };
  const auto start_uploader = [&](Uploader& u, double samples_per_s) {
    UploadOptions options = ingest;
    options.stop = &u.stop;
    options.samples_per_s = samples_per_s;
    u.thread = std::thread([&u, &t, &ingest_session, options] {
      u.rate = Upload(testing::TestChannel(t.address, ""), ingest_session, options);
    });
  };
  auto full_speed = std::make_unique<Uploader>();
  if (ingest.streams > 0) start_uploader(*full_speed, 0);
  // The ceiling answers with a real episode's response.
  v1::GetEpisodeProgressResponse canned;
  {
    auto stub = v1::OutcomeService::NewStub(testing::TestChannel(t.address, t.clinician));
    grpc::ClientContext ctx;
    v1::GetEpisodeProgressRequest req;
    req.set_episode_id(a.episode_ids.front());
    if (grpc::Status s = stub->GetEpisodeProgress(&ctx, req, &canned); !s.ok()) {
      Die("progress", absl::UnknownError(s.error_message()));
    }
  }
  NullOutcomes null_outcomes(canned);
  grpc::ServerBuilder builder;
  int null_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &null_port);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 16);
  builder.RegisterService(&null_outcomes);
  std::unique_ptr<grpc::Server> null_server = builder.BuildAndStart();
  const std::string null_address = absl::StrCat("127.0.0.1:", null_port);

  const int clients = absl::GetFlag(FLAGS_clients);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const double offered = absl::GetFlag(FLAGS_offered_qps);
  std::vector<Latency> real, ceiling, paced;
  for (int i = 0; i < runs; ++i) {
    real.push_back(QueryRun(t.address, t.clinician, a.episode_ids, clients, seconds));
    ceiling.push_back(QueryRun(null_address, "", a.episode_ids, clients, seconds));
  }
  if (ingest.streams > 0) full_speed->Join();
  null_server->Shutdown();
  // Like for like with a database measured alone (postgres_side_by_side.sh
  // drives PostgreSQL with pgbench the same way): nothing uploading beside,
  // the same clients, then one client.
  std::vector<Latency> idle, single;
  for (int i = 0; i < runs; ++i) {
    idle.push_back(QueryRun(t.address, t.clinician, a.episode_ids, clients, seconds));
    single.push_back(QueryRun(t.address, t.clinician, a.episode_ids, 1, seconds));
  }
  const double paced_ingest = absl::GetFlag(FLAGS_paced_ingest_samples);
  auto real_time = std::make_unique<Uploader>();
  if (ingest.streams > 0) start_uploader(*real_time, paced_ingest);
  for (int i = 0; i < runs; ++i) {
    paced.push_back(QueryRun(t.address, t.clinician, a.episode_ids, clients, seconds, offered));
  }
  if (ingest.streams > 0) real_time->Join();
  const auto median = [](const std::vector<Latency>& v, double Latency::*field) {
    std::vector<double> x;
    for (const Latency& l : v) x.push_back(l.*field);
    return Median(x);
  };
  const auto print = [&](const std::string& name, const std::vector<Latency>& v) {
    std::cout << absl::StrFormat(
        "  %-44s p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  %.0f queries/s\n", name,
        median(v, &Latency::p50_ms), median(v, &Latency::p99_ms), median(v, &Latency::p999_ms),
        median(v, &Latency::qps));
  };
  print(absl::StrCat("progress, ", clients, " clients, ", patients, " patients"), real);
  print("  null server, same response (gRPC ceiling)", ceiling);
  std::cout << absl::StrFormat(
      "  %-44s %.2f (queries/s)\n"
      "  %-44s %.2f M samples/s\n",
      "  progress / ceiling", median(real, &Latency::qps) / median(ceiling, &Latency::qps),
      absl::StrCat("  ", ingest.streams, " tables uploading beside, full speed"),
      full_speed->rate.samples_per_s / 1e6);
  print(absl::StrCat("progress, ", clients, " clients, nothing uploading"), idle);
  print("progress, 1 client, nothing uploading", single);
  print(absl::StrFormat("progress, %.0f queries/s offered (open loop)", offered), paced);
  std::cout << absl::StrFormat(
      "  %-44s %.2f M samples/s\n",
      absl::StrCat("  ", ingest.streams, " tables uploading beside, paced"),
      real_time->rate.samples_per_s / 1e6);
  const auto record = [&](const std::string& key, const std::vector<Latency>& v) {
    Result(key + "_p50_ms", median(v, &Latency::p50_ms));
    Result(key + "_p99_ms", median(v, &Latency::p99_ms));
    Result(key + "_p999_ms", median(v, &Latency::p999_ms));
    Result(key + "_qps", median(v, &Latency::qps));
  };
  record("progress", real);
  record("progress_ceiling", ceiling);
  record("progress_paced", paced);
  record("progress_idle", idle);
  record("progress_single", single);
  Result("progress_paced_offered_qps", offered);
}

// The query figures and the ~1 M export on the small network.
void SmallNetwork(const std::string& data_dir, int runs) {
  DatasetSpec small{.patients = absl::GetFlag(FLAGS_patients),
                    .sessions = absl::GetFlag(FLAGS_sessions)};
  auto a = LoadDataset(data_dir, small);
  if (!a.ok()) Die("loading", a.status());
  std::cout << absl::StrFormat("  loaded %d patients, %d observations, %d sessions in %.0f s\n",
                               small.patients, a->observations, a->sessions, a->load_seconds);
  Tractusd t = Tractusd::Start(data_dir, a->clinic_ids);
  if (Phase("query")) QueryFigures(t, *a, small.patients, runs);
  if (Phase("export")) {
    std::cout << absl::StrFormat("  (tractusd idle after %.0f s)\n", WaitUntilIdle(t));
    ReportExport("export CSV, small network", "export_small",
                 MedianExport(t, data_dir + "-export", runs));
  }
  t.Stop();
  std::filesystem::remove_all(data_dir);
}

// Cohort seconds (the first after a start, then the median of the next
// runs) and tractusd's RSS on the large network.
// Seconds for one cohort (herniated disc, the whole network) from `t`.
double TimeCohort(const Tractusd& t, v1::GetCohortOutcomesResponse* cohort) {
  auto stub = v1::OutcomeService::NewStub(testing::TestChannel(t.address, t.analyst));
  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_HERNIATED_DISC);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  const absl::Time start = absl::Now();
  grpc::Status s = stub->GetCohortOutcomes(&ctx, req, cohort);
  if (!s.ok()) Die("cohort", absl::UnknownError(s.error_message()));
  return absl::ToDoubleSeconds(absl::Now() - start);
}

void CohortFigures(Tractusd& t, const std::string& data_dir, int runs) {
  // The first cohort after the first start computes every episode's
  // summary; the next ones read the cached summaries; after a clean
  // restart they come from the snapshot the stop saved.
  std::vector<double> seconds;
  v1::GetCohortOutcomesResponse cohort;
  const double first_seconds = TimeCohort(t, &cohort);
  for (int i = 0; i < runs; ++i) seconds.push_back(TimeCohort(t, &cohort));
  const double rss_mb = ProcKb(t.process->pid(), "VmRSS") / 1024.0;
  t.Restart(data_dir);
  v1::GetCohortOutcomesResponse again;
  const double restarted_seconds = TimeCohort(t, &again);
  if (again.outcomes().SerializeAsString() != cohort.outcomes().SerializeAsString()) {
    Die("cohort", absl::InternalError("the cohort differs after a restart"));
  }
  // The week-8 responder rate (per protocol), to show the figure is real
  // (the synthetic network's pain runs through day 83, so week 12 has none).
  double rate = -1;
  for (const v1::ResponderRateAtWeek& r : cohort.outcomes().responder_rates()) {
    if (r.week() == 8 && r.has_per_protocol()) rate = r.per_protocol().estimate();
  }
  std::cout << absl::StrFormat(
      "  %-44s %.2f s (%d episodes, week-8 responder rate %.4f)\n"
      "  %-44s %.2f s\n"
      "  %-44s %.2f s\n"
      "  %-44s %.0f MB\n",
      "cohort outcomes, large network", Median(seconds), cohort.outcomes().episodes(), rate,
      "  the first after a first start (computed)", first_seconds,
      "  the first after a clean restart (snapshot)", restarted_seconds,
      "tractusd RSS with the large network loaded", rss_mb);
  Result("cohort_first_seconds", first_seconds);
  Result("cohort_restarted_seconds", restarted_seconds);
  Result("cohort_seconds", Median(seconds));
  Result("cohort_episodes", cohort.outcomes().episodes());
  Result("cohort_responder_rate", rate);
  Result("rss_large_mb", rss_mb);
}

// The cohort figures and the ~10 M export on the large network.
void LargeNetwork(const std::string& data_dir, int runs) {
  DatasetSpec large{.patients = absl::GetFlag(FLAGS_cohort_patients),
                    .sessions = absl::GetFlag(FLAGS_sessions)};
  auto b = LoadDataset(data_dir, large);
  if (!b.ok()) Die("loading", b.status());
  std::cout << absl::StrFormat("  loaded %d patients, %d observations, %d sessions in %.0f s\n",
                               large.patients, b->observations, b->sessions, b->load_seconds);
  const std::string emit_dir = absl::GetFlag(FLAGS_emit_dir);
  if (!emit_dir.empty()) {
    if (absl::Status s = WriteObservationsCsv(*b, emit_dir + "/observations.csv"); !s.ok()) {
      Die("csv", s);
    }
  }
  Tractusd t = Tractusd::Start(data_dir, b->clinic_ids);
  if (Phase("cohort")) CohortFigures(t, data_dir, runs);
  if (Phase("export")) {
    // Right after the start, while RocksDB still compacts the load (how
    // earlier figures were taken), then on the settled store.
    ReportExport("export CSV, large network, compacting", "export_large_compacting",
                 MedianExport(t, data_dir + "-export", 1));
    std::cout << absl::StrFormat("  (tractusd idle after %.0f s)\n", WaitUntilIdle(t));
    ReportExport("export CSV, large network", "export_large",
                 MedianExport(t, data_dir + "-export", std::min(runs, 1)));
  }
  t.Stop();
  std::filesystem::remove_all(data_dir);
}

// Realistic telemetry on a fresh store: acknowledged ingest rate, then
// bytes per sample after a full compaction.
void TelemetryFigures(const std::string& c_dir) {
  const std::string emit_dir = absl::GetFlag(FLAGS_emit_dir);
  const SessionChunks session = RealisticSession();
  const int total = absl::GetFlag(FLAGS_telemetry_sessions);
  int64_t samples_per_session = 0;
  for (const auto& c : session.chunks) samples_per_session += c.offset_ms_size();
  Tractusd t = Tractusd::Start(c_dir, {});
  testing::GatewayClient gateway(t.address, t.keys);
  std::string clinic;
  UploadOptions opts;
  opts.episode_id = gateway.MakeEpisode("telemetry", &clinic);
  opts.streams = 16;
  for (int i = 0; i < opts.streams; ++i) {
    opts.credentials.push_back(gateway.Enroll(clinic, absl::StrCat("TEL-", i)));
  }
  opts.max_sessions = total;
  opts.seconds = 1e9;
  const absl::Time start = absl::Now();
  Rate rate = Upload(testing::TestChannel(t.address, ""), session, opts);
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  t.Stop();
  auto store = storage::Store::Open(c_dir, storage::StoreOptions{});
  if (!store.ok()) Die("store", store.status());
  if (absl::Status s = (*store)->CompactAll(); !s.ok()) Die("compact", s);
  const uint64_t bytes = *(*store)->LiveBytes(storage::Cf::kTelemetry);
  const int64_t samples = samples_per_session * total;
  std::cout << absl::StrFormat(
      "  %-44s %.2f M samples/s (%d sessions of %d samples in %.1f s)\n"
      "  %-44s %.2f bytes/sample (%.2f on the wire)\n",
      "telemetry ingest, 16 tables, WAL synced", samples / elapsed / 1e6, total,
      samples_per_session, elapsed, "telemetry on disk after compaction",
      static_cast<double>(bytes) / samples,
      static_cast<double>(session.bytes) / samples_per_session);
  (void)rate;
  Result("telemetry_samples", samples);
  Result("telemetry_samples_per_chunk", session.chunks.front().offset_ms_size());
  Result("telemetry_seconds", elapsed);
  Result("telemetry_bytes_per_sample", static_cast<double>(bytes) / samples);
  if (!emit_dir.empty()) {
    std::ofstream csv(emit_dir + "/telemetry.csv");
    for (int s = 0; s < total; ++s) {
      for (const v1::TelemetryChunk& c : session.chunks) {
        device_gateway::Samples decoded;
        (void)device_gateway::DecodeChunk(c, &decoded);
        for (size_t i = 0; i < decoded.size(); ++i) {
          csv << s << "," << decoded.offset_ms[i] << "," << decoded.measured_dn[i] << ","
              << decoded.target_dn[i] << "," << decoded.angle_decideg[i] << "," << decoded.flags[i]
              << "\n";
        }
      }
    }
  }
}

int Main() {
  spdlog::set_level(spdlog::level::err);
  const int runs = absl::GetFlag(FLAGS_runs);
  const std::string results = absl::GetFlag(FLAGS_results);
  if (!results.empty()) results_file.open(results);
  const std::string emit_dir = absl::GetFlag(FLAGS_emit_dir);
  if (!emit_dir.empty()) std::filesystem::create_directories(emit_dir);
  TestDir dir;
  if (Phase("query") || Phase("export")) SmallNetwork(dir.path() + "/a", runs);
  if (Phase("cohort") || Phase("export")) LargeNetwork(dir.path() + "/b", runs);
  if (Phase("telemetry")) TelemetryFigures(dir.path() + "/c");
  return 0;
}

}  // namespace
}  // namespace tractus::bench

int main(int argc, char** argv) {
  tractus::services::TuneProcessForServing();
  absl::ParseCommandLine(argc, argv);
  return tractus::bench::Main();
}
