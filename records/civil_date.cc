#include "records/civil_date.h"

#include "absl/strings/str_format.h"

namespace tractus::records {

bool IsValidDate(const v1::Date& date) {
  if (date.year() < 1900 || date.year() > 2200) return false;
  if (date.month() < 1 || date.month() > 12) return false;
  if (date.day() < 1 || date.day() > 31) return false;
  // CivilDay normalizes Feb 30 to Mar 2: a real date survives unchanged.
  absl::CivilDay day(date.year(), date.month(), date.day());
  return day.month() == date.month() && day.day() == date.day();
}

absl::CivilDay ToCivilDay(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Date FromCivilDay(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

int64_t DaysSinceEpoch(const v1::Date& date) {
  return ToCivilDay(date) - absl::CivilDay(1970, 1, 1);
}

std::string FormatDate(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

absl::Time StartOfDay(const v1::Date& date, const absl::TimeZone& zone) {
  return zone.At(absl::CivilSecond(ToCivilDay(date))).pre;
}

}  // namespace tractus::records
