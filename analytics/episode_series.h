// Basic views of one measure over an episode: the pre-treatment baseline
// rule, weekly medians and per-day summaries (docs/outcomes.md). Pure
// functions.
#ifndef TRACTUS_ANALYTICS_EPISODE_SERIES_H_
#define TRACTUS_ANALYTICS_EPISODE_SERIES_H_

#include <cstdint>
#include <functional>
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

// One assessment of a measure: its episode day, value and instant.
// "Course" series hold the assessments that outcome rules read: never a
// table's post-session pain (that is the session's immediate effect).
struct Assessment {
  int day;
  double value;
  int64_t unix_seconds;
};

// The week of `day`: floor(day / 7); negative days give negative weeks.
int WeekOfDay(int day);

enum class BaselineRule {
  // The last value of days -14..0 recorded no later than the start of the
  // first traction session (all of them while no session has started).
  kPreTreatment = 1,
  // None of those: the first value of week 0 (days 0..6).
  kFirstOfWeek0 = 2,
};

struct BaselinePick {
  size_t index;  // into the course series
  BaselineRule rule;
};

// The pre-treatment baseline of a course series (DESIGN.md), or nullopt.
// `first_treatment_unix`: when the episode's first traction session
// started; nullopt while none has.
// REQUIRES: `course` sorted by time.
std::optional<BaselinePick> PickBaseline(const std::vector<Assessment>& course,
                                         std::optional<int64_t> first_treatment_unix);

// The median of each week 0..12 (nullopt for a week with no value).
std::vector<std::optional<double>> WeeklyMedians(const std::vector<Assessment>& course);

// The median of `values` (mean of the middle two when even).
// REQUIRES: !values.empty().
double Median(std::vector<double> values);

// Assessments grouped by a key (an episode day or week), each group
// summarized by its median, and the instant from which that median has
// satisfied a condition without a break: the time of the data that made it
// true.
struct Summary {
  int key;                 // the day or week
  double median;
  int64_t first_unix;      // the group's first assessment
  // The earliest assessment after which the median of every longer prefix
  // of the group (in time order) satisfies the condition; unset if the
  // whole group's median does not.
  std::optional<int64_t> holds_since_unix;
};

// Groups `course` (sorted by time) by `key_of(assessment)` in key order and
// summarizes each group against `condition` on its median.
std::vector<Summary> Summarize(const std::vector<Assessment>& course,
                               const std::function<int(const Assessment&)>& key_of,
                               const std::function<bool(double)>& condition);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_EPISODE_SERIES_H_
