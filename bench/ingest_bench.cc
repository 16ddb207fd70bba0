// Ingest benchmark: samples/s acknowledged by Tractus, next to the two
// ceilings measured in the same run on the same machine:
//   G  a null-sink gRPC server built from the same protos (parses, acks,
//      discards) — what gRPC on loopback can carry;
//   R  the same chunk bytes written straight into RocksDB by this process
//      (one unsynced writer; eight synced writers sharing fsyncs).
// Tractus runs in-process (services::Server on loopback, real devices,
// authentication, audit and storage), WAL-synced and unsynced. Clients are
// table-like upload streams: header, chunks with a window in flight, end.
// Prints one table; each figure is the median of --runs runs.
//
//   build/release/bench/ingest_bench [--seconds=10] [--runs=3] [--streams=1,4,16]
//                                    [--chunk_samples=100,1000] [--window=8]
#include <grpcpp/grpcpp.h>
#include <rocksdb/db.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/upload_load.h"
#include "common/clock.h"
#include "services/process_tuning.h"
#include "services/server.h"
#include "storage/test_dir.h"
#include "tests/gateway_client.h"
#include "tests/test_accounts.h"
#include "tractus/v1/device.grpc.pb.h"

ABSL_FLAG(double, seconds, 10, "length of each measurement");
ABSL_FLAG(int, runs, 3, "runs per figure (the median is printed)");
ABSL_FLAG(std::string, streams, "16", "concurrent tables, comma-separated for several");
ABSL_FLAG(std::string, chunk_samples, "1000", "samples per chunk, comma-separated for several");
ABSL_FLAG(int, window, 8, "chunks in flight per stream");
ABSL_FLAG(std::string, only, "", "run one configuration only (G, R, R8, TU, TS), e.g. to profile it");

namespace tractus::bench {
namespace {

// The chunk bytes written straight into RocksDB by `writers` threads (one
// write per chunk, keyed by session and seq like Tractus's telemetry).
Rate RawRocksDb(const std::string& dir, const SessionChunks& session, int writers, bool sync,
                double seconds, int chunk_samples) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  std::unique_ptr<rocksdb::DB> db;
  {
    rocksdb::DB* raw = nullptr;
    std::filesystem::remove_all(dir);
    if (!rocksdb::DB::Open(options, dir, &raw).ok()) {
      std::cerr << "cannot open RocksDB in " << dir << "\n";
      return {};
    }
    db.reset(raw);
  }
  std::vector<std::string> values;
  for (const auto& c : session.chunks) values.push_back(c.SerializeAsString());
  std::atomic<int64_t> samples{0}, bytes{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      rocksdb::WriteOptions wo;
      wo.sync = sync;
      for (uint64_t s = 0; !stop.load(); ++s) {
        for (size_t i = 0; i < values.size() && !stop.load(); ++i) {
          char key[20];
          const uint64_t session_key = (uint64_t{static_cast<uint32_t>(t)} << 40) | s;
          for (int b = 0; b < 8; ++b) key[b] = static_cast<char>(session_key >> (56 - 8 * b));
          for (int b = 0; b < 4; ++b) key[8 + b] = static_cast<char>(i >> (24 - 8 * b));
          if (!db->Put(wo, rocksdb::Slice(key, 12), values[i]).ok()) return;
          samples += chunk_samples;
          bytes += static_cast<int64_t>(values[i].size());
        }
      }
    });
  }
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(seconds));
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  Rate r{samples.load() / elapsed, bytes.load() / elapsed};
  stop = true;
  for (auto& t : threads) t.join();
  return r;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

// A Tractus server in-process with one clinic, an open episode and one
// enrolled table per stream.
struct TractusUnderTest {
  std::unique_ptr<services::Server> server;
  std::string episode_id;
  std::vector<std::string> credentials;
};

TractusUnderTest StartTractus(const std::string& dir, bool sync_wal, int streams,
                              const Clock* clock) {
  TractusUnderTest t;
  services::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir;
  config.sync_wal = sync_wal;
  config.rate_limit = {0, 0};
  auto server = services::Server::Start(config, clock);
  if (!server.ok()) {
    std::cerr << "tractusd: " << server.status() << "\n";
    std::exit(1);
  }
  t.server = std::move(*server);
  auto keys = testing::MakeTestKeys(t.server->address(), t.server->bootstrap_key_file());
  if (!keys.ok()) {
    std::cerr << keys.status() << "\n";
    std::exit(1);
  }
  testing::GatewayClient gateway(t.server->address(), *keys);
  std::string clinic_id;
  t.episode_id = gateway.MakeEpisode("bench", &clinic_id);
  for (int i = 0; i < streams; ++i) {
    t.credentials.push_back(gateway.Enroll(clinic_id, absl::StrCat("BENCH-", i)));
  }
  return t;
}

struct Cell {
  int streams = 0;
  int chunk_samples = 0;
  Rate g, r, r8, unsynced, synced;
  double Ceiling() const { return 1 / (1 / g.samples_per_s + 1 / r.samples_per_s); }
};

int Main() {
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const int runs = absl::GetFlag(FLAGS_runs);
  const int window = absl::GetFlag(FLAGS_window);
  std::vector<int> stream_counts, chunk_sizes;
  for (absl::string_view v : absl::StrSplit(absl::GetFlag(FLAGS_streams), ',')) {
    stream_counts.push_back(std::stoi(std::string(v)));
  }
  for (absl::string_view v : absl::StrSplit(absl::GetFlag(FLAGS_chunk_samples), ',')) {
    chunk_sizes.push_back(std::stoi(std::string(v)));
  }
  spdlog::set_level(spdlog::level::err);  // no per-call or first-start lines
  TestDir dir;
  RealClock clock;

  std::cout << "machine: " << std::thread::hardware_concurrency() << " cores, " << CpuModel()
            << "\n";
  std::cout << absl::StrFormat(
      "ingest: table-like upload streams over loopback, %d chunks in flight per stream, "
      "%.0f s x %d runs per figure (median); M samples/s acknowledged\n",
      window, seconds, runs);

  const std::string only = absl::GetFlag(FLAGS_only);
  const auto median_of = [&](const std::string& name, const std::function<Rate()>& run) {
    if (!only.empty() && only != name) return Rate{1, 1};
    std::vector<double> s, b;
    for (int i = 0; i < runs; ++i) {
      Rate r = run();
      s.push_back(r.samples_per_s);
      b.push_back(r.bytes_per_s);
    }
    return Rate{Median(s), Median(b)};
  };

  std::cout << absl::StrFormat("  %6s %6s %7s | %7s %7s %7s | %7s %7s %6s | %7s %7s %6s %6s\n",
                               "tables", "chunk", "KB", "G", "R", "R8", "unsync", "MB/s",
                               "/ceil", "synced", "MB/s", "/R8", "/unsyn");
  std::vector<Cell> cells;
  for (const int chunk_samples : chunk_sizes) {
    const SessionChunks session = MakeChunks(chunk_samples);
    // The storage ceilings do not depend on the number of tables.
    const Rate r_unsynced = median_of("R", [&] {
      return RawRocksDb(dir.path() + "/raw", session, 1, false, seconds, chunk_samples);
    });
    const Rate r_synced8 = median_of("R8", [&] {
      return RawRocksDb(dir.path() + "/raw", session, 8, true, seconds, chunk_samples);
    });
    for (const int streams : stream_counts) {
      Cell c;
      c.streams = streams;
      c.chunk_samples = chunk_samples;
      c.r = r_unsynced;
      c.r8 = r_synced8;
      {
        NullSink sink;
        grpc::ServerBuilder builder;
        int port = 0;
        builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
        builder.RegisterService(&sink);
        auto server = builder.BuildAndStart();
        auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::InsecureChannelCredentials());
        c.g = median_of("G", [&] {
          return Upload(channel, session,
                        {.credentials = {}, .episode_id = "ep_none", .streams = streams,
                         .window = window,
                         .seconds = seconds});
        });
        server->Shutdown();
      }
      for (const bool sync : {false, true}) {
        (sync ? c.synced : c.unsynced) = median_of(sync ? "TS" : "TU", [&] {
          TractusUnderTest t = StartTractus(absl::StrCat(dir.path(), "/tractus-", sync, "-",
                                                         absl::ToUnixNanos(absl::Now())),
                                            sync, streams, &clock);
          auto channel = testing::TestChannel(t.server->address(), "");
          Rate rate = Upload(channel, session,
                             {.credentials = t.credentials, .episode_id = t.episode_id,
                              .streams = streams, .window = window, .seconds = seconds});
          (void)t.server->Shutdown(absl::Seconds(10));
          return rate;
        });
      }
      std::cout << absl::StrFormat(
          "  %6d %6d %7.1f | %7.2f %7.2f %7.2f | %7.2f %7.1f %6.2f | %7.2f %7.1f %6.2f %6.2f\n",
          streams, chunk_samples, static_cast<double>(session.bytes) / session.chunks.size() / 1024,
          c.g.samples_per_s / 1e6, c.r.samples_per_s / 1e6, c.r8.samples_per_s / 1e6,
          c.unsynced.samples_per_s / 1e6, c.unsynced.bytes_per_s / 1e6,
          c.unsynced.samples_per_s / c.Ceiling(), c.synced.samples_per_s / 1e6,
          c.synced.bytes_per_s / 1e6, c.synced.samples_per_s / c.r8.samples_per_s,
          c.synced.samples_per_s / c.unsynced.samples_per_s);
      std::cout.flush();
      cells.push_back(c);
    }
  }
  std::cout << "  G null-sink gRPC, same clients; R raw RocksDB, 1 writer unsynced; R8 8 synced "
               "writers;\n  ceil = 1/(1/G+1/R); synced = acknowledged only once fsynced\n";
  // The targets are set at 16 tables x 1000-sample chunks.
  for (const Cell& c : cells) {
    if (c.streams != 16 || c.chunk_samples != 1000) continue;
    std::cout << absl::StrFormat(
        "  targets at 16 x 1000: unsynced/ceiling %.2f (>= 0.60)  synced/R8 %.2f (>= 1.00)  "
        "synced/unsynced %.2f (>= 0.50)\n",
        c.unsynced.samples_per_s / c.Ceiling(), c.synced.samples_per_s / c.r8.samples_per_s,
        c.synced.samples_per_s / c.unsynced.samples_per_s);
  }
  return 0;
}

}  // namespace
}  // namespace tractus::bench

int main(int argc, char** argv) {
  tractus::services::TuneProcessForServing();  // as tractusd does
  absl::ParseCommandLine(argc, argv);
  return tractus::bench::Main();
}
