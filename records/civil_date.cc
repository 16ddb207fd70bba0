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

namespace {

// Seconds from 1970-01-01T00:00 to `cs`, as if `cs` were UTC.
int64_t UtcSeconds(absl::CivilSecond cs) { return cs - absl::CivilSecond(1970, 1, 1, 0, 0, 0); }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void DayCounter::Refresh(absl::Time t) {
  offset_seconds_ = zone_.At(t).offset;
  // Offsets change at whole seconds. A change exactly at `t` is the one
  // that brought this offset in: look from just after it.
  const absl::Time probe = absl::FromUnixSeconds(absl::ToUnixSeconds(t)) + absl::Seconds(1);
  absl::TimeZone::CivilTransition change;
  // The last change: its civil time after (`to`) is in this offset.
  valid_from_ = zone_.PrevTransition(probe, &change)
                    ? absl::FromUnixSeconds(UtcSeconds(change.to) - offset_seconds_)
                    : absl::InfinitePast();
  // The next one: its civil time before (`from`) is in this offset.
  valid_until_ = zone_.NextTransition(t, &change)
                     ? absl::FromUnixSeconds(UtcSeconds(change.from) - offset_seconds_)
                     : absl::InfiniteFuture();
  if (!(valid_from_ <= t && t < valid_until_)) {
    valid_from_ = valid_until_ = t;  // not understood: no span, look up every time
  }
}

int DayCounter::DayOf(absl::Time t) {
  if (!(valid_from_ <= t && t < valid_until_)) {
    Refresh(t);
    if (valid_from_ == valid_until_) {
      return static_cast<int>(absl::ToCivilDay(t, zone_) - first_);
    }
  }
  const int64_t local = FloorDiv(absl::ToUnixSeconds(t) + offset_seconds_, 86400);
  return static_cast<int>(local - first_epoch_day_);
}

}  // namespace tractus::records
