// Outcomes: cohort statistics and similar-patient references. One pass over
// the episodes, one small summary kept per matching episode.
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "analytics/disclosure.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/secrets.h"
#include "common/siphash.h"
#include "common/status_macros.h"
#include "outcomes/outcomes.h"
#include "records/civil_date.h"
#include "records/validation.h"
#include "storage/shard_id.h"
#include "storage/store.h"

namespace tractus::outcomes {
namespace {

bool HasCondition(const v1::Episode& e, int condition) {
  for (int c : e.conditions()) {
    if (c == condition) return true;
  }
  return false;
}

v1::Estimate ToEstimate(const analytics::Interval& i) {
  v1::Estimate e;
  e.set_estimate(i.estimate);
  e.set_low(i.low);
  e.set_high(i.high);
  return e;
}

}  // namespace

v1::DisclosureControl DisclosureOf(const std::vector<std::string>& withheld) {
  v1::DisclosureControl d;
  d.set_method(std::string(analytics::kDisclosureMethod));
  d.set_version(analytics::kDisclosureVersion);
  for (const std::string& cell : withheld) d.add_withheld(cell);
  return d;
}

class Outcomes::RecordKeys {
 public:
  // SipHash-2-4 of the episode id under the first 16 bytes of
  // HMAC-SHA256(secret, "record keys v1").
  explicit RecordKeys(const std::string& secret)
      : hash_(HmacSha256(secret, "record keys v1")) {}
  uint64_t Of(const std::string& episode_id) const { return hash_.Hash(episode_id); }

 private:
  SipHash24 hash_;
};

void Outcomes::SetRecordKeySecret(std::string secret) {
  absl::MutexLock lock(&record_key_mu_);
  record_key_secret_ = std::move(secret);
}

absl::StatusOr<Outcomes::RecordKeys> Outcomes::NewRecordKeys() {
  absl::MutexLock lock(&record_key_mu_);
  if (record_key_secret_.empty()) {
    ASSIGN_OR_RETURN(record_key_secret_, storage::LoadOrCreateRecordKeySecret(*store_));
  }
  return RecordKeys(record_key_secret_);
}

absl::StatusOr<std::vector<analytics::EpisodeSummary>> Outcomes::CollectCohort(
    const v1::GetCohortOutcomesRequest& req) {
  Violations v;
  if (req.condition() == v1::CONDITION_UNSPECIFIED || !v1::Condition_IsValid(req.condition())) {
    v.Add("condition", "required: one of the conditions in scope");
  }
  if (req.has_start_from() && !records::IsValidDate(req.start_from())) {
    v.Add("start_from", "is not a calendar date");
  }
  if (req.has_start_to() && !records::IsValidDate(req.start_to())) {
    v.Add("start_to", "is not a calendar date");
  }
  for (int i = 0; i < req.clinic_ids_size(); ++i) {
    records::CheckOpaqueId(absl::StrCat("clinic_ids[", i, "]"), req.clinic_ids(i),
                           kClinicIdPrefix, v);
  }
  RETURN_IF_ERROR(v.ToStatus());
  const std::set<std::string> clinics(req.clinic_ids().begin(), req.clinic_ids().end());
  const int64_t from = req.has_start_from() ? records::DaysSinceEpoch(req.start_from()) : INT64_MIN;
  const int64_t to = req.has_start_to() ? records::DaysSinceEpoch(req.start_to()) : INT64_MAX;

  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(RecordKeys keys, NewRecordKeys());
  // Which weeks an episode has reached is a matter of the query's time, not
  // of the cached summary: today in each clinic's zone.
  absl::flat_hash_map<std::string, absl::CivilDay> today_of;
  std::vector<analytics::EpisodeSummary> summaries;
  RETURN_IF_ERROR(records_->ForEachEpisode([&](const v1::Episode& e) -> absl::Status {
    const int64_t start = records::DaysSinceEpoch(e.start_date());
    if (!HasCondition(e, req.condition()) || start < from || start > to ||
        (!clinics.empty() && clinics.count(e.clinic_id()) == 0)) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(analytics::EpisodeSummary summary, CohortSummary(e.episode_id()));
    auto today = today_of.find(e.clinic_id());
    if (today == today_of.end()) {
      ASSIGN_OR_RETURN(absl::TimeZone zone, ZoneOf(e.clinic_id()));
      today = today_of.emplace(e.clinic_id(), absl::ToCivilDay(now, zone)).first;
    }
    summary.today_day = static_cast<int>(today->second - records::ToCivilDay(e.start_date()));
    summary.record_key = keys.Of(e.episode_id());
    summaries.push_back(std::move(summary));
    return absl::OkStatus();
  }));
  return summaries;
}

absl::StatusOr<analytics::EpisodeSummary> Outcomes::CohortSummary(
    const std::string& episode_id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const analytics::EpisodeSummary> summary,
                   summaries_.Get(episode_id, [&]() -> absl::StatusOr<analytics::EpisodeSummary> {
                     // Read inside: what is cached must be read after the
                     // cache noted the episode's generation. Read past the
                     // block cache: only the summary is kept.
                     storage::BulkReadScope bulk;
                     ASSIGN_OR_RETURN(EpisodeData data, LoadEpisode(episode_id));
                     return SummarizeForCohort(data);
                   }));
  return *summary;
}

v1::CohortOutcomes CohortToProto(const analytics::CohortResult& r) {
  v1::CohortOutcomes out;
  if (r.episodes) out.set_episodes(*r.episodes);
  if (r.analysed) out.set_analysed(*r.analysed);
  if (r.baseline) *out.mutable_baseline() = ToEstimate(*r.baseline);
  out.set_suppressed_cells(r.suppressed_cells);
  if (r.dropped_out) out.set_dropped_out(*r.dropped_out);
  *out.mutable_disclosure() = DisclosureOf(r.withheld);
  for (const analytics::ResponderRateAtWeek& rate : r.responder_rates) {
    v1::ResponderRateAtWeek* at = out.add_responder_rates();
    at->set_week(rate.week);
    at->set_per_protocol_patients(rate.per_protocol_patients);
    if (rate.per_protocol) *at->mutable_per_protocol() = ToEstimate(*rate.per_protocol);
    at->set_intention_to_treat_patients(rate.itt_patients);
    if (rate.intention_to_treat) {
      *at->mutable_intention_to_treat() = ToEstimate(*rate.intention_to_treat);
    }
  }
  for (const analytics::CohortWeekStats& w : r.weeks) {
    v1::CohortWeek* week = out.add_weeks();
    week->set_week(w.week);
    week->set_patients(w.patients);
    week->set_suppressed(w.suppressed);
    if (w.mean) *week->mutable_mean() = ToEstimate(*w.mean);
    if (w.median) *week->mutable_median() = ToEstimate(*w.median);
  }
  for (const analytics::PublishedStep& published : r.time_to_response) {
    const analytics::KaplanMeierStep& step = published.step;
    v1::TimeToResponseStep* s = out.add_time_to_response();
    s->set_week(step.time);
    s->set_at_risk(step.at_risk);
    if (published.events) s->set_responded(*published.events);
    if (published.censored) s->set_censored(*published.censored);
    s->set_cumulative_response(step.cumulative);
    if (step.cumulative_low) s->set_cumulative_response_low(*step.cumulative_low);
    if (step.cumulative_high) s->set_cumulative_response_high(*step.cumulative_high);
  }
  if (r.dose_response) out.set_dose_response_spearman(*r.dose_response);
  out.set_dose_response_patients(r.dose_response_patients);
  out.set_dose_response_week(r.dose_response_week);
  return out;
}

absl::StatusOr<v1::GetCohortOutcomesResponse> Outcomes::GetCohortOutcomes(
    const v1::GetCohortOutcomesRequest& req) {
  ASSIGN_OR_RETURN(auto summaries, CollectCohort(req));
  v1::GetCohortOutcomesResponse resp;
  *resp.mutable_outcomes() = CohortToProto(analytics::ComputeCohort(summaries));
  return resp;
}

void Outcomes::EnableCohortShares(CohortShares shares) { shares_.emplace(std::move(shares)); }

absl::Status Outcomes::NeedShares() const {
  if (shares_.has_value()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this server is not part of a sharded cluster: start tractusd with --cluster_key_file");
}

absl::StatusOr<v1::GetCohortPartialResponse> Outcomes::GetCohortPartial(
    const v1::GetCohortPartialRequest& req, const v1::GetCohortOutcomesRequest& scoped) {
  RETURN_IF_ERROR(NeedShares());
  RETURN_IF_ERROR(CheckMergeId(req.merge_id()));
  ASSIGN_OR_RETURN(auto summaries, CollectCohort(scoped));
  return shares_->Seal(req.cohort(), req.merge_id(), summaries);
}

absl::StatusOr<v1::MergeCohortPartialsResponse> Outcomes::MergeCohortPartials(
    const v1::MergeCohortPartialsRequest& req) {
  RETURN_IF_ERROR(NeedShares());
  ASSIGN_OR_RETURN(OpenedShares opened, shares_->Open(req));
  v1::MergeCohortPartialsResponse resp;
  *resp.mutable_outcomes() = CohortToProto(analytics::ComputeCohort(opened.episodes));
  for (std::string& id : opened.shard_ids) resp.add_shard_ids(std::move(id));
  return resp;
}

size_t SymmetricDifferenceUpTo(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                               size_t limit) {
  size_t differ = 0, i = 0, j = 0;
  while ((i < a.size() || j < b.size()) && differ < limit) {
    if (j == b.size() || (i < a.size() && a[i] < b[j])) {
      ++differ;
      ++i;
    } else if (i == a.size() || b[j] < a[i]) {
      ++differ;
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
  return std::min(differ, limit);
}

absl::StatusOr<analytics::SimilarReference> Outcomes::ReferenceFor(v1::Condition condition,
                                                                   std::string_view band) {
  const uint64_t generation = generation_.load();
  const auto key = std::make_pair(static_cast<int>(condition), std::string(band));
  {
    absl::MutexLock lock(&reference_mu_);
    auto it = references_.find(key);
    if (it != references_.end() && it->second.generation == generation) return it->second.similar;
  }
  // Completed episodes whose primary condition and baseline band match.
  ASSIGN_OR_RETURN(RecordKeys keys, NewRecordKeys());
  std::vector<analytics::EpisodeSummary> similar;
  RETURN_IF_ERROR(records_->ForEachEpisode([&](const v1::Episode& e) -> absl::Status {
    if (e.state() != v1::EPISODE_STATE_CLOSED || e.close_reason() != v1::CLOSE_REASON_COMPLETED ||
        e.conditions().empty() || e.conditions(0) != condition) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(analytics::EpisodeSummary s, CohortSummary(e.episode_id()));
    if (!s.baseline || analytics::BaselineBand(*s.baseline) != band) return absl::OkStatus();
    s.record_key = keys.Of(e.episode_id());
    similar.push_back(std::move(s));
    return absl::OkStatus();
  }));
  std::vector<uint64_t> members;
  members.reserve(similar.size());
  for (const analytics::EpisodeSummary& s : similar) members.push_back(s.record_key);
  std::sort(members.begin(), members.end());
  absl::MutexLock lock(&reference_mu_);
  Reference& published = references_[key];
  const bool moved_enough =
      published.generation == 0 ||
      SymmetricDifferenceUpTo(published.members, members, analytics::kMinCellPatients) >=
          static_cast<size_t>(analytics::kMinCellPatients);
  published.generation = generation;
  if (moved_enough) {
    published.similar = analytics::ExpectedTrajectory(similar);
    published.members = std::move(members);
  }
  return published.similar;
}

}  // namespace tractus::outcomes
