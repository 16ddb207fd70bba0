// Trends over an episode: the Theil–Sen slope (median of pairwise slopes),
// robust to a few wild reports, with the distribution-free 95 % confidence
// interval of Sen (1968) from Kendall's S; the ordinary least-squares slope
// beside it; and the projected value at day 84 (week 12). Pure functions.
#ifndef TRACTUS_ANALYTICS_TREND_H_
#define TRACTUS_ANALYTICS_TREND_H_

#include <optional>
#include <vector>

#include "analytics/episode_series.h"

namespace tractus::analytics {

struct Trend {
  int points = 0;
  // Units per week.
  double theil_sen_per_week = 0;
  double ci_low_per_week = 0;   // 95 %
  double ci_high_per_week = 0;  // 95 %
  double ols_per_week = 0;
  // The Theil–Sen line: value = intercept + slope_per_day * day.
  double intercept = 0;
};

// Most points a trend is fitted on. Theil–Sen looks at every pair, so the
// work grows with the square of the points: several values on one day are
// first reduced to that day's median, and a longer series is binned into
// this many equal spans of days (median each). Memory and time stay bounded
// whatever a client submits.
inline constexpr size_t kMaxTrendPoints = 400;

// Needs at least 3 points on at least 2 distinct days; nullopt otherwise.
std::optional<Trend> FitTrend(const std::vector<DayValue>& series);

struct Projection {
  double value;
  double low;   // from the slope's 95 % interval, pivoting at the median day
  double high;
};

// The trend's value at `day`, clamped to [min_value, max_value].
Projection ProjectAt(const Trend& trend, const std::vector<DayValue>& series, int day,
                     double min_value, double max_value);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_TREND_H_
