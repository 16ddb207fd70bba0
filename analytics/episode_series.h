// Basic views of one measure over an episode: the baseline rule and weekly
// medians (DESIGN.md "The 12-week outcome view"). Pure functions.
#ifndef TRACTUS_ANALYTICS_EPISODE_SERIES_H_
#define TRACTUS_ANALYTICS_EPISODE_SERIES_H_

#include <optional>
#include <vector>

namespace tractus::analytics {

// Weeks 0..12 of the 12-week window; day 84 opens week 12.
inline constexpr int kEpisodeWeeks = 13;
// The baseline looks back this many days before day 0.
inline constexpr int kBaselineLookbackDays = 14;

// One value on an episode day (day 0 = episode start in the clinic's zone;
// negative = before the start).
struct DayValue {
  int day;
  double value;
};

// The week of `day`: floor(day / 7); negative days give negative weeks.
int WeekOfDay(int day);

// The pre-treatment value: the last value in days -14..0, else the first
// value of week 0 (days 1..6), else nullopt.
// REQUIRES: `series` sorted by day (stable for equal days: later = later).
std::optional<double> Baseline(const std::vector<DayValue>& series);

// The median of each week 0..12 (nullopt for a week with no value).
std::vector<std::optional<double>> WeeklyMedians(const std::vector<DayValue>& series);

// The median of `values` (mean of the middle two when even).
// REQUIRES: !values.empty().
double Median(std::vector<double> values);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_EPISODE_SERIES_H_
