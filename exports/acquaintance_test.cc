#include "exports/acquaintance.h"

#include "gtest/gtest.h"

namespace tractus::exports {
namespace {

TEST(AcquaintanceTest, CountBands) {
  EXPECT_EQ(CountBand(0), "0");
  EXPECT_EQ(CountBand(1), "1-4");
  EXPECT_EQ(CountBand(4), "1-4");
  EXPECT_EQ(CountBand(5), "5-9");
  EXPECT_EQ(CountBand(14), "10-14");
  EXPECT_EQ(CountBand(39), "35-39");
  EXPECT_EQ(CountBand(40), "40+");
  EXPECT_EQ(CountBand(400), "40+");
}

TEST(AcquaintanceTest, RoundSignificant) {
  EXPECT_DOUBLE_EQ(RoundSignificant(123456, 2), 120000);
  EXPECT_DOUBLE_EQ(RoundSignificant(0.8571, 1), 0.9);
  EXPECT_DOUBLE_EQ(RoundSignificant(0, 2), 0);
}

// A hand table: one class of six subjects.
//   subject  sessions  measures  days  weeks
//   1        12        1         3     1
//   2        12        1         3     1
//   3        13        1         4     1
//   4        17        2         9     2
//   5        18        2         10    2
//   6        18        2         11    2
// Sessions alone: 13 and 17 are unique -> 2/6. + measures: the same ->
// 2/6. + days: 3, 4 ... subjects 3, 4, 5, 6 unique (1 and 2 share 3 days)
// -> 4/6. In bands (10-14, 15-19): nobody unique on sessions; + measures:
// nobody ((10-14,1) x3, (15-19,2) x3); + weeks: nobody.
TEST(AcquaintanceTest, UniquenessSharesOnAHandTable) {
  std::vector<KnownFacts> e = {
      {1, 7, 12, 1, 3, 1}, {2, 7, 12, 1, 3, 1},  {3, 7, 13, 1, 4, 1},
      {4, 7, 17, 2, 9, 2}, {5, 7, 18, 2, 10, 2}, {6, 7, 18, 2, 11, 2},
  };
  v1::ExportCoarsening none;
  auto shares = UniquenessShares(e, none);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(shares[0].known(), "sessions_done");
  EXPECT_DOUBLE_EQ(shares[0].exact(), 2.0 / 6);
  EXPECT_DOUBLE_EQ(shares[1].exact(), 2.0 / 6);
  EXPECT_DOUBLE_EQ(shares[2].exact(), 4.0 / 6);
  EXPECT_DOUBLE_EQ(shares[2].released(), 4.0 / 6);  // nothing coarsened
  v1::ExportCoarsening both;
  both.set_count_bands(true);
  both.set_days_as_weeks(true);
  shares = UniquenessShares(e, both);
  EXPECT_DOUBLE_EQ(shares[2].exact(), 4.0 / 6);
  EXPECT_DOUBLE_EQ(shares[0].released(), 0);
  EXPECT_DOUBLE_EQ(shares[1].released(), 0);
  EXPECT_DOUBLE_EQ(shares[2].released(), 0);
  // A subject is unique when any of its episodes is.
  e.push_back({1, 7, 30, 1, 3, 1});
  EXPECT_DOUBLE_EQ(UniquenessShares(e, none)[0].exact(), 3.0 / 6);
}

}  // namespace
}  // namespace tractus::exports
