#include "analytics/cohort_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analytics/episode_series.h"

namespace tractus::analytics {
namespace {

constexpr double kZ = 1.959963984540054;

std::vector<double> Ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = (i + j) / 2.0 + 1;  // 1-based average rank
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = average;
    i = j + 1;
  }
  return ranks;
}

}  // namespace

Interval WilsonInterval(int successes, int n) {
  const double p = static_cast<double>(successes) / n;
  const double z2 = kZ * kZ;
  const double denom = 1 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = kZ * std::sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval MeanInterval(std::vector<double> values) {
  // Summed in sorted order: the result depends on the values, not on the
  // order they came in (a cohort merged from shards matches one server's).
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  const double se = std::sqrt(ss / (n - 1) / n);
  return {mean, mean - kZ * se, mean + kZ * se};
}

Interval MedianInterval(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const double median = Median(values);
  const auto at = [&](double rank) {  // 1-based, clamped
    long r = std::lround(rank);
    r = std::clamp(r, 1L, static_cast<long>(values.size()));
    return values[static_cast<size_t>(r - 1)];
  };
  const double half = kZ * std::sqrt(n) / 2;
  return {median, at(n / 2 - half), at(n / 2 + 1 + half)};
}

std::vector<KaplanMeierStep> KaplanMeier(std::vector<TimeToEvent> subjects) {
  std::sort(subjects.begin(), subjects.end(),
            [](const TimeToEvent& a, const TimeToEvent& b) { return a.time < b.time; });
  std::vector<KaplanMeierStep> steps;
  int at_risk = static_cast<int>(subjects.size());
  double survival = 1.0;
  for (size_t i = 0; i < subjects.size();) {
    const int t = subjects[i].time;
    int events = 0, censored = 0;
    while (i < subjects.size() && subjects[i].time == t) {
      (subjects[i].event ? events : censored)++;
      ++i;
    }
    if (at_risk > 0) survival *= 1.0 - static_cast<double>(events) / at_risk;
    steps.push_back({t, at_risk, events, censored, survival, 1 - survival});
    at_risk -= events + censored;
  }
  return steps;
}

std::optional<double> Spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 3) return std::nullopt;
  // Pairs in a canonical order, so the sums do not depend on input order.
  std::vector<std::pair<double, double>> pairs;
  for (size_t i = 0; i < x.size(); ++i) pairs.emplace_back(x[i], y[i]);
  std::sort(pairs.begin(), pairs.end());
  std::vector<double> xs, ys;
  for (const auto& [a, b] : pairs) {
    xs.push_back(a);
    ys.push_back(b);
  }
  const std::vector<double> rx = Ranks(xs);
  const std::vector<double> ry = Ranks(ys);
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n;
  const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx == 0 || syy == 0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace tractus::analytics
