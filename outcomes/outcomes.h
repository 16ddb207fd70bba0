// Outcomes: the clinician's views computed from an episode's records —
// per-measure progress, the treatment course, the alerts in force — and a
// clinic's patients ranked by urgency. Reads go through records::Records
// and device_gateway::Uploads (one episode's key ranges); the arithmetic is
// analytics/.
//
// Alerts are evaluated from the data and the current time whenever they are
// read, so a new report or session shows at once and nothing waits on a
// timer. As an EpisodeListener it also recomputes an episode's alerts when
// its data changes and streams the new ones (AlertHub).
//
// Similar-patient references (completed episodes of a condition and
// baseline band) are cached and recomputed after an episode closes. Two
// per-episode values are cached until the episode changes
// (episode_cache.h): the summary cohorts and references use (every episode
// asked for is kept, about 0.4 KB each) and the part of the progress view
// that does not depend on the time of asking (the most recently used, up
// to a byte budget), so a progress call reads no records when its episode
// is cached.
//
// Thread-safe.
#ifndef TRACTUS_OUTCOMES_OUTCOMES_H_
#define TRACTUS_OUTCOMES_OUTCOMES_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "analytics/alerts.h"
#include "analytics/cohort.h"
#include "analytics/measure_progress.h"
#include "device_gateway/uploads.h"
#include "outcomes/alert_hub.h"
#include "outcomes/cohort_shares.h"
#include "outcomes/episode_cache.h"
#include "records/episode_listener.h"
#include "records/records.h"
#include "tractus/v1/outcomes.pb.h"

namespace tractus::outcomes {

struct ProgressBasis;

class Outcomes final : public records::EpisodeListener {
 public:
  // The default budget of the progress cache: about 9 KB an episode of 12
  // weeks (100 observations, 24 sessions), so the ~14,000 most recently
  // viewed episodes.
  static constexpr size_t kDefaultProgressCacheBytes = size_t{128} << 20;

  // Every pointer must outlive this object. `store` keeps the alert state.
  Outcomes(storage::Store* store, records::Records* records, device_gateway::Uploads* uploads,
           const Clock* clock, size_t progress_cache_bytes = kDefaultProgressCacheBytes);
  ~Outcomes() override;

  absl::StatusOr<v1::GetEpisodeProgressResponse> GetEpisodeProgress(
      const v1::GetEpisodeProgressRequest& req);
  absl::StatusOr<v1::ListClinicAlertsResponse> ListClinicAlerts(
      const v1::ListClinicAlertsRequest& req);
  absl::StatusOr<v1::GetCohortOutcomesResponse> GetCohortOutcomes(
      const v1::GetCohortOutcomesRequest& req);
  // The summaries of the cohort's episodes (validates `req`; clinic ids
  // already scoped to the caller).
  absl::StatusOr<std::vector<analytics::EpisodeSummary>> CollectCohort(
      const v1::GetCohortOutcomesRequest& req);

  // Cohorts across shards (cohort_shares.h). Call EnableCohortShares before
  // serving; without it both are FAILED_PRECONDITION. `scoped` is
  // req.cohort() with the caller's clinics filled in.
  void EnableCohortShares(CohortShares shares);
  // The secret that episodes' record keys (analytics/disclosure.h) derive
  // from: on a sharded deployment a derivation of the cluster key (so every
  // shard, and one server holding all the data, key an episode alike),
  // else the data directory's own. Call before serving; without a call the
  // data directory's is loaded (or made) on first use.
  void SetRecordKeySecret(std::string secret);
  absl::StatusOr<v1::GetCohortPartialResponse> GetCohortPartial(
      const v1::GetCohortPartialRequest& req, const v1::GetCohortOutcomesRequest& scoped);
  absl::StatusOr<v1::MergeCohortPartialsResponse> MergeCohortPartials(
      const v1::MergeCohortPartialsRequest& req);

  // Subscribes to the clinic's new alerts: every alert raised after this
  // returns is queued on the subscription, whose `listener` is told after
  // each (and when it closes: the hub stopped, or the subscriber fell more
  // than AlertHub::kQueuePerSubscriber behind). INVALID_ARGUMENT or
  // NOT_FOUND for the clinic, RESOURCE_EXHAUSTED when too many streams are
  // open, UNAVAILABLE once stopping.
  absl::StatusOr<std::shared_ptr<AlertHub::Subscription>> SubscribeClinicAlerts(
      const v1::StreamClinicAlertsRequest& req, std::function<void()> listener);

  // Cohort summaries across a clean restart (summary_snapshot.h). Save
  // writes the cached summaries to `path`: call it once nothing writes any
  // more, before the store closes. Load, before serving, keeps the
  // summaries of the snapshot at `path` if it is trusted and removes the
  // file either way; it returns how many it kept (0 when there was none or
  // it was not trusted, and why in `*why_not` then).
  absl::Status SaveCohortSummaries(const std::string& path) const;
  size_t LoadCohortSummaries(const std::string& path, std::string* why_not);
  size_t cohort_summaries_cached() const { return summaries_.size(); }

  // records::EpisodeListener.
  void OnEpisodeChanged(const std::string& episode_id, bool closed) override;

  // Ends alert streams (at shutdown, before the gRPC server stops), then
  // finishes queued alert work.
  void Stop();
  // Blocks until queued alert work is done (tests).
  void WaitForAlerts() { hub_.WaitIdle(); }
  // Alerts newly raised since start.
  int64_t alerts_raised() const { return hub_.alerts_raised(); }
  // The progress cache: bytes held (as ProgressBasis::Bytes counts) and
  // episodes kept.
  size_t progress_cache_bytes() const { return progress_.bytes(); }
  size_t progress_cache_episodes() const { return progress_.size(); }

  // Everything the views are computed from, for one episode.
  struct EpisodeData {
    v1::Episode episode;
    absl::TimeZone zone;
    records::ObservationList observations;      // by instrument, then time
    storage::RecordList<v1::Session> sessions;  // by start time
  };
  absl::StatusOr<EpisodeData> LoadEpisode(const std::string& episode_id) const;
  // The same for an episode record already read.
  absl::StatusOr<EpisodeData> LoadEpisode(v1::Episode episode) const;

  // Loads episode after episode in id order (as Records::ForEachEpisode
  // gives them) through one reader per column family, so neighbouring
  // episodes' data blocks are read once: for jobs over many episodes
  // (exports). Sees the store as it was when made. Not thread-safe: one
  // per thread; must not outlive the Outcomes.
  class EpisodeReader {
   public:
    absl::StatusOr<EpisodeData> Load(v1::Episode episode);
    // How many observations the episode holds (none parsed).
    absl::StatusOr<int64_t> ObservationCount(const std::string& episode_id);

   private:
    friend class Outcomes;
    EpisodeReader() = default;
    const Outcomes* outcomes_ = nullptr;
    std::unique_ptr<storage::Store::RangeReader> observations_;
    std::unique_ptr<storage::Store::RangeReader> session_index_;
  };
  absl::StatusOr<EpisodeReader> NewEpisodeReader() const;

 private:
  // A similar-patient reference as published, and the episodes (record
  // keys, sorted) it was computed over. It moves only when at least
  // kMinCellPatients episodes joined or left since it was published, so
  // watching it while other clinics' patients complete one at a time
  // cannot single one out (docs/disclosure.md).
  struct Reference {
    uint64_t generation = 0;  // the episodes' generation last looked at
    analytics::SimilarReference similar;  // protected
    std::vector<uint64_t> members;
  };
  absl::StatusOr<analytics::SimilarReference> ReferenceFor(v1::Condition condition,
                                                           std::string_view band);
  absl::StatusOr<AlertHub::Evaluation> EvaluateAlerts(const std::string& episode_id);
  absl::Status NeedShares() const;
  // Computes record keys for one query (a keyed hash of the episode id).
  class RecordKeys;
  absl::StatusOr<RecordKeys> NewRecordKeys();
  // The clinic's time zone (clinics never change theirs: kept once read).
  absl::StatusOr<absl::TimeZone> ZoneOf(const std::string& clinic_id) const;
  // SummarizeForCohort of the episode, from the cache when it is current.
  absl::StatusOr<analytics::EpisodeSummary> CohortSummary(const std::string& episode_id);
  // PrepareProgress of the episode, from the cache when it is current.
  absl::StatusOr<std::shared_ptr<const ProgressBasis>> Basis(const std::string& episode_id);

  storage::Store* const store_;
  records::Records* const records_;
  device_gateway::Uploads* const uploads_;
  const Clock* const clock_;
  // Bumped when an episode closes: cached references are then stale.
  std::atomic<uint64_t> generation_{1};
  absl::Mutex reference_mu_;
  std::map<std::pair<int, std::string>, Reference> references_ ABSL_GUARDED_BY(reference_mu_);
  mutable absl::Mutex zones_mu_;
  mutable absl::flat_hash_map<std::string, absl::TimeZone> zones_ ABSL_GUARDED_BY(zones_mu_);
  AlertHub hub_;
  EpisodeCache<analytics::EpisodeSummary> summaries_;
  EpisodeCache<ProgressBasis> progress_;
  std::optional<CohortShares> shares_;
  absl::Mutex record_key_mu_;
  std::string record_key_secret_ ABSL_GUARDED_BY(record_key_mu_);
};

// The part of an episode's views that does not depend on the time of
// asking: the episode, each measure's progress, the course's counters, and
// what the alerts are evaluated from.
struct ProgressBasis {
  v1::EpisodeProgress view;       // today, adherence and alerts unset
  absl::TimeZone zone;            // the clinic's
  analytics::AlertInputs alerts;  // what the alerts are evaluated from
  std::vector<analytics::TimedAlert> data_alerts;  // DataAlerts(alerts)
  // Memory held, roughly (the cache's budget counts it).
  size_t Bytes() const;
};
// With TrendFit::kSkip the measures have no trend or week-12 projection.
ProgressBasis PrepareProgress(const Outcomes::EpisodeData& data,
                              analytics::TrendFit trend = analytics::TrendFit::kFit);
// The views at `now` from a basis (pure). Leaves similar_patients unset.
v1::EpisodeProgress FinishProgress(const ProgressBasis& basis, absl::Time now);
// FinishProgress(PrepareProgress(data, trend), now) (pure).
v1::EpisodeProgress ComputeProgress(const Outcomes::EpisodeData& data, absl::Time now,
                                    analytics::TrendFit trend = analytics::TrendFit::kFit);

// The wire form of a cohort's statistics (pure).
v1::CohortOutcomes CohortToProto(const analytics::CohortResult& r);

// How an aggregate was protected, naming the cells withheld (pure).
v1::DisclosureControl DisclosureOf(const std::vector<std::string>& withheld);

// What a cohort needs of one episode (pure).
analytics::EpisodeSummary SummarizeForCohort(const Outcomes::EpisodeData& data);

// How many of `a` and `b` (sorted) are in one but not the other, counting
// no further than `limit` (pure).
size_t SymmetricDifferenceUpTo(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                               size_t limit);

// Fills `progress.similar_patients` from a protected reference (pure).
void CompareWithSimilar(const analytics::SimilarReference& similar,
                        v1::EpisodeProgress& progress);

}  // namespace tractus::outcomes

#endif  // TRACTUS_OUTCOMES_OUTCOMES_H_
