#include "records/civil_date.h"

#include <algorithm>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace tractus::records {
namespace {

// DayCounter agrees with a zone lookup per instant everywhere, in any
// order: around every offset change (exactly at it, a second and half a
// second either side) and all through two years, in zones with one-hour,
// half-hour and whole-day changes and none.
TEST(DayCounterTest, AgreesWithAZoneLookupForEveryInstant) {
  const absl::CivilDay first(2026, 10, 1);
  for (const char* name : {"America/Chicago", "Australia/Lord_Howe", "Europe/London",
                           "Pacific/Apia", "Asia/Kolkata", "UTC"}) {
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
    const absl::Time from = absl::FromCivil(absl::CivilDay(2010, 1, 1), zone);
    const absl::Time to = absl::FromCivil(absl::CivilDay(2028, 1, 1), zone);
    std::vector<absl::Time> instants;
    for (absl::Time t = from; t < to; t += absl::Minutes(37 * 60 + 11)) instants.push_back(t);
    absl::TimeZone::CivilTransition change;
    for (absl::Time t = from; zone.NextTransition(t, &change);) {
      // The change's instant: its civil time before, in the offset before.
      const absl::Time before = t;
      const absl::Time at = absl::FromCivil(change.to, zone);  // just at or after it
      for (absl::Duration d :
           {absl::ZeroDuration(), absl::Seconds(1), absl::Milliseconds(500), absl::Seconds(-1),
            absl::Milliseconds(-500), absl::Hours(-1), absl::Hours(1)}) {
        instants.push_back(at + d);
      }
      t = std::max(at, before + absl::Seconds(1));
      if (t > to) break;
    }
    std::vector<std::vector<absl::Time>> orders = {instants, instants, instants};
    std::reverse(orders[1].begin(), orders[1].end());
    std::shuffle(orders[2].begin(), orders[2].end(), std::mt19937(7));
    for (const auto& order : orders) {
      DayCounter days(zone, first);
      for (absl::Time t : order) {
        ASSERT_EQ(days.DayOf(t), absl::ToCivilDay(t, zone) - first)
            << name << " " << absl::FormatTime(t, absl::UTCTimeZone());
      }
    }
  }
}

}  // namespace
}  // namespace tractus::records
