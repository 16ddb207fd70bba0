// Cohorts across shards of a deployment sharded by clinic. A shard seals
// the episode summaries of its part of a cohort into a share; the client
// carries every shard's share to one shard, which opens them, checks that
// they belong together, and computes the cohort on the union, suppressing
// small cells on the whole exactly as one server holding all the data would.
//
// A share is bound to the cohort request (CohortDigest), to the client's
// merge id and to the shard that made it, and expires after kShareLifetime:
// a client cannot mix shares of different cohorts, count a shard twice to
// lift a small cell over the suppression threshold, or read any share.
#ifndef TRACTUS_OUTCOMES_COHORT_SHARES_H_
#define TRACTUS_OUTCOMES_COHORT_SHARES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/cohort.h"
#include "common/clock.h"
#include "common/sealed_box.h"
#include "tractus/v1/outcomes.pb.h"

namespace tractus::outcomes {

inline constexpr absl::Duration kShareLifetime = absl::Minutes(10);

// SHA-256 of the cohort's condition, date range and (sorted) clinic ids.
std::string CohortDigest(const v1::GetCohortOutcomesRequest& cohort);

// INVALID_ARGUMENT naming "merge_id" unless 16..64 of [A-Za-z0-9._:-].
absl::Status CheckMergeId(const std::string& merge_id);

struct OpenedShares {
  std::vector<analytics::EpisodeSummary> episodes;
  std::vector<std::string> shard_ids;
};

class CohortShares {
 public:
  // `cluster_secret`: the contents of --cluster_key_file, the same on every
  // shard (>= 32 bytes). `clock` must outlive this object.
  static absl::StatusOr<CohortShares> Create(const std::string& cluster_secret,
                                             std::string shard_id, const Clock* clock);

  // The sealed share of `episodes` for the cohort `cohort` (as the client
  // sent it) and `merge_id` (checked by the caller).
  v1::GetCohortPartialResponse Seal(const v1::GetCohortOutcomesRequest& cohort,
                                    const std::string& merge_id,
                                    const std::vector<analytics::EpisodeSummary>& episodes) const;

  // Opens and checks every share of `req` (errors name partials[i]).
  absl::StatusOr<OpenedShares> Open(const v1::MergeCohortPartialsRequest& req) const;

  const std::string& shard_id() const { return shard_id_; }

 private:
  CohortShares(SealedBox box, std::string shard_id, const Clock* clock)
      : box_(std::move(box)), shard_id_(std::move(shard_id)), clock_(clock) {}

  SealedBox box_;
  std::string shard_id_;
  const Clock* clock_;
};

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_COHORT_SHARES_H_
