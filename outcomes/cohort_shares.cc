#include "outcomes/cohort_shares.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/secrets.h"
#include "outcomes/summary_record.h"
#include "tractus/internal/v1/outcome_records.pb.h"

namespace tractus::outcomes {
namespace {

constexpr int kMaxShares = 64;

std::string DateText(bool has, const v1::Date& d) {
  return has ? absl::StrCat(d.year(), "-", d.month(), "-", d.day()) : "*";
}

}  // namespace

std::string CohortDigest(const v1::GetCohortOutcomesRequest& cohort) {
  std::vector<std::string> clinics(cohort.clinic_ids().begin(), cohort.clinic_ids().end());
  std::sort(clinics.begin(), clinics.end());
  clinics.erase(std::unique(clinics.begin(), clinics.end()), clinics.end());
  return Sha256(absl::StrCat("cohort/v1|", cohort.condition(), "|",
                             DateText(cohort.has_start_from(), cohort.start_from()), "|",
                             DateText(cohort.has_start_to(), cohort.start_to()), "|",
                             absl::StrJoin(clinics, ",")));
}

absl::Status CheckMergeId(const std::string& merge_id) {
  const bool ok = merge_id.size() >= 16 && merge_id.size() <= 64 &&
                  std::all_of(merge_id.begin(), merge_id.end(), [](char c) {
                    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
                  });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError("merge_id: required, 16..64 of [A-Za-z0-9._:-]");
}

absl::StatusOr<CohortShares> CohortShares::Create(const std::string& cluster_secret,
                                                  std::string shard_id, const Clock* clock) {
  auto box = SealedBox::Create(cluster_secret, "tractus cohort share v1");
  if (!box.ok()) {
    return absl::InvalidArgumentError("cluster key: needs at least 32 bytes of secret");
  }
  return CohortShares(std::move(*box), std::move(shard_id), clock);
}

v1::GetCohortPartialResponse CohortShares::Seal(
    const v1::GetCohortOutcomesRequest& cohort, const std::string& merge_id,
    const std::vector<analytics::EpisodeSummary>& episodes) const {
  internal::v1::CohortShare share;
  share.set_shard_id(shard_id_);
  share.set_merge_id(merge_id);
  share.set_cohort_digest(CohortDigest(cohort));
  share.set_create_unix_seconds(absl::ToUnixSeconds(clock_->Now()));
  for (const analytics::EpisodeSummary& e : episodes) *share.add_episodes() = ToRecord(e);
  v1::GetCohortPartialResponse resp;
  resp.set_shard_id(shard_id_);
  resp.set_sealed(box_.Seal(share.SerializeAsString()));
  return resp;
}

absl::StatusOr<OpenedShares> CohortShares::Open(const v1::MergeCohortPartialsRequest& req) const {
  if (absl::Status id = CheckMergeId(req.merge_id()); !id.ok()) return id;
  if (req.partials().empty() || req.partials_size() > kMaxShares) {
    return absl::InvalidArgumentError(
        absl::StrCat("partials: 1..", kMaxShares, " shares, one per shard"));
  }
  const std::string digest = CohortDigest(req.cohort());
  const absl::Time now = clock_->Now();
  OpenedShares opened;
  std::set<std::string> seen;
  for (int i = 0; i < req.partials_size(); ++i) {
    const std::string field = absl::StrCat("partials[", i, "]");
    auto plain = box_.Open(req.partials(i));
    internal::v1::CohortShare share;
    if (!plain.ok() || !share.ParseFromString(*plain)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": not a share sealed by a shard of this cluster"));
    }
    if (share.merge_id() != req.merge_id() || share.cohort_digest() != digest) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": belongs to another cohort or merge_id"));
    }
    if (!seen.insert(share.shard_id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": shard ", share.shard_id(), " is already in the merge"));
    }
    const absl::Time made = absl::FromUnixSeconds(share.create_unix_seconds());
    if (now - made > kShareLifetime || made - now > kShareLifetime) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": the share expired; ask every shard again"));
    }
    for (const auto& record : share.episodes()) {
      analytics::EpisodeSummary s;
      if (!FromRecord(record, &s)) {
        return absl::InvalidArgumentError(absl::StrCat(field, ": malformed episode summary"));
      }
      opened.episodes.push_back(std::move(s));
    }
    opened.shard_ids.push_back(share.shard_id());
  }
  return opened;
}

}  // namespace tractus::outcomes
