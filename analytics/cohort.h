// Cohort outcomes and similar-patient references, computed from one small
// summary per episode (so memory depends on the number of episodes, never
// on the number of observations). Pure. Every figure is taken at a fixed
// week among the episodes that reached it — stages are never pooled — and
// every figure is protected by the cell-key method (disclosure.h): counts
// are perturbed and withheld under kMinCellPatients, rates, means, medians
// and correlations are computed from perturbed inputs. Rules and formulas:
// docs/outcomes.md, "Cohorts"; the protection: docs/disclosure.md.
#ifndef TRACTUS_ANALYTICS_COHORT_H_
#define TRACTUS_ANALYTICS_COHORT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/cohort_stats.h"
#include "analytics/episode_series.h"
#include "analytics/measure_progress.h"

namespace tractus::analytics {

// What a cohort needs of one episode's pain course.
struct EpisodeSummary {
  std::optional<double> baseline;                             // NPRS, pre-treatment
  std::array<std::optional<double>, kEpisodeWeeks> weekly{};  // NPRS weekly medians
  int last_week = 0;  // last week with pain data
  std::optional<int> first_sustained_response_week;
  bool dropped_out = false;  // closed discontinued or lost to follow-up
  // Traction dose (N·s) of the sessions started in weeks 0..w.
  std::array<double, kEpisodeWeeks> dose_through_week{};
  // The episode day at the time of the query. Not part of what is cached:
  // the caller sets it for each query (it makes the summary time-bound).
  int today_day = 0;
  // The episode's secret record key (disclosure.h), set by the caller for
  // each query like today_day.
  uint64_t record_key = 0;
};

// kNone computes the exact figures with plain suppression under 11; it
// exists to test the rules apart from the noise and is never served.
enum class Protection { kCellKey, kNone };

struct CourseDose {
  int day;
  double newton_seconds;
};

// REQUIRES: `nprs` is the NPRS progress of the episode.
EpisodeSummary SummarizeEpisode(const MeasureProgress& nprs, bool dropped_out,
                                const std::vector<CourseDose>& sessions);

// Whether the episode's week `week` is over by the calendar (today_day >=
// 7 (week + 1)), closed or not: only then does it count at that week. A
// drop-out counts at the weeks its calendar has passed, as a non-responder
// when it has no value there.
bool ReachedWeek(const EpisodeSummary& e, int week);

// NPRS baseline bands: "mild" 0-3, "moderate" 4-6, "severe" 7-10.
std::string_view BaselineBand(double baseline);

struct CohortWeekStats {
  int week;
  int patients;  // 0 when suppressed
  bool suppressed;
  std::optional<Interval> mean;
  std::optional<Interval> median;
};

// The weeks at which responder rates are reported.
inline constexpr std::array<int, 3> kResponderWeeks = {4, 8, 12};

// NPRS responders (weekly median against the baseline) at a fixed week.
struct ResponderRateAtWeek {
  int week;
  // Per protocol: among analysed episodes that reached the week with a
  // weekly median that week. Patients are 0 and the rate unset when
  // withheld.
  int per_protocol_patients;
  std::optional<Interval> per_protocol;
  // Intention to treat: among analysed episodes that reached the week;
  // those without a value that week — discontinued, lost to follow-up, or
  // missing — count as non-responders.
  int itt_patients;
  std::optional<Interval> intention_to_treat;
};

// A Kaplan–Meier step as published: the step's counts are protected one by
// one and the curve is computed from the protected counts; a count under
// 11 is withheld (nullopt).
struct PublishedStep {
  KaplanMeierStep step;  // at_risk, events and censored as protected
  std::optional<int> events;
  std::optional<int> censored;
};

struct CohortResult {
  // Counts: nullopt when withheld.
  std::optional<int> episodes;
  std::optional<int> analysed;     // with a pain baseline
  std::optional<int> dropped_out;  // analysed episodes closed discontinued or lost
  // Mean NPRS baseline of the analysed episodes.
  std::optional<Interval> baseline;
  // The cells withheld, named as in the API ("weeks[3]",
  // "responder_rates[week=4].per_protocol", ...).
  std::vector<std::string> withheld;
  int suppressed_cells = 0;  // withheld.size()
  std::vector<ResponderRateAtWeek> responder_rates;  // kResponderWeeks
  std::vector<CohortWeekStats> weeks;
  // Weeks 0..12 with >= 11 at risk after protection.
  std::vector<PublishedStep> time_to_response;
  // Spearman of the dose through `dose_response_week` and the improvement
  // at that week, among the analysed episodes with a value that week.
  std::optional<double> dose_response;
  int dose_response_patients = 0;
  int dose_response_week = 0;
};

CohortResult ComputeCohort(const std::vector<EpisodeSummary>& episodes,
                           Protection protection = Protection::kCellKey);

// The reference of similar episodes: how many (nullopt when withheld) and
// the mean change of pain from baseline by week, weeks with fewer than 11
// patients after protection left out.
struct ExpectedWeek {
  int week;
  int patients;
  double mean_change;
};
struct SimilarReference {
  std::optional<int> episodes;
  std::vector<ExpectedWeek> expected;
};
// REQUIRES: every episode of `similar` has a baseline.
SimilarReference ExpectedTrajectory(const std::vector<EpisodeSummary>& similar,
                                    Protection protection = Protection::kCellKey);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_COHORT_H_
