#include "analytics/cohort_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/distributions/binomial.hpp>

#include "analytics/episode_series.h"
#include "analytics/trend.h"

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

Interval WilsonInterval(double successes, int n) {
  const double p = successes / n;
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
  const double half = StudentT975(n - 1) * std::sqrt(ss / (n - 1) / n);
  return {mean, mean - half, mean + half};
}

Interval MedianInterval(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const boost::math::binomial_distribution<double> bin(static_cast<double>(n), 0.5);
  // The largest rank l in [1, n/2] with P(X <= l - 1) <= 0.025: start
  // from the normal approximation and step to the exact rank (the CDF is
  // increasing, so a few evaluations settle it).
  const auto fits = [&](size_t rank) {  // P(X <= rank - 1) <= 0.025
    return rank == 1 || boost::math::cdf(bin, static_cast<double>(rank - 1)) <= 0.025;
  };
  const double guess = std::floor(n / 2.0 - kZ * std::sqrt(static_cast<double>(n)) / 2.0);
  size_t l = std::clamp<size_t>(guess > 1 ? static_cast<size_t>(guess) : 1, 1,
                                std::max<size_t>(1, n / 2));
  while (l > 1 && !fits(l)) --l;
  while (l + 1 <= n / 2 && fits(l + 1)) ++l;
  return {Median(values), values[l - 1], values[n - l]};
}

std::vector<KaplanMeierStep> KaplanMeier(std::vector<TimeToEvent> subjects) {
  std::sort(subjects.begin(), subjects.end(),
            [](const TimeToEvent& a, const TimeToEvent& b) { return a.time < b.time; });
  std::vector<KaplanMeierCounts> counts;
  int at_risk = static_cast<int>(subjects.size());
  for (size_t i = 0; i < subjects.size();) {
    KaplanMeierCounts c{subjects[i].time, at_risk, 0, 0};
    while (i < subjects.size() && subjects[i].time == c.time) {
      (subjects[i].event ? c.events : c.censored)++;
      ++i;
    }
    counts.push_back(c);
    at_risk -= c.events + c.censored;
  }
  return KaplanMeierFromCounts(counts);
}

std::vector<KaplanMeierStep> KaplanMeierFromCounts(const std::vector<KaplanMeierCounts>& counts) {
  std::vector<KaplanMeierStep> steps;
  double survival = 1.0;
  double greenwood = 0;  // sum of d / (n (n - d)) over the event times so far
  for (const KaplanMeierCounts& c : counts) {
    if (c.at_risk > 0) survival *= 1.0 - static_cast<double>(c.events) / c.at_risk;
    if (c.events > 0 && c.events < c.at_risk) {
      greenwood += static_cast<double>(c.events) /
                   (static_cast<double>(c.at_risk) * (c.at_risk - c.events));
    }
    KaplanMeierStep step{c.time, c.at_risk, c.events, c.censored, survival, 1 - survival, {}, {}};
    if (survival > 0 && survival < 1) {
      const double se = std::sqrt(greenwood) / std::fabs(std::log(survival));
      const double survival_low = std::pow(survival, std::exp(kZ * se));
      const double survival_high = std::pow(survival, std::exp(-kZ * se));
      step.cumulative_low = 1 - survival_high;
      step.cumulative_high = 1 - survival_low;
    }
    steps.push_back(step);
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
