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
//   build/release/bench/ingest_bench [--seconds=10] [--runs=3] [--streams=16]
//                                    [--chunk_samples=1000] [--window=8]
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
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "device_gateway/test_chunks.h"
#include "services/process_tuning.h"
#include "services/server.h"
#include "storage/test_dir.h"
#include "tests/gateway_client.h"
#include "tests/test_accounts.h"
#include "tractus/v1/device.grpc.pb.h"

ABSL_FLAG(double, seconds, 10, "length of each measurement");
ABSL_FLAG(int, runs, 3, "runs per figure (the median is printed)");
ABSL_FLAG(int, streams, 16, "concurrent tables");
ABSL_FLAG(int, chunk_samples, 1000, "samples per chunk");
ABSL_FLAG(int, window, 8, "chunks in flight per stream");
ABSL_FLAG(std::string, only, "", "run one configuration only (G, R, R8, TU, TS), e.g. to profile it");

namespace tractus::bench {
namespace {

using UploadStream =
    grpc::ClientReaderWriter<v1::UploadSessionRequest, v1::UploadSessionResponse>;

struct Rate {
  double samples_per_s = 0;
  double bytes_per_s = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Chunks of one session (10 Hz, so a 90-minute protocol takes 162 chunks of
// 1000 samples), serialized once.
struct SessionChunks {
  std::vector<v1::TelemetryChunk> chunks;
  std::vector<v1::UploadSessionRequest> requests;  // the chunks, ready to send
  std::vector<int64_t> sizes;                      // serialized bytes of each chunk
  int64_t bytes = 0;
};

SessionChunks MakeChunks(int chunk_samples) {
  SessionChunks s;
  const int count = 90 * 60 * 10 * 3 / chunk_samples - 1;  // within 3 x planned minutes
  for (int i = 0; i < count; ++i) {
    s.chunks.push_back(device_gateway::TestChunk(i, chunk_samples, 390));
    s.requests.emplace_back();
    *s.requests.back().mutable_chunk() = s.chunks.back();
    s.sizes.push_back(static_cast<int64_t>(s.chunks.back().ByteSizeLong()));
    s.bytes += s.sizes.back();
  }
  return s;
}

// The null sink: acknowledges every message, stores nothing.
class NullSink final : public v1::DeviceService::Service {
  grpc::Status UploadSession(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::UploadSessionResponse, v1::UploadSessionRequest>* stream)
      override {
    v1::UploadSessionRequest req;
    v1::UploadSessionResponse resp;
    while (stream->Read(&req)) {
      resp.Clear();
      if (req.has_header()) {
        resp.mutable_header_ack();
      } else if (req.has_chunk()) {
        resp.mutable_chunk_ack()->set_seq(req.chunk().seq());
      } else {
        resp.mutable_end_ack();
      }
      if (!stream->Write(resp)) break;
    }
    return grpc::Status::OK;
  }
};

// `streams` threads upload sessions to `channel` until `seconds` pass;
// returns the rate of acknowledged samples.
Rate Upload(const std::shared_ptr<grpc::Channel>& channel,
            const std::vector<std::string>& credentials, const std::string& episode_id,
            const SessionChunks& session, int streams, int window, double seconds,
            int chunk_samples) {
  std::atomic<int64_t> samples{0}, bytes{0};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> session_counter{0};
  auto stub = v1::DeviceService::NewStub(channel);
  std::vector<std::thread> threads;
  for (int t = 0; t < streams; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load()) {
        auto ctx = testing::GatewayClient::Context(
            credentials.empty() ? "" : credentials[t % credentials.size()], absl::Minutes(10));
        std::unique_ptr<UploadStream> stream = stub->UploadSession(ctx.get());
        v1::UploadSessionRequest req;
        *req.mutable_header() = testing::GatewayClient::Header(
            absl::StrCat("bench-", t, "-", session_counter.fetch_add(1), "-", absl::ToUnixNanos(absl::Now())),
            episode_id, absl::Now() - absl::Hours(2), absl::Now());
        req.mutable_header()->mutable_protocol()->set_planned_minutes(90);
        v1::UploadSessionResponse resp;
        if (!stream->Write(req) || !stream->Read(&resp) || !resp.has_header_ack()) {
          std::cerr << "header refused: " << stream->Finish().error_message() << "\n";
          stop = true;
          return;
        }
        absl::Mutex mu;
        struct Window {
          int in_flight = 0;
          int limit = 0;
          bool reader_done = false;
          bool Ready() const { return in_flight < limit || reader_done; }
        } w;
        w.limit = window;
        const int n = static_cast<int>(session.chunks.size());
        std::thread reader([&] {
          v1::UploadSessionResponse ack;
          for (int acked = 0; acked < n && stream->Read(&ack); ++acked) {
            if (!ack.has_chunk_ack()) {
              std::cerr << "chunk not acknowledged: " << ack.DebugString() << "\n";
              break;
            }
            samples += chunk_samples;
            bytes += session.sizes[ack.chunk_ack().seq()];
            absl::MutexLock lock(&mu);
            --w.in_flight;
          }
          absl::MutexLock lock(&mu);
          w.reader_done = true;
        });
        int sent = 0;
        for (; sent < n && !stop.load(); ++sent) {
          {
            absl::MutexLock lock(&mu);
            mu.Await(absl::Condition(&w, &Window::Ready));
            if (w.reader_done) break;
            ++w.in_flight;
          }
          if (!stream->Write(session.requests[sent])) break;
        }
        if (sent == n) {
          reader.join();
          v1::UploadSessionRequest end;
          end.mutable_end()->set_chunk_count(n);
          end.mutable_end()->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
          stream->Write(end);
          stream->WritesDone();
          while (stream->Read(&resp)) {
          }
          stream->Finish();
        } else {
          ctx->TryCancel();
          reader.join();
          stream->Finish();
        }
      }
    });
  }
  const absl::Time start = absl::Now();
  const int64_t samples0 = samples.load(), bytes0 = bytes.load();
  absl::SleepFor(absl::Seconds(seconds));
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  Rate r{(samples.load() - samples0) / elapsed, (bytes.load() - bytes0) / elapsed};
  stop = true;
  for (auto& t : threads) t.join();
  return r;
}

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

int Main() {
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const int runs = absl::GetFlag(FLAGS_runs);
  const int streams = absl::GetFlag(FLAGS_streams);
  const int chunk_samples = absl::GetFlag(FLAGS_chunk_samples);
  const int window = absl::GetFlag(FLAGS_window);
  const SessionChunks session = MakeChunks(chunk_samples);
  spdlog::set_level(spdlog::level::warn);  // no per-call log lines
  TestDir dir;
  RealClock clock;

  std::cout << "machine: " << std::thread::hardware_concurrency() << " cores, " << CpuModel()
            << "\n";
  std::cout << absl::StrFormat(
      "ingest: %d tables, %d-sample chunks (%.1f KB), %d in flight, %.0f s x %d runs (median)\n",
      streams, chunk_samples, static_cast<double>(session.bytes) / session.chunks.size() / 1024,
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

  // G: the null sink.
  Rate g;
  {
    NullSink sink;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&sink);
    auto server = builder.BuildAndStart();
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                       grpc::InsecureChannelCredentials());
    g = median_of("G", [&] {
      return Upload(channel, {}, "ep_none", session, streams, window, seconds, chunk_samples);
    });
    server->Shutdown();
  }
  // R: raw RocksDB.
  const Rate r_unsynced = median_of("R", [&] {
    return RawRocksDb(dir.path() + "/raw", session, 1, false, seconds, chunk_samples);
  });
  const Rate r_synced8 = median_of("R8", [&] {
    return RawRocksDb(dir.path() + "/raw", session, 8, true, seconds, chunk_samples);
  });
  // Tractus.
  Rate tractus[2];
  for (const bool sync : {false, true}) {
    tractus[sync] = median_of(sync ? "TS" : "TU", [&] {
      TractusUnderTest t = StartTractus(absl::StrCat(dir.path(), "/tractus-", sync, "-",
                                                     absl::ToUnixNanos(absl::Now())),
                                        sync, streams, &clock);
      auto channel = testing::TestChannel(t.server->address(), "");
      Rate rate = Upload(channel, t.credentials, t.episode_id, session, streams, window,
                         seconds, chunk_samples);
      (void)t.server->Shutdown(absl::Seconds(10));
      return rate;
    });
  }

  const double ceiling = 1 / (1 / g.samples_per_s + 1 / r_unsynced.samples_per_s);
  const auto row = [](const std::string& name, const Rate& r) {
    std::cout << absl::StrFormat("  %-44s %8.2f M samples/s %8.1f MB/s\n", name,
                                 r.samples_per_s / 1e6, r.bytes_per_s / 1e6);
  };
  row("G  null-sink gRPC (ceiling)", g);
  row("R  raw RocksDB, 1 writer, unsynced", r_unsynced);
  row("R8 raw RocksDB, 8 writers, synced", r_synced8);
  row("Tractus, WAL unsynced", tractus[0]);
  row("Tractus, WAL synced (ack after fsync)", tractus[1]);
  std::cout << absl::StrFormat("  serial ceiling 1/(1/G+1/R) %.2f M samples/s\n", ceiling / 1e6);
  std::cout << absl::StrFormat(
      "  unsynced / serial ceiling  %.2f   (target >= 0.60)\n"
      "  synced / R8                %.2f   (target >= 1.00)\n"
      "  synced / unsynced          %.2f   (target >= 0.50)\n",
      tractus[0].samples_per_s / ceiling, tractus[1].samples_per_s / r_synced8.samples_per_s,
      tractus[1].samples_per_s / tractus[0].samples_per_s);
  return 0;
}

}  // namespace
}  // namespace tractus::bench

int main(int argc, char** argv) {
  tractus::services::TuneProcessForServing();  // as tractusd does
  absl::ParseCommandLine(argc, argv);
  return tractus::bench::Main();
}
