#include "analytics/trend.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>

namespace tractus::analytics {
namespace {

constexpr double kZ95 = 1.959963984540054;

// Sum of t(t-1)(2t+5) over the groups of equal values: the tie term of
// the variance of Kendall's S. REQUIRES: `values` sorted.
double TieTerm(const std::vector<double>& values) {
  double term = 0;
  for (size_t i = 0; i < values.size();) {
    size_t j = i;
    while (j < values.size() && values[j] == values[i]) ++j;
    const double t = static_cast<double>(j - i);
    term += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  return term;
}

// One point per day (the day's median), at most kMaxTrendPoints of them.
std::vector<DayValue> Reduce(const std::vector<DayValue>& input) {
  std::vector<DayValue> sorted = input;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const DayValue& a, const DayValue& b) { return a.day < b.day; });
  std::vector<DayValue> daily;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    std::vector<double> values;
    while (j < sorted.size() && sorted[j].day == sorted[i].day) values.push_back(sorted[j++].value);
    daily.push_back({sorted[i].day, values.size() == 1 ? values[0] : Median(values)});
    i = j;
  }
  if (daily.size() <= kMaxTrendPoints) return daily;
  // Bin the days into kMaxTrendPoints equal spans; each bin's median value
  // at its median day.
  const int first = daily.front().day;
  const double span = static_cast<double>(daily.back().day - first + 1) / kMaxTrendPoints;
  std::vector<std::vector<DayValue>> bins(kMaxTrendPoints);
  for (const DayValue& dv : daily) {
    size_t b = static_cast<size_t>((dv.day - first) / span);
    bins[std::min(b, kMaxTrendPoints - 1)].push_back(dv);
  }
  std::vector<DayValue> out;
  for (const auto& bin : bins) {
    if (bin.empty()) continue;
    std::vector<double> days, values;
    for (const DayValue& dv : bin) {
      days.push_back(dv.day);
      values.push_back(dv.value);
    }
    out.push_back({static_cast<int>(std::lround(Median(days))), Median(values)});
  }
  return out;
}

}  // namespace

std::optional<Trend> FitTrend(const std::vector<DayValue>& input) {
  const std::vector<DayValue> series = Reduce(input);
  const size_t n = series.size();
  if (n < 3) return std::nullopt;
  std::vector<double> slopes;
  slopes.reserve(n * (n - 1) / 2);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (series[i].day == series[j].day) continue;
      slopes.push_back((series[j].value - series[i].value) /
                       static_cast<double>(series[j].day - series[i].day));
    }
  }
  if (slopes.empty()) return std::nullopt;
  // Only a few order statistics are needed: select them (linear time)
  // rather than sort the n(n-1)/2 slopes. Once the middle one is in place,
  // the lower ranks lie before it and the higher after it, so each later
  // selection runs over one side only.
  const size_t mid = slopes.size() / 2;
  std::nth_element(slopes.begin(), slopes.begin() + mid, slopes.end());
  const auto kth = [&slopes, mid](size_t k) {  // 0-based
    if (k < mid) {
      std::nth_element(slopes.begin(), slopes.begin() + k, slopes.begin() + mid);
    } else if (k > mid) {
      std::nth_element(slopes.begin() + mid + 1, slopes.begin() + k, slopes.end());
    }
    return slopes[k];
  };
  // The median as Median() defines it, without copying the slopes.
  const double upper_mid = slopes[mid];
  const double slope =
      slopes.size() % 2 == 1
          ? upper_mid
          : (*std::max_element(slopes.begin(), slopes.begin() + mid) + upper_mid) / 2;

  // Sen's interval: the order statistics at 0-based indices
  // round((N - C) / 2) - 1 and round((N + C) / 2) of the N slopes, where
  // C = z * sqrt(Var S) and Var S = [n(n-1)(2n+5) - ties in days - ties in
  // values] / 18; rounding half to even, as numpy does.
  std::optional<double> lower, upper;
  if (n >= static_cast<size_t>(kMinIntervalPoints)) {
    std::vector<double> days, values;  // sorted
    days.reserve(n);
    values.reserve(n);
    for (const DayValue& dv : series) {
      days.push_back(dv.day);  // the series is in day order
      values.push_back(dv.value);
    }
    std::sort(values.begin(), values.end());
    const double nn = static_cast<double>(n);
    const double var_s =
        std::max(0.0, (nn * (nn - 1) * (2 * nn + 5) - TieTerm(days) - TieTerm(values)) / 18.0);
    const double c = kZ95 * std::sqrt(var_s);
    const double total = static_cast<double>(slopes.size());
    const long last = static_cast<long>(slopes.size()) - 1;
    const long lo = std::max(static_cast<long>(std::nearbyint((total - c) / 2)) - 1, 0L);
    const long hi = std::min(static_cast<long>(std::nearbyint((total + c) / 2)), last);
    lower = kth(static_cast<size_t>(lo));
    upper = kth(static_cast<size_t>(hi));
  }

  const double nn = static_cast<double>(n);
  std::vector<double> residual_intercepts;
  double mean_x = 0, mean_y = 0;
  for (const DayValue& dv : series) {
    residual_intercepts.push_back(dv.value - slope * dv.day);
    mean_x += dv.day;
    mean_y += dv.value;
  }
  mean_x /= nn;
  mean_y /= nn;
  double sxy = 0, sxx = 0;
  for (const DayValue& dv : series) {
    sxy += (dv.day - mean_x) * (dv.value - mean_y);
    sxx += (dv.day - mean_x) * (dv.day - mean_x);
  }
  Trend t;
  t.points = static_cast<int>(n);
  t.theil_sen_per_week = slope * 7;
  if (lower && upper) {
    t.ci_low_per_week = *lower * 7;
    t.ci_high_per_week = *upper * 7;
  }
  t.ols_per_week = sxx > 0 ? sxy / sxx * 7 : 0;
  t.intercept = Median(residual_intercepts);
  double ss = 0;
  for (const DayValue& dv : series) {
    const double r = dv.value - (t.intercept + slope * dv.day);
    ss += r * r;
  }
  t.mean_day = mean_x;
  t.sxx = sxx;
  t.residual_sd = std::sqrt(ss / (nn - 2));
  return t;
}

double StudentT975(double df) {
  const auto exact = [](double d) {
    return boost::math::quantile(boost::math::students_t_distribution<double>(d), 0.975);
  };
  // Whole degrees of freedom up to the most trend points are looked up: a
  // quantile costs microseconds and every projection needs one.
  static const std::vector<double>* const kTable = [&] {
    auto* table = new std::vector<double>(kMaxTrendPoints + 1, 0.0);
    for (size_t d = 1; d < table->size(); ++d) (*table)[d] = exact(static_cast<double>(d));
    return table;
  }();
  if (df >= 1 && df < static_cast<double>(kTable->size()) && df == std::floor(df)) {
    return (*kTable)[static_cast<size_t>(df)];
  }
  return exact(df);
}

std::optional<Projection> ProjectAt(const Trend& trend, const std::vector<DayValue>& series,
                                    int day, double min_value, double max_value) {
  int weeks = 0;  // distinct weeks with data (the series is in day order)
  for (size_t i = 0; i < series.size() && weeks < kMinProjectionWeeks; ++i) {
    if (i == 0 || WeekOfDay(series[i].day) != WeekOfDay(series[i - 1].day)) ++weeks;
  }
  if (weeks < kMinProjectionWeeks || trend.points < 3 || trend.sxx <= 0) return std::nullopt;
  const double n = trend.points;
  const double value = trend.intercept + trend.theil_sen_per_week / 7 * day;
  const double dx = day - trend.mean_day;
  const double half = StudentT975(n - 2) * trend.residual_sd *
                      std::sqrt(1 + 1 / n + dx * dx / trend.sxx);
  const auto clamp = [&](double v) { return std::clamp(v, min_value, max_value); };
  return Projection{clamp(value), clamp(value - half), clamp(value + half)};
}

}  // namespace tractus::analytics
