#include "outcomes/summary_snapshot.h"

#include "absl/base/casts.h"
#include "common/fnv.h"
#include "storage/key_codec.h"

namespace tractus::outcomes {
namespace {

// Bumped when the layout changes (a new build is refused anyway).
constexpr absl::string_view kMagic = "tractus cohort summaries v1\n";

enum Flag : uint8_t {
  kBaseline = 1,
  kLatest = 2,
  kFirstSustained = 4,
  kResponder = 8,
  kDroppedOut = 16,
};

void F64(storage::KeyWriter& w, double v) { w.U64(absl::bit_cast<uint64_t>(v)); }

bool F64(storage::KeyReader& r, double* v) {
  uint64_t bits;
  if (!r.U64(&bits)) return false;
  *v = absl::bit_cast<double>(bits);
  return true;
}

bool Optional(storage::KeyReader& r, bool present, std::optional<double>* out) {
  if (!present) return true;
  double v;
  if (!F64(r, &v)) return false;
  *out = v;
  return true;
}

void EncodeSummary(storage::KeyWriter& w, const analytics::EpisodeSummary& s) {
  uint8_t flags = 0;
  if (s.baseline) flags |= kBaseline;
  if (s.latest) flags |= kLatest;
  if (s.first_sustained_response_week) flags |= kFirstSustained;
  if (s.responder) flags |= kResponder;
  if (s.dropped_out) flags |= kDroppedOut;
  w.U8(flags);
  uint16_t weeks = 0;
  for (size_t i = 0; i < s.weekly.size(); ++i) {
    if (s.weekly[i]) weeks |= static_cast<uint16_t>(1u << i);
  }
  w.U16(weeks);
  if (s.baseline) F64(w, *s.baseline);
  for (const std::optional<double>& week : s.weekly) {
    if (week) F64(w, *week);
  }
  if (s.latest) F64(w, *s.latest);
  w.I64(s.last_week);
  if (s.first_sustained_response_week) w.I64(*s.first_sustained_response_week);
  F64(w, s.dose_newton_seconds);
}

bool DecodeSummary(storage::KeyReader& r, analytics::EpisodeSummary* s) {
  uint8_t flags;
  uint16_t weeks;
  if (!r.U8(&flags) || !r.U16(&weeks) || !Optional(r, flags & kBaseline, &s->baseline)) {
    return false;
  }
  if ((weeks >> s->weekly.size()) != 0) return false;
  for (size_t i = 0; i < s->weekly.size(); ++i) {
    if (!Optional(r, (weeks >> i) & 1, &s->weekly[i])) return false;
  }
  int64_t last_week;
  if (!Optional(r, flags & kLatest, &s->latest) || !r.I64(&last_week)) return false;
  s->last_week = static_cast<int>(last_week);
  if (flags & kFirstSustained) {
    int64_t week;
    if (!r.I64(&week)) return false;
    s->first_sustained_response_week = static_cast<int>(week);
  }
  s->responder = flags & kResponder;
  s->dropped_out = flags & kDroppedOut;
  return F64(r, &s->dose_newton_seconds);
}

}  // namespace

std::string EncodeSummarySnapshot(const SummarySnapshot& snapshot) {
  storage::KeyWriter w;
  w.Str(snapshot.build_id).Str(snapshot.store_identity).U64(snapshot.sequence);
  w.U64(snapshot.summaries.size());
  for (const auto& [episode_id, summary] : snapshot.summaries) {
    w.Str(episode_id);
    EncodeSummary(w, summary);
  }
  std::string out(kMagic);
  out += w.key();
  storage::KeyWriter sum;
  sum.U64(Fnv1a64(out));
  out += sum.key();
  return out;
}

absl::StatusOr<SummarySnapshot> DecodeSummarySnapshot(absl::string_view bytes) {
  const auto damaged = [] { return absl::DataLossError("not a whole cohort summary snapshot"); };
  if (bytes.size() < kMagic.size() + 8 || bytes.substr(0, kMagic.size()) != kMagic) {
    return damaged();
  }
  const absl::string_view body = bytes.substr(0, bytes.size() - 8);
  storage::KeyReader trailer(bytes.substr(bytes.size() - 8));
  uint64_t checksum;
  if (!trailer.U64(&checksum) || checksum != Fnv1a64(body)) return damaged();

  storage::KeyReader r(body.substr(kMagic.size()));
  SummarySnapshot s;
  uint64_t count;
  if (!r.Str(&s.build_id) || !r.Str(&s.store_identity) || !r.U64(&s.sequence) || !r.U64(&count)) {
    return damaged();
  }
  s.summaries.reserve(std::min<uint64_t>(count, body.size() / 16));
  for (uint64_t i = 0; i < count; ++i) {
    auto& [episode_id, summary] = s.summaries.emplace_back();
    if (!r.Str(&episode_id) || !DecodeSummary(r, &summary)) return damaged();
  }
  if (!r.done()) return damaged();
  return s;
}

}  // namespace tractus::outcomes
