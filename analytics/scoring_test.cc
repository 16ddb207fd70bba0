#include "analytics/scoring.h"

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

// Worked examples follow the scoring instructions of each instrument's manual.

TEST(OdiTest, AllSectionsAnswered) {
  // Fairbank's example: total 16 out of a possible 50 -> 32 %.
  std::array<std::optional<int>, 10> s = {3, 2, 2, 1, 2, 1, 1, 2, 1, 1};
  OdiScore score = ScoreOdi(s);
  EXPECT_DOUBLE_EQ(score.percent, 32.0);
  EXPECT_EQ(score.answered, 10);
  EXPECT_EQ(OdiBand(score.percent), "moderate");
}

TEST(OdiTest, OneMissingSectionDropsFiveFromDenominator) {
  // Manual: 16 scored, one section missed -> 16 / 45 x 100 = 35.6 %.
  std::array<std::optional<int>, 10> s = {3, 2, 2, 1, 2, 1, 1, std::nullopt, 2, 2};
  OdiScore score = ScoreOdi(s);
  EXPECT_NEAR(score.percent, 35.555, 0.001);
  EXPECT_EQ(score.answered, 9);
}

TEST(OdiTest, TwoMissingSectionsAndExtremes) {
  std::array<std::optional<int>, 10> zero = {0, 0, 0, 0, 0, 0, 0, std::nullopt, 0, std::nullopt};
  EXPECT_DOUBLE_EQ(ScoreOdi(zero).percent, 0.0);
  EXPECT_EQ(ScoreOdi(zero).answered, 8);
  std::array<std::optional<int>, 10> max = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  EXPECT_DOUBLE_EQ(ScoreOdi(max).percent, 100.0);
  EXPECT_EQ(OdiBand(100), "bed-bound");
}

TEST(OdiTest, Bands) {
  EXPECT_EQ(OdiBand(0), "minimal");
  EXPECT_EQ(OdiBand(20), "minimal");
  EXPECT_EQ(OdiBand(20.1), "moderate");
  EXPECT_EQ(OdiBand(41), "severe");
  EXPECT_EQ(OdiBand(61), "crippled");
  EXPECT_EQ(OdiBand(81), "bed-bound");
}

TEST(RmdqTest, CountsYesAnswers) {
  std::vector<bool> items(24, false);
  EXPECT_EQ(ScoreRmdq(items), 0);
  items[0] = items[5] = items[23] = true;
  EXPECT_EQ(ScoreRmdq(items), 3);
  EXPECT_EQ(ScoreRmdq(std::vector<bool>(24, true)), 24);
}

TEST(PromisTest, RawScoreIsTheSum) {
  EXPECT_EQ(ScorePromisPi6aRaw({1, 1, 1, 1, 1, 1}), 6);
  EXPECT_EQ(ScorePromisPi6aRaw({3, 4, 2, 5, 3, 4}), 21);
  EXPECT_EQ(ScorePromisPi6aRaw({5, 5, 5, 5, 5, 5}), 30);
}

TScoreTable IllustrativeTable() {
  // NOT a clinical table: an evenly spaced table to test the mechanism.
  TScoreTable t{"test-linear-1", "unit test fixture, not for clinical use", {}};
  for (size_t i = 0; i < t.t_by_raw.size(); ++i) t.t_by_raw[i] = 40.0 + 1.5 * i;
  return t;
}

TEST(PromisTest, NoTableMeansNoTScore) {
  EXPECT_EQ(PromisTScore(nullptr, 18), std::nullopt);
}

TEST(PromisTest, TableLookupByRawScore) {
  TScoreTable t = IllustrativeTable();
  ASSERT_EQ(CheckTScoreTable(t), std::nullopt);
  EXPECT_DOUBLE_EQ(*PromisTScore(&t, 6), 40.0);
  EXPECT_DOUBLE_EQ(*PromisTScore(&t, 30), 76.0);
}

TEST(PromisTest, CheckTScoreTableRejectsBadTables) {
  TScoreTable t = IllustrativeTable();
  t.source.clear();
  EXPECT_NE(CheckTScoreTable(t), std::nullopt);
  t = IllustrativeTable();
  t.t_by_raw[10] = t.t_by_raw[9];
  EXPECT_NE(CheckTScoreTable(t), std::nullopt);
  t = IllustrativeTable();
  t.t_by_raw[0] = 5;
  EXPECT_NE(CheckTScoreTable(t), std::nullopt);
}

TEST(PsfsTest, ScoreIsTheMean) {
  EXPECT_DOUBLE_EQ(ScorePsfs({3, 4, 5}), 4.0);
  EXPECT_DOUBLE_EQ(ScorePsfs({0, 10, 5, 6, 2}), 4.6);
}

}  // namespace
}  // namespace tractus::analytics
