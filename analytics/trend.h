// Trends over an episode: the Theil–Sen slope (median of pairwise slopes),
// robust to a few wild reports, with the distribution-free 95 % confidence
// interval of Sen (1968) from Kendall's S; the ordinary least-squares slope
// beside it; and the projected value at day 84 (week 12) with a prediction
// interval. Pure functions; formulas in docs/outcomes.md.
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
  // Sen's 95 % interval, only from kMinIntervalPoints points on.
  std::optional<double> ci_low_per_week;
  std::optional<double> ci_high_per_week;
  double ols_per_week = 0;
  // The Theil–Sen line: value = intercept + slope_per_day * day, with
  // intercept = median(value - slope_per_day * day).
  double intercept = 0;
  // Of the fitted points: mean day, sum of squared deviations of the days,
  // and the residual standard deviation about the Theil–Sen line (n - 2
  // degrees of freedom).
  double mean_day = 0;
  double sxx = 0;
  double residual_sd = 0;
};

// Most points a trend is fitted on. Theil–Sen looks at every pair, so the
// work grows with the square of the points: several values on one day are
// first reduced to that day's median, and a longer series is binned into
// this many equal spans of days (median each). Memory and time stay bounded
// whatever a client submits.
inline constexpr size_t kMaxTrendPoints = 400;
// Sen's interval is claimed from this many points on: below it the normal
// approximation of Kendall's S is far from its 95 % coverage.
inline constexpr int kMinIntervalPoints = 5;
// A week-12 projection needs data in this many distinct weeks.
inline constexpr int kMinProjectionWeeks = 3;

// Needs at least 3 points on at least 2 distinct days; nullopt otherwise.
// Sen's interval uses the variance of Kendall's S corrected for tied days
// and tied values (Sen 1968, eq. 2.6), as scipy.stats.theilslopes does.
std::optional<Trend> FitTrend(const std::vector<DayValue>& series);

struct Projection {
  double value;
  double low;   // 95 % prediction interval of one value on that day
  double high;
};

// The trend's value at `day` with a 95 % prediction interval that holds the
// residual scatter as well as the slope's uncertainty:
//   value +- t(0.975, n-2) * s * sqrt(1 + 1/n + (day - mean_day)^2 / Sxx),
// all clamped to [min_value, max_value]. nullopt when `series` (the values
// the trend was fitted on, in day order) spans fewer than
// kMinProjectionWeeks weeks.
std::optional<Projection> ProjectAt(const Trend& trend, const std::vector<DayValue>& series,
                                    int day, double min_value, double max_value);

// The two-sided 95 % quantile of Student's t with `df` degrees of freedom
// (Boost.Math). REQUIRES: df >= 1.
double StudentT975(double df);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_TREND_H_
