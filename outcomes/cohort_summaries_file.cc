// Outcomes: saving the cohort summaries at a clean shutdown and taking them
// back at the next start (summary_snapshot.h).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "common/build_id.h"
#include "outcomes/outcomes.h"
#include "outcomes/summary_snapshot.h"
#include "storage/store.h"

namespace tractus::outcomes {

absl::Status Outcomes::SaveCohortSummaries(const std::string& path) const {
  SummarySnapshot snapshot;
  snapshot.build_id = ProgramBuildId();
  snapshot.store_identity = store_->identity();
  snapshot.sequence = store_->LatestSequence();
  summaries_.ForEach([&](const std::string& episode_id, const analytics::EpisodeSummary& s) {
    snapshot.summaries.emplace_back(episode_id, s);
  });
  // Written aside and renamed: a reader sees a whole file or none (and a
  // torn one fails its checksum).
  const std::string partial = path + ".partial";
  std::error_code ec;
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    // Outcome figures of patients: the owner's only (before any is written).
    std::filesystem::permissions(
        partial, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (!ec) out << EncodeSummarySnapshot(snapshot);
    out.close();
    if (ec || !out) {
      std::filesystem::remove(partial, ec);
      return absl::UnavailableError(absl::StrCat("cannot write ", partial));
    }
  }
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot rename to ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

size_t Outcomes::LoadCohortSummaries(const std::string& path, std::string* why_not) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      *why_not = "no snapshot (the last stop was not clean, or this is the first start)";
      return 0;
    }
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Used once: the store changes from now on.
  std::error_code ec;
  std::filesystem::remove(path, ec);
  absl::StatusOr<SummarySnapshot> snapshot = DecodeSummarySnapshot(bytes);
  if (!snapshot.ok()) {
    *why_not = std::string(snapshot.status().message());
    return 0;
  }
  if (ProgramBuildId().empty() || snapshot->build_id != ProgramBuildId()) {
    *why_not = "saved by another build of tractusd";
    return 0;
  }
  if (store_->identity().empty() || snapshot->store_identity != store_->identity()) {
    *why_not = "saved for another database";
    return 0;
  }
  if (snapshot->sequence != store_->OpenedAtSequence()) {
    *why_not = "the database changed after it was saved";
    return 0;
  }
  for (auto& [episode_id, summary] : snapshot->summaries) {
    summaries_.Put(episode_id, std::move(summary));
  }
  return snapshot->summaries.size();
}

}  // namespace tractus::outcomes
