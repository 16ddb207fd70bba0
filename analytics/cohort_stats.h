// Statistics for cohorts of episodes. Pure functions. Every cohort figure
// is suppressed (reported as absent) for cells of fewer than
// kMinCellPatients patients, so that no small group can be singled out.
#ifndef TRACTUS_ANALYTICS_COHORT_STATS_H_
#define TRACTUS_ANALYTICS_COHORT_STATS_H_

#include <optional>
#include <vector>

namespace tractus::analytics {

inline constexpr int kMinCellPatients = 11;

struct Interval {
  double estimate;
  double low;   // 95 %
  double high;  // 95 %
};

// Proportion successes / n with the Wilson score interval. `successes` may
// be fractional (a protected numerator, disclosure.h).
// REQUIRES: 0 <= successes <= n, n > 0.
Interval WilsonInterval(double successes, int n);

// Mean with Student's t 95 % interval: mean -+ t(0.975, n-1) * s / sqrt(n).
// REQUIRES: values.size() >= 2.
// Like every function here, depends only on the multiset of values, not on
// their order.
Interval MeanInterval(std::vector<double> values);

// Median with the distribution-free interval between the order statistics
// of ranks l and n + 1 - l, l the largest rank with P(Bin(n, 1/2) < l) <=
// 0.025 (coverage >= 95 %; ranks 1 and n when n < 6). REQUIRES:
// !values.empty().
Interval MedianInterval(std::vector<double> values);

// One subject's time to an event, or to censoring.
struct TimeToEvent {
  int time;     // e.g. the week of first sustained response, or of the last data
  bool event;   // false: censored (dropped out or never responded)
};

struct KaplanMeierStep {
  int time;
  int at_risk;
  int events;
  int censored;
  double survival;        // P(no event by the end of `time`)
  double cumulative;      // 1 - survival: P(event by `time`)
  // 95 % interval of `cumulative`: Greenwood's variance on the log-log
  // scale (Kalbfleisch & Prentice). Unset while survival is 1 (no event
  // yet) or 0.
  std::optional<double> cumulative_low;
  std::optional<double> cumulative_high;
};

// The Kaplan–Meier estimate, one step per distinct time with an event or a
// censoring, in time order. Censorings at a time count as at risk for that
// time's events (the usual convention).
std::vector<KaplanMeierStep> KaplanMeier(std::vector<TimeToEvent> subjects);

// What one step of the estimate needs.
struct KaplanMeierCounts {
  int time;
  int at_risk;
  int events;  // REQUIRES: <= at_risk
  int censored;
};

// The estimate from step counts given in time order (e.g. protected
// counts, which need not add up from one step to the next).
std::vector<KaplanMeierStep> KaplanMeierFromCounts(const std::vector<KaplanMeierCounts>& counts);

// Spearman's rank correlation (average ranks for ties).
// nullopt when fewer than 3 pairs or a variable is constant.
std::optional<double> Spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_COHORT_STATS_H_
