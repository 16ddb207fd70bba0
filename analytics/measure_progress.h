// One measure's course over an episode, as DESIGN.md's 12-week outcome view
// defines it. Pure.
#ifndef TRACTUS_ANALYTICS_MEASURE_PROGRESS_H_
#define TRACTUS_ANALYTICS_MEASURE_PROGRESS_H_

#include <optional>
#include <vector>

#include "analytics/episode_series.h"
#include "analytics/instruments.h"
#include "analytics/trend.h"

namespace tractus::analytics {

struct WeekStat {
  int week;
  int count;
  std::optional<double> median;
};

struct MeasureProgress {
  Measure measure;
  int count = 0;
  std::optional<double> baseline;
  std::optional<double> latest;
  int latest_day = 0;
  // latest - baseline, and as a percentage of |baseline| (when baseline != 0).
  std::optional<double> change_points;
  std::optional<double> change_percent;
  // Improvement in the measure's good direction (positive = better).
  std::optional<double> improvement;
  // By the instrument's rule; nullopt when it has no rule (e.g. PROMIS raw
  // scores without a T-score table, steps) or no baseline.
  std::optional<bool> responder;
  // NPRS 0 or RMDQ <= 2 at the latest value; nullopt for other measures.
  std::optional<bool> recovered;
  std::vector<WeekStat> weeks;  // weeks 0..12
  std::optional<Trend> trend;   // over days >= 0
  std::optional<Projection> week12;
  // The week of the first of two consecutive post-baseline values that both
  // meet the responder rule.
  std::optional<int> first_sustained_response_week;
};

// Does `value` meet `m`'s responder rule against `baseline`? nullopt if the
// measure has no rule.
std::optional<bool> MeetsResponderRule(const MeasureInfo& m, double baseline, double value);

// Whether to fit the trend (and project week 12 from it): the costly part,
// Theil–Sen looks at every pair of days. Readers that show no trend (the
// cohort summaries, the export's episode table) skip it.
enum class TrendFit { kFit, kSkip };

// REQUIRES: `series` sorted by day (ties in arrival order). With
// TrendFit::kSkip, `trend` and `week12` stay unset; the rest is the same.
MeasureProgress ComputeMeasureProgress(const MeasureInfo& m, const std::vector<DayValue>& series,
                                       TrendFit trend = TrendFit::kFit);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_MEASURE_PROGRESS_H_
