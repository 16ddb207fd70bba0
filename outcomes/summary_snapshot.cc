#include "outcomes/summary_snapshot.h"

#include "common/fnv.h"
#include "outcomes/summary_record.h"
#include "storage/key_codec.h"

namespace tractus::outcomes {
namespace {

// Bumped when the layout changes (a new build is refused anyway).
constexpr absl::string_view kMagic = "tractus cohort summaries v2\n";

}  // namespace

std::string EncodeSummarySnapshot(const SummarySnapshot& snapshot) {
  storage::KeyWriter w;
  w.Str(snapshot.build_id).Str(snapshot.store_identity).U64(snapshot.sequence);
  w.U64(snapshot.summaries.size());
  for (const auto& [episode_id, summary] : snapshot.summaries) {
    w.Str(episode_id).Str(ToRecord(summary).SerializeAsString());
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
    std::string bytes;
    internal::v1::EpisodeSummaryRecord record;
    if (!r.Str(&episode_id) || !r.Str(&bytes) || !record.ParseFromString(bytes) ||
        !FromRecord(record, &summary)) {
      return damaged();
    }
  }
  if (!r.done()) return damaged();
  return s;
}

}  // namespace tractus::outcomes
