// Cohort outcomes and similar-patient references, computed from one small
// summary per episode (so memory depends on the number of episodes, never
// on the number of observations). Pure. Cells of fewer than
// kMinCellPatients patients are suppressed.
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
  std::optional<double> baseline;                      // NPRS
  std::array<std::optional<double>, kEpisodeWeeks> weekly{};  // NPRS weekly medians
  std::optional<double> latest;
  int last_week = 0;                                   // last week with pain data
  std::optional<int> first_sustained_response_week;
  bool responder = false;                              // at the latest value
  bool dropped_out = false;                            // closed discontinued / lost
  double dose_newton_seconds = 0;
};

// REQUIRES: `nprs` is the NPRS progress of the episode.
EpisodeSummary SummarizeEpisode(const MeasureProgress& nprs, bool dropped_out,
                                double dose_newton_seconds);

// NPRS baseline bands: "mild" 0-3, "moderate" 4-6, "severe" 7-10.
std::string_view BaselineBand(double baseline);

struct CohortWeekStats {
  int week;
  int patients;
  bool suppressed;
  std::optional<Interval> mean;
  std::optional<Interval> median;
};

struct CohortResult {
  int episodes = 0;
  int analysed = 0;
  int suppressed_cells = 0;
  std::optional<Interval> responder_rate;
  std::vector<CohortWeekStats> weeks;
  std::vector<KaplanMeierStep> time_to_response;  // steps with >= 11 at risk
  std::optional<double> dose_response;
  int dose_response_patients = 0;
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
