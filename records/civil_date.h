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

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_CIVIL_DATE_H_
