#include "cli/verify_ledger.h"

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace tractus::cli {
namespace {

struct SessionLedger {
  std::map<uint32_t, int> chunks;  // seq -> samples
  bool final = false;
  std::string episode_id;
  uint32_t chunk_count = 0;
  int pre = -1;
  int post = -1;
};

}  // namespace

int VerifyLedger(const Client& client, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  std::map<std::string, SessionLedger> sessions;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind, id;
    fields >> kind >> id;
    SessionLedger& s = sessions[id];
    if (kind == "chunk") {
      uint32_t seq;
      int samples;
      fields >> seq >> samples;
      s.chunks[seq] = samples;
    } else if (kind == "final") {
      s.final = true;
      fields >> s.episode_id >> s.chunk_count >> s.pre >> s.post;
    }
  }

  int64_t acknowledged = 0, verified = 0, lost = 0, duplicated = 0;
  int finals = 0, finals_ok = 0, pain_expected = 0, pain_ok = 0, read_errors = 0;
  std::map<std::string, std::map<std::string, int>> pain_ids;  // episode -> id -> count
  for (auto& [id, s] : sessions) {
    acknowledged += static_cast<int64_t>(s.chunks.size());
    // What is stored: samples by time, read back in seq order.
    // Reads the session's samples, waiting out rate limits as told.
    std::vector<int64_t> offsets;
    grpc::Status st;
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto ctx = std::make_unique<grpc::ClientContext>();
      ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::ReadTelemetryRequest read;
      read.set_session_id(id);
      auto reader = client.sessions()->ReadTelemetry(ctx.get(), read);
      offsets.clear();
      v1::ReadTelemetryResponse part;
      while (reader->Read(&part)) {
        offsets.insert(offsets.end(), part.offset_ms().begin(), part.offset_ms().end());
      }
      st = reader->Finish();
      const std::optional<absl::Duration> delay = RetryDelayOf(st);
      if (!delay.has_value()) break;
      absl::SleepFor(*delay);
    }
    if (!st.ok()) {
      ++read_errors;
      std::cerr << "session " << id << ": " << FromGrpc(st) << "\n";
    }
    int64_t expected_samples = 0;
    for (const auto& [seq, samples] : s.chunks) expected_samples += samples;
    bool increasing = true;
    for (size_t i = 1; i < offsets.size(); ++i) increasing &= offsets[i] > offsets[i - 1];
    if (!st.ok()) {
      lost += static_cast<int64_t>(s.chunks.size());
      continue;
    }
    // Stored chunks may exceed acknowledged ones (written, ack lost in a
    // crash); fewer samples than acknowledged means loss, repeated time
    // means duplication.
    if (!increasing) {
      ++duplicated;
    }
    if (static_cast<int64_t>(offsets.size()) < expected_samples) {
      lost += static_cast<int64_t>(s.chunks.size());
    } else {
      verified += static_cast<int64_t>(s.chunks.size());
    }
    if (s.final) {
      ++finals;
      v1::GetSessionRequest get;
      get.set_session_id(id);
      auto session = client.Call(&v1::SessionService::Stub::GetSession, client.sessions(), get);
      if (session.ok() && session->session().finalized() &&
          session->session().chunk_count() == s.chunk_count &&
          session->session().summary().sample_count() == static_cast<int64_t>(offsets.size())) {
        ++finals_ok;
      }
      if (s.pre >= 0) ++pain_expected;
      if (s.post >= 0) ++pain_expected;
      if (!pain_ids.count(s.episode_id)) {
        v1::ListObservationsRequest list;
        list.set_episode_id(s.episode_id);
        list.set_instrument(v1::INSTRUMENT_NPRS);
        list.set_page_size(1000);
        auto& counts = pain_ids[s.episode_id];
        do {
          auto page = client.Call(&v1::ObservationService::Stub::ListObservations,
                                  client.observations(), list);
          if (!page.ok()) break;
          for (const auto& o : page->observations()) counts[o.observation_id()]++;
          list.set_page_token(page->next_page_token());
        } while (!list.page_token().empty());
      }
      auto& counts = pain_ids[s.episode_id];
      for (const char* which : {"pre", "post"}) {
        const int value = std::string(which) == "pre" ? s.pre : s.post;
        if (value < 0) continue;
        const int n = counts["session." + id + "." + which];
        if (n == 1) ++pain_ok;
        if (n > 1) ++duplicated;
      }
    }
  }
  const int64_t lost_pain = pain_expected - pain_ok;
  std::cout << absl::StrFormat(
      "sessions %d  finalized %d (intact %d)  chunks acknowledged %d  verified %d  lost %d  "
      "duplicated %d  console pain observations %d (present once %d)\n",
      sessions.size(), finals, finals_ok, acknowledged, verified, lost, duplicated,
      pain_expected, pain_ok);
  if (read_errors > 0) {
    std::cout << read_errors << " sessions could not be read (counted as lost above)\n";
  }
  return lost == 0 && duplicated == 0 && finals == finals_ok && lost_pain == 0 ? 0 : 1;
}

}  // namespace tractus::cli
