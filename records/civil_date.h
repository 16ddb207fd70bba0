// Civil dates (tractus.v1.Date) and the episode window in a clinic's zone.
#ifndef TRACTUS_RECORDS_CIVIL_DATE_H_
#define TRACTUS_RECORDS_CIVIL_DATE_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tractus/v1/common.pb.h"

namespace tractus::records {

// Day 84 closes the 12-week window (weeks 0..12).
inline constexpr int kEpisodeWindowDays = 84;

// True if `date` names a real calendar day in 1900..2200.
bool IsValidDate(const v1::Date& date);

// REQUIRES: IsValidDate(date).
absl::CivilDay ToCivilDay(const v1::Date& date);
v1::Date FromCivilDay(absl::CivilDay day);

// Days since 1970-01-01 (negative before). REQUIRES: IsValidDate(date).
int64_t DaysSinceEpoch(const v1::Date& date);

// "YYYY-MM-DD".
std::string FormatDate(const v1::Date& date);

// The first instant of `date` in `zone` (local midnight, or the first valid
// instant after it on a day whose midnight is skipped).
absl::Time StartOfDay(const v1::Date& date, const absl::TimeZone& zone);

// Day numbers of instants in a zone, counted from a civil day: what
// absl::ToCivilDay(t, zone) - first gives, without a zone lookup for each
// instant. Remembers the UTC offset in force around the last instant it
// looked up and the span it holds for (between two offset changes), so an
// episode's observations — weeks without a DST change — cost one lookup or
// two. Thread-compatible.
class DayCounter {
 public:
  DayCounter(absl::TimeZone zone, absl::CivilDay first) : zone_(zone), first_(first) {}

  int DayOf(absl::Time t);

 private:
  // Looks up the offset at `t` and the span it holds for.
  void Refresh(absl::Time t);

  absl::TimeZone zone_;
  absl::CivilDay first_;
  int64_t first_epoch_day_ = first_ - absl::CivilDay(1970, 1, 1);
  int64_t offset_seconds_ = 0;
  absl::Time valid_from_ = absl::InfiniteFuture();  // empty until the first lookup
  absl::Time valid_until_ = absl::InfinitePast();
};

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_CIVIL_DATE_H_
