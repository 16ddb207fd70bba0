#include "bench/upload_load.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "device_gateway/test_chunks.h"
#include "device_gateway/uploads.h"
#include "tests/gateway_client.h"

namespace tractus::bench {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

SerializedRequest Serialized(const v1::UploadSessionRequest& request) {
  const std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  return SerializedRequest{grpc::ByteBuffer(&slice, 1)};
}

void SessionChunks::Add(v1::TelemetryChunk chunk) {
  sizes.push_back(static_cast<int64_t>(chunk.ByteSizeLong()));
  bytes += sizes.back();
  v1::UploadSessionRequest request;
  *request.mutable_chunk() = chunk;
  requests.push_back(Serialized(request));
  chunks.push_back(std::move(chunk));
}

SessionChunks MakeChunks(int chunk_samples) {
  SessionChunks s;
  const int count = 90 * 60 * 10 * 3 / chunk_samples - 1;  // within 3 x planned minutes
  for (int i = 0; i < count; ++i) s.Add(device_gateway::TestChunk(i, chunk_samples, 390));
  return s;
}

grpc::Status NullSink::UploadSession(
    grpc::ServerContext*,
    grpc::ServerReaderWriter<v1::UploadSessionResponse, v1::UploadSessionRequest>* stream) {
  // A reader (this thread) and a writer thread, as Tractus's pipeline: the
  // writer answers everything read since its last write by Tractus's rule
  // (Uploads::Acknowledgements: a run of chunks in one ChunkAck when the
  // table takes ranges), with nothing committed.
  using device_gateway::Uploads;
  struct Pending {
    std::vector<Uploads::ChunkDecision> decisions;
    bool reading = true;
    bool ranges = false;
    bool Ready() const { return !decisions.empty() || !reading; }
  };
  absl::Mutex mu;
  Pending pending;
  std::thread writer([&] {
    std::vector<Uploads::ChunkDecision> batch;
    for (;;) {
      bool ranges;
      {
        absl::MutexLock lock(&mu);
        mu.Await(absl::Condition(&pending, &Pending::Ready));
        if (pending.decisions.empty()) return;
        batch.swap(pending.decisions);
        ranges = pending.ranges;
      }
      for (const v1::UploadSessionResponse& resp : Uploads::Acknowledgements(batch, ranges)) {
        if (!stream->Write(resp)) return;
      }
      batch.clear();
    }
  });
  v1::UploadSessionRequest req;
  while (stream->Read(&req)) {
    absl::MutexLock lock(&mu);
    v1::UploadSessionResponse resp;
    if (req.has_header()) {
      pending.ranges = req.header().ack_ranges();
      resp.mutable_header_ack();
    } else if (req.has_chunk()) {
      Uploads::AcceptedChunk chunk;
      chunk.seq = req.chunk().seq();
      pending.decisions.emplace_back(std::move(chunk));
      continue;
    } else {
      resp.mutable_end_ack();
    }
    pending.decisions.emplace_back(std::move(resp));
  }
  {
    absl::MutexLock lock(&mu);
    pending.reading = false;
  }
  writer.join();
  return grpc::Status::OK;
}

Rate Upload(const std::shared_ptr<grpc::Channel>& channel, const SessionChunks& session,
            const UploadOptions& options) {
  const std::vector<std::string>& credentials = options.credentials;
  const std::string& episode_id = options.episode_id;
  const int streams = options.streams;
  const int window = options.window;
  std::atomic<int64_t> samples{0}, bytes{0};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> session_counter{0};
  const std::string method_name =
      absl::StrCat("/", v1::DeviceService::service_full_name(), "/UploadSession");
  const grpc::internal::RpcMethod method(method_name.c_str(),
                                         grpc::internal::RpcMethod::BIDI_STREAMING, channel);
  std::vector<std::thread> threads;
  for (int t = 0; t < streams; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load() && !(options.stop && options.stop->load())) {
        const int64_t number = session_counter.fetch_add(1);
        if (options.max_sessions > 0 && number >= options.max_sessions) return;
        auto ctx = testing::GatewayClient::Context(
            credentials.empty() ? "" : credentials[t % credentials.size()], absl::Minutes(10));
        // What the generated stub does, with requests sent as serialized.
        std::unique_ptr<grpc::ClientReaderWriter<SerializedRequest, v1::UploadSessionResponse>>
            stream(grpc::internal::ClientReaderWriterFactory<
                   SerializedRequest, v1::UploadSessionResponse>::Create(channel.get(), method,
                                                                         ctx.get()));
        v1::UploadSessionRequest req;
        *req.mutable_header() = testing::GatewayClient::Header(
            absl::StrCat("bench-", t, "-", number, "-", absl::ToUnixNanos(absl::Now())),
            episode_id, absl::Now() - absl::Hours(2), absl::Now());
        req.mutable_header()->mutable_protocol()->set_planned_minutes(90);
        req.mutable_header()->set_ack_ranges(true);  // as the tables send it
        v1::UploadSessionResponse resp;
        if (!stream->Write(Serialized(req)) || !stream->Read(&resp) || !resp.has_header_ack()) {
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
          for (int acked = 0; acked < n && stream->Read(&ack);) {
            if (!ack.has_chunk_ack()) {
              std::cerr << "chunk not acknowledged: " << ack.DebugString() << "\n";
              break;
            }
            const int count = static_cast<int>(std::max<uint32_t>(1, ack.chunk_ack().count()));
            for (int i = 0; i < count; ++i) {
              samples += session.chunks[ack.chunk_ack().seq() + i].offset_ms_size();
              bytes += session.sizes[ack.chunk_ack().seq() + i];
            }
            acked += count;
            absl::MutexLock lock(&mu);
            w.in_flight -= count;
          }
          absl::MutexLock lock(&mu);
          w.reader_done = true;
        });
        int sent = 0;
        const double stream_rate = options.samples_per_s / streams;
        absl::Time due = absl::Now();
        for (; sent < n && !stop.load(); ++sent) {
          if (stream_rate > 0) {
            const absl::Time now = absl::Now();
            if (due > now) absl::SleepFor(due - now);
            due += absl::Seconds(session.chunks[sent].offset_ms_size() / stream_rate);
          }
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
          stream->Write(Serialized(end));
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
  if (options.max_sessions > 0) {
    for (auto& t : threads) t.join();
    const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
    return Rate{samples.load() / elapsed, bytes.load() / elapsed};
  }
  const absl::Time end = start + absl::Seconds(options.seconds);
  while (absl::Now() < end && !(options.stop && options.stop->load())) {
    absl::SleepFor(std::min(absl::Milliseconds(50), end - absl::Now()));
  }
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  Rate r{(samples.load() - samples0) / elapsed, (bytes.load() - bytes0) / elapsed};
  stop = true;
  for (auto& t : threads) t.join();
  return r;
}


}  // namespace tractus::bench
