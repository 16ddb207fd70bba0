// Cohort outcomes and similar-patient references, computed from one small
// summary per episode (so memory depends on the number of episodes, never
// on the number of observations). Pure. Every figure is taken at a fixed
// week among the episodes that reached it — stages are never pooled — and
// cells of fewer than kMinCellPatients patients are suppressed. Rules and
// formulas: docs/outcomes.md, "Cohorts".
#ifndef TRACTUS_ANALYTICS_COHORT_H_
#define TRACTUS_ANALYTICS_COHORT_H_

#include <array>
#include <optional>
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
};

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
  int patients;
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
  // weekly median that week.
  int per_protocol_patients;
  std::optional<Interval> per_protocol;
  // Intention to treat: among analysed episodes that reached the week;
  // those without a value that week — discontinued, lost to follow-up, or
  // missing — count as non-responders.
  int itt_patients;
  std::optional<Interval> intention_to_treat;
};

struct CohortResult {
  int episodes = 0;
  int analysed = 0;     // with a pain baseline
  int dropped_out = 0;  // analysed episodes closed discontinued or lost
  int suppressed_cells = 0;
  std::vector<ResponderRateAtWeek> responder_rates;  // kResponderWeeks
  std::vector<CohortWeekStats> weeks;
  std::vector<KaplanMeierStep> time_to_response;  // steps with >= 11 at risk
  // Spearman of the dose through `dose_response_week` and the improvement
  // at that week, among the analysed episodes with a value that week.
  std::optional<double> dose_response;
  int dose_response_patients = 0;
  int dose_response_week = 0;
};

CohortResult ComputeCohort(const std::vector<EpisodeSummary>& episodes);

// The mean change of pain from baseline by week over `similar` episodes;
// weeks with fewer than 11 patients are left out.
struct ExpectedWeek {
  int week;
  int patients;
  double mean_change;
};
std::vector<ExpectedWeek> ExpectedTrajectory(const std::vector<EpisodeSummary>& similar);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_COHORT_H_
