// The treatment course: sessions done against the plan (overall, to date
// and by week) and the cumulative traction dose. Pure.
#ifndef TRACTUS_ANALYTICS_COURSE_H_
#define TRACTUS_ANALYTICS_COURSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tractus::analytics {

// One finalized traction session, reduced to what outcomes need.
struct SessionFact {
  std::string session_id;
  int day = 0;                // episode day of its start
  int64_t end_unix = 0;       // when it ended (start + duration), seconds
  bool aborted = false;
  int patient_stops = 0;
  int overshoots = 0;
  double dose_newton_seconds = 0;
};

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
  double overall = 0;              // done / planned
  std::optional<double> to_date;   // done in those weeks / planned_to_date
  std::vector<WeekAdherence> weeks;  // weeks 0..12
  double dose_newton_seconds = 0;
};

// The plan allows `per_week` sessions a week until `planned` are used up.
// Aborted sessions count as attended (the patient came).
Adherence ComputeAdherence(const std::vector<SessionFact>& sessions, int planned,
                           int per_week, int today_day);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_COURSE_H_
