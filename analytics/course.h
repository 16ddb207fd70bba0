// The treatment course: sessions done against the plan's week-by-week
// schedule (overall, to date and by week), the cumulative traction dose,
// and the immediate effect of sessions (console pain before minus after).
// Pure.
#ifndef TRACTUS_ANALYTICS_COURSE_H_
#define TRACTUS_ANALYTICS_COURSE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/episode_series.h"

namespace tractus::analytics {

// One traction session, reduced to what outcomes need.
struct SessionFact {
  std::string session_id;
  int day = 0;                // episode day of its start
  int64_t end_unix = 0;       // when it ended (start + duration), seconds
  bool aborted = false;
  int patient_stops = 0;
  int overshoots = 0;
  double dose_newton_seconds = 0;
  // Pain typed at the table's console before and after the session.
  std::optional<int> pre_pain;
  std::optional<int> post_pain;
};

// Sessions planned in each episode week 0..12 (week 0 = days 0..6 is the
// course's first week).
using WeeklySchedule = std::array<int, kEpisodeWeeks>;

// A plan without a week-by-week schedule: `per_week` sessions a week until
// `planned` are used up.
WeeklySchedule EvenSchedule(int planned, int per_week);

struct WeekAdherence {
  int week;
  int done;
  int planned;
};

struct Adherence {
  int done = 0;
  int planned = 0;
  // Sessions planned in the weeks that have fully passed by `today_day`.
  int planned_to_date = 0;
  int done_to_date = 0;
  double overall = 0;              // done / planned
  std::optional<double> to_date;   // min(1, done_to_date / planned_to_date)
  std::vector<WeekAdherence> weeks;  // weeks 0..12
  double dose_newton_seconds = 0;
};

// Sessions done against `schedule` as of `today_day`. Aborted sessions
// count as attended (the patient came); sessions before day 0 count toward
// week 0.
Adherence ComputeAdherence(const std::vector<SessionFact>& sessions,
                           const WeeklySchedule& schedule, int today_day);

// The immediate effect of sessions: pre - post console pain of each
// session that has both (positive = pain relieved), and their mean. Kept
// apart from the course's outcome rules (a post-session value is never a
// baseline, a response or a worsening).
struct SessionEffect {
  std::string session_id;
  int day;
  int pre;
  int post;
};
struct ImmediateEffect {
  std::vector<SessionEffect> sessions;  // in the order given
  std::optional<double> mean_relief;    // mean of pre - post
};
ImmediateEffect ComputeImmediateEffect(const std::vector<SessionFact>& sessions);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_COURSE_H_
