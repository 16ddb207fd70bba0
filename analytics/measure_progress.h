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
  int count = 0;  // course assessments
  std::optional<double> baseline;
  std::optional<BaselinePick> baseline_pick;  // which assessment, by which rule
  std::optional<double> latest;
  int latest_day = 0;
  // latest - baseline, and as a percentage of |baseline| (when baseline != 0).
  std::optional<double> change_points;
  std::optional<double> change_percent;
  // Improvement in the measure's good direction (positive = better).
  std::optional<double> improvement;
  // By the instrument's rule at the latest value; nullopt when it has no
  // rule (PROMIS raw scores, walking tolerance, steps) or no baseline.
  std::optional<bool> responder;
  // NPRS 0 or RMDQ <= 2 at the latest value; nullopt for other measures.
  std::optional<bool> recovered;
  std::vector<WeekStat> weeks;  // weeks 0..12
  std::optional<Trend> trend;   // over days >= 0
  std::optional<Projection> week12;
  // FirstSustainedResponse over the whole course: the week of its first
  // summary, and of the second, which confirmed it.
  std::optional<int> first_sustained_response_week;
  std::optional<int> sustained_response_confirmed_week;
};

// Does `value` meet `m`'s responder rule against `baseline`? nullopt if the
// measure has no rule.
std::optional<bool> MeetsResponderRule(const MeasureInfo& m, double baseline, double value);

// The first sustained response: two consecutive qualifying summaries of
// the assessments made after the baseline's day — consecutive weekly
// medians for daily measures, consecutive assessment days (each day's
// median) for visit measures (Cadence). Its week is that of the first of
// the two; nullopt if there is none or the measure has no rule.
// REQUIRES: `course` sorted by time.
struct SustainedResponse {
  int week;            // of the first qualifying summary
  int confirmed_week;  // of the second
};
std::optional<SustainedResponse> FirstSustainedResponse(const MeasureInfo& m, double baseline,
                                                        int baseline_day,
                                                        const std::vector<Assessment>& course);

// Whether to fit the trend (and project week 12 from it): the costly part,
// Theil–Sen looks at every pair of days. Readers that show no trend (the
// cohort summaries, the export's episode table) skip it.
enum class TrendFit { kFit, kSkip };

// `course`: the measure's assessments, sorted by time, without any table's
// post-session value. `first_treatment_unix`: the start of the episode's
// first traction session (PickBaseline). With TrendFit::kSkip, `trend` and
// `week12` stay unset; the rest is the same.
MeasureProgress ComputeMeasureProgress(const MeasureInfo& m, const std::vector<Assessment>& course,
                                       std::optional<int64_t> first_treatment_unix,
                                       TrendFit trend = TrendFit::kFit);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_MEASURE_PROGRESS_H_
