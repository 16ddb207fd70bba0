// Connections at scale: many paced tables uploading at once to one tractusd
// (a child process, so its threads and memory are its own), over loopback.
//
// For each count of streams (--streams=10,1000,10000) a fresh tractusd
// (synced WAL, as deployed) gets that many enrolled tables, each holding one
// upload stream open and sending a chunk of --samples_per_s x
// --chunk_seconds samples every --chunk_seconds (starts staggered), for
// --seconds once every stream is open. The load generator is one process on
// gRPC's callback client API (--channels connections, one thread that paces
// every table). Printed per count: tractusd's threads and RSS with the
// streams open (and idle before), RSS per 1,000 streams, acknowledgement
// latency p50/p99 of the chunks sent in the window and its ratio to the
// first count's p99, and whether every chunk sent was acknowledged exactly
// once.
//
// The benchmark raises its own file-descriptor limit (the child inherits
// it); tractusd's defaults are untouched.
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_callback.h>
#include <sys/resource.h>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "device_gateway/telemetry.h"
#include "records/time_proto.h"
#include "tests/gateway_client.h"
#include "tests/subprocess.h"
#include "tests/test_accounts.h"
#include "tractus/v1/session.grpc.pb.h"

ABSL_FLAG(std::string, streams, "10,1000,10000", "counts of concurrent upload streams");
ABSL_FLAG(double, seconds, 60, "how long every stream is held open and sending, per count");
ABSL_FLAG(int, samples_per_s, 20, "samples a table records per second");
ABSL_FLAG(double, chunk_seconds, 3, "seconds between a table's chunks");
ABSL_FLAG(int, channels, 64, "connections the load generator spreads the streams over");
ABSL_FLAG(int, tables_per_clinic, 250,
          "tables enrolled per clinic (one episode each; a user holds at most 64 clinics)");
ABSL_FLAG(int, open_per_second, 2000, "streams opened per second while ramping up");
ABSL_FLAG(std::string, tractusd, "", "tractusd binary (default: beside this build)");

namespace tractus::bench {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "connections_bench: " << what << "\n";
  std::exit(1);
}

// Threads and resident memory (MiB) of a process, from /proc.
struct ProcessFigures {
  int threads = 0;
  double rss_mib = 0;
};
ProcessFigures Measure(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  ProcessFigures f;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (parts.size() < 2) continue;
    if (parts[0] == "Threads:") (void)absl::SimpleAtoi(parts[1], &f.threads);
    if (parts[0] == "VmRSS:") {
      double kb = 0;
      (void)absl::SimpleAtod(parts[1], &kb);
      f.rss_mib = kb / 1024;
    }
  }
  return f;
}

double Percentile(std::vector<float>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
  return v[k];
}

// The chunks every table sends (the same content; sessions differ by id).
std::vector<v1::UploadSessionRequest> MakeChunkRequests(int samples_per_chunk, int samples_per_s,
                                                        int count) {
  std::vector<v1::UploadSessionRequest> out(static_cast<size_t>(count));
  const int64_t step_ms = 1000 / samples_per_s;
  for (int seq = 0; seq < count; ++seq) {
    device_gateway::Samples s;
    for (int i = 0; i < samples_per_chunk; ++i) {
      s.offset_ms.push_back((int64_t{seq} * samples_per_chunk + i) * step_ms);
      s.measured_dn.push_back(3900 + (i % 7) * 10);
      s.target_dn.push_back(4000);
      s.angle_decideg.push_back(50);
      s.flags.push_back(0);
    }
    v1::TelemetryChunk* chunk = out[static_cast<size_t>(seq)].mutable_chunk();
    chunk->set_seq(static_cast<uint32_t>(seq));
    device_gateway::EncodeColumns(s, chunk);
  }
  return out;
}

// What all tables report to.
struct Tally {
  std::atomic<int64_t> opened{0};
  std::atomic<int64_t> refused{0};
  std::atomic<int64_t> ended{0};
};

// One table's upload stream on the callback client API. The pacer calls
// SendNext(); gRPC's threads call the reactions. One write at a time.
class Table final : public grpc::ClientBidiReactor<v1::UploadSessionRequest,
                                                     v1::UploadSessionResponse> {
 public:
  Table(const std::vector<v1::UploadSessionRequest>* chunks, Tally* tally)
      : chunks_(chunks), tally_(tally), sent_at_(chunks->size()), acks_(chunks->size(), 0) {}

  void Start(v1::DeviceService::Stub* stub, const std::string& credential,
             v1::SessionHeader header) {
    ctx_.AddMetadata("authorization", "Bearer " + credential);
    *header_.mutable_header() = std::move(header);
    header_.mutable_header()->set_ack_ranges(true);  // as the tables send it
    stub->async()->UploadSession(&ctx_, this);
    StartRead(&resp_);
    Write(&header_);
    StartCall();
  }

  // The next chunk, if the table is open and its last write is done (a
  // table that cannot keep up skips a beat; counted).
  void SendNext(Clock::time_point now) {
    absl::MutexLock lock(&mu_);
    if (!open_ || ending_ || next_ >= chunks_->size()) return;
    if (writing_) {
      ++skipped_;
      return;
    }
    sent_at_[next_] = now;
    WriteLocked(&(*chunks_)[next_++]);
  }

  void End() {
    absl::MutexLock lock(&mu_);
    if (ending_) return;
    ending_ = true;
    end_.mutable_end()->set_chunk_count(static_cast<uint32_t>(next_));
    end_.mutable_end()->set_outcome(v1::SESSION_OUTCOME_COMPLETED);
    end_wanted_ = true;
    if (!writing_ && open_) {
      end_wanted_ = false;
      WriteLocked(&end_);
    }
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (ok && end_wanted_) {
      end_wanted_ = false;
      WriteLocked(&end_);
    }
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    const Clock::time_point now = Clock::now();
    {
      absl::MutexLock lock(&mu_);
      if (resp_.has_header_ack()) {
        open_ = true;
        tally_->opened.fetch_add(1);
        if (end_wanted_ && !writing_) {  // asked to end before it was open
          end_wanted_ = false;
          WriteLocked(&end_);
        }
      } else if (resp_.has_chunk_ack()) {
        const uint32_t count = std::max<uint32_t>(1, resp_.chunk_ack().count());
        for (uint32_t i = 0; i < count; ++i) {
          const uint32_t seq = resp_.chunk_ack().seq() + i;
          if (seq >= acks_.size()) continue;
          if (++acks_[seq] == 1 && sent_at_[seq] >= window_start_ &&
              sent_at_[seq] < window_end_) {
            latencies_ms_.push_back(static_cast<float>(
                std::chrono::duration<double, std::milli>(now - sent_at_[seq]).count()));
          }
        }
      } else if (resp_.has_end_ack()) {
        end_acked_ = true;
      } else {
        std::cerr << "unexpected response: " << resp_.ShortDebugString() << "\n";
      }
    }
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& s) override {
    {
      absl::MutexLock lock(&mu_);
      status_ = s;
      done_ = true;
    }
    if (!s.ok()) tally_->refused.fetch_add(1);
    tally_->ended.fetch_add(1);
  }

  void SetWindow(Clock::time_point start, Clock::time_point end) {
    absl::MutexLock lock(&mu_);
    window_start_ = start;
    window_end_ = end;
  }

  struct Result {
    int64_t sent = 0, acked_once = 0, duplicates = 0, unacked = 0, skipped = 0;
    bool end_acked = false;
    grpc::Status status;
    std::vector<float> latencies_ms;
  };
  Result Take() {
    absl::MutexLock lock(&mu_);
    Result r;
    r.sent = static_cast<int64_t>(next_);
    for (size_t i = 0; i < next_; ++i) {
      if (acks_[i] == 1) ++r.acked_once;
      if (acks_[i] > 1) ++r.duplicates;
      if (acks_[i] == 0) ++r.unacked;
    }
    r.skipped = skipped_;
    r.end_acked = end_acked_;
    r.status = status_;
    r.latencies_ms = std::move(latencies_ms_);
    return r;
  }

 private:
  void WriteLocked(const v1::UploadSessionRequest* req) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    writing_ = true;
    StartWrite(req);
  }
  void Write(const v1::UploadSessionRequest* req) {
    absl::MutexLock lock(&mu_);
    WriteLocked(req);
  }

  grpc::ClientContext ctx_;
  const std::vector<v1::UploadSessionRequest>* const chunks_;
  Tally* const tally_;
  v1::UploadSessionRequest header_;
  v1::UploadSessionRequest end_;
  v1::UploadSessionResponse resp_;
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ending_ ABSL_GUARDED_BY(mu_) = false;
  bool end_wanted_ ABSL_GUARDED_BY(mu_) = false;
  bool end_acked_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t skipped_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Clock::time_point> sent_at_ ABSL_GUARDED_BY(mu_);
  std::vector<int> acks_ ABSL_GUARDED_BY(mu_);
  Clock::time_point window_start_ ABSL_GUARDED_BY(mu_) = Clock::time_point::max();
  Clock::time_point window_end_ ABSL_GUARDED_BY(mu_) = Clock::time_point::max();
  std::vector<float> latencies_ms_ ABSL_GUARDED_BY(mu_);
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

struct Row {
  int streams = 0;
  ProcessFigures idle, loaded;
  double p50 = 0, p99 = 0;
  int64_t sent = 0, acked_once = 0, duplicates = 0, unacked = 0, skipped = 0, refused = 0;
  int64_t ends_acked = 0;
};

std::string TractusdBinary() {
  std::string binary = absl::GetFlag(FLAGS_tractusd);
  if (!binary.empty()) return binary;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() /
          "services" / "tractusd")
      .string();
}

Row RunCount(int streams) {
  Row row;
  row.streams = streams;
  const std::string dir = absl::StrCat("/tmp/tractus-connections-", getpid(), "-", streams);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::Subprocess tractusd({TractusdBinary(), "--listen=127.0.0.1:0", "--data_dir=" + dir + "/data",
                                "--rate_limit_qps=0", "--log_level=warn",
                                absl::StrCat("--max_upload_streams=", streams + 16)});
  const std::string address = tractusd.WaitForLine("tractusd listening on ", absl::Seconds(120));
  if (address.empty()) Die("tractusd did not start: " + tractusd.output());
  auto keys = testing::MakeTestKeys(address, dir + "/data/bootstrap-admin.key");
  if (!keys.ok()) Die(keys.status().ToString());

  // Enrollment: a clinic and an episode per --tables_per_clinic tables.
  const int per_clinic = std::max(1, absl::GetFlag(FLAGS_tables_per_clinic));
  const int clinics = (streams + per_clinic - 1) / per_clinic;
  std::vector<std::string> episodes(static_cast<size_t>(clinics));
  std::vector<std::string> credentials(static_cast<size_t>(streams));
  std::vector<std::string> clinic_ids(static_cast<size_t>(clinics));
  {
    // Clinics one at a time (each is granted to the test clinician: a
    // read-modify-write of that user), tables in parallel.
    testing::GatewayClient gateway(address, *keys);
    for (int c = 0; c < clinics; ++c) {
      episodes[static_cast<size_t>(c)] =
          gateway.MakeEpisode(absl::StrCat("conn", c), &clinic_ids[static_cast<size_t>(c)]);
    }
    std::vector<std::thread> workers;
    const int threads = 8;
    for (int w = 0; w < threads; ++w) {
      workers.emplace_back([&, w] {
        testing::GatewayClient enroller(address, *keys);
        for (int t = w; t < streams; t += threads) {
          credentials[static_cast<size_t>(t)] = enroller.Enroll(
              clinic_ids[static_cast<size_t>(t / per_clinic)], absl::StrCat("CONN-", t));
        }
      });
    }
    for (auto& w : workers) w.join();
  }
  absl::SleepFor(absl::Seconds(2));
  row.idle = Measure(tractusd.pid());

  // The load generator's connections: distinct channel arguments so that
  // gRPC does not share one connection among them.
  const int channel_count = std::max(1, std::min(absl::GetFlag(FLAGS_channels), streams));
  std::vector<std::unique_ptr<v1::DeviceService::Stub>> stubs;
  for (int i = 0; i < channel_count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("tractus.bench.connection", i);
    stubs.push_back(v1::DeviceService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
  const double chunk_seconds = absl::GetFlag(FLAGS_chunk_seconds);
  const int samples_per_s = absl::GetFlag(FLAGS_samples_per_s);
  const int samples_per_chunk = std::max(1, static_cast<int>(samples_per_s * chunk_seconds));
  const double hold = absl::GetFlag(FLAGS_seconds);
  const int chunk_count =
      static_cast<int>((hold + streams / absl::GetFlag(FLAGS_open_per_second) + 60) /
                       chunk_seconds) + 8;
  const std::vector<v1::UploadSessionRequest> chunks =
      MakeChunkRequests(samples_per_chunk, samples_per_s, chunk_count);

  Tally tally;
  std::vector<std::unique_ptr<Table>> tables;
  tables.reserve(static_cast<size_t>(streams));
  const absl::Time now = absl::Now();
  // Open the streams at --open_per_second, the pacer sending as they open.
  std::atomic<bool> pacing{true};
  absl::Mutex tables_mu;
  size_t started = 0;
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(chunk_seconds));
  std::thread pacer([&] {
    std::vector<Clock::time_point> due;
    while (pacing.load()) {
      size_t n;
      {
        absl::MutexLock lock(&tables_mu);
        n = started;
      }
      const Clock::time_point t = Clock::now();
      while (due.size() < n) {  // staggered over one period
        due.push_back(t + std::chrono::duration_cast<Clock::duration>(
                              period * (static_cast<double>(due.size() % 997) / 997.0)));
      }
      for (size_t i = 0; i < n; ++i) {
        if (due[i] <= t) {
          tables[i]->SendNext(t);
          due[i] += period;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const int per_second = std::max(1, absl::GetFlag(FLAGS_open_per_second));
  const absl::Time open_start = absl::Now();
  for (int i = 0; i < streams; ++i) {
    auto table = std::make_unique<Table>(&chunks, &tally);
    v1::SessionHeader header = testing::GatewayClient::Header(
        absl::StrCat("conn-", i), episodes[static_cast<size_t>(i / per_clinic)],
        now - absl::Minutes(10), now);
    Table* raw = table.get();
    {
      absl::MutexLock lock(&tables_mu);
      tables.push_back(std::move(table));
    }
    raw->Start(stubs[static_cast<size_t>(i % channel_count)].get(),
               credentials[static_cast<size_t>(i)], std::move(header));
    {
      absl::MutexLock lock(&tables_mu);
      started = tables.size();
    }
    const absl::Time due = open_start + absl::Seconds(static_cast<double>(i + 1) / per_second);
    if (due > absl::Now()) absl::SleepFor(due - absl::Now());
  }
  // Every stream open (or refused), then a period so every table sends.
  const absl::Time open_deadline = absl::Now() + absl::Seconds(120);
  while (tally.opened.load() + tally.refused.load() < streams && absl::Now() < open_deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  absl::SleepFor(absl::Seconds(chunk_seconds));
  const Clock::time_point window_start = Clock::now();
  const Clock::time_point window_end =
      window_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(hold));
  for (auto& t : tables) t->SetWindow(window_start, window_end);
  // Threads and memory in the middle of the window, and at its end.
  std::this_thread::sleep_until(window_start + (window_end - window_start) / 2);
  const ProcessFigures mid = Measure(tractusd.pid());
  std::this_thread::sleep_until(window_end);
  const ProcessFigures end = Measure(tractusd.pid());
  row.loaded = end.rss_mib > mid.rss_mib ? end : mid;
  row.loaded.threads = std::max(mid.threads, end.threads);
  pacing = false;
  pacer.join();
  // Let the last chunks be acknowledged, then end every session.
  absl::SleepFor(absl::Seconds(2));
  for (auto& t : tables) t->End();
  const absl::Time end_deadline = absl::Now() + absl::Seconds(120);
  while (tally.ended.load() < streams && absl::Now() < end_deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  if (tally.ended.load() < streams) Die("streams did not end within 120 s");

  std::vector<float> latencies;
  for (auto& t : tables) {
    Table::Result r = t->Take();
    row.sent += r.sent;
    row.acked_once += r.acked_once;
    row.duplicates += r.duplicates;
    row.unacked += r.unacked;
    row.skipped += r.skipped;
    if (r.end_acked) ++row.ends_acked;
    if (!r.status.ok()) {
      if (row.refused++ < 3) {
        std::cerr << "stream ended " << r.status.error_code() << ": " << r.status.error_message()
                  << "\n";
      }
    }
    latencies.insert(latencies.end(), r.latencies_ms.begin(), r.latencies_ms.end());
  }
  row.p50 = Percentile(latencies, 0.50);
  row.p99 = Percentile(latencies, 0.99);
  tables.clear();
  stubs.clear();
  tractusd.Signal(SIGTERM);
  tractusd.Wait(absl::Seconds(60));
  std::filesystem::remove_all(dir);
  return row;
}

void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int Main() {
  RaiseFileLimit();
  std::vector<int> counts;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_streams), ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(s, &n) || n < 1) Die(absl::StrCat("bad --streams entry: ", s));
    counts.push_back(n);
  }
  std::printf("connections: paced tables (%d samples/s, a chunk every %.1f s), %.0f s held, "
              "%d connections, synced WAL\n",
              absl::GetFlag(FLAGS_samples_per_s), absl::GetFlag(FLAGS_chunk_seconds),
              absl::GetFlag(FLAGS_seconds), absl::GetFlag(FLAGS_channels));
  std::printf("  %8s %8s %8s %9s %9s %12s %9s %9s %7s %s\n", "streams", "threads", "idle thr",
              "RSS MiB", "idle MiB", "MiB/1000 str", "ack p50", "ack p99", "p99 x", "chunks");
  double first_p99 = 0;
  bool all_once = true;
  for (int n : counts) {
    const Row r = RunCount(n);
    if (first_p99 == 0) first_p99 = r.p99;
    const double per_1000 = (r.loaded.rss_mib - r.idle.rss_mib) / n * 1000;
    const bool once = r.duplicates == 0 && r.unacked == 0 && r.refused == 0 &&
                      r.ends_acked == n;
    all_once = all_once && once;
    std::printf("  %8d %8d %8d %9.1f %9.1f %12.1f %7.2fms %7.2fms %7.2f %s: %lld sent, %lld acked "
                "once, %lld twice, %lld never, %lld beats skipped, %lld/%d ends acked\n",
                n, r.loaded.threads, r.idle.threads, r.loaded.rss_mib, r.idle.rss_mib, per_1000,
                r.p50, r.p99, first_p99 > 0 ? r.p99 / first_p99 : 0, once ? "ok" : "LOST",
                static_cast<long long>(r.sent), static_cast<long long>(r.acked_once),
                static_cast<long long>(r.duplicates), static_cast<long long>(r.unacked),
                static_cast<long long>(r.skipped), static_cast<long long>(r.ends_acked), n);
    std::fflush(stdout);
  }
  return all_once ? 0 : 1;
}

}  // namespace
}  // namespace tractus::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tractus::bench::Main();
}
