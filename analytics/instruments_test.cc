#include "analytics/instruments.h"

#include <cmath>
#include <set>

#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

TEST(InstrumentsTest, CatalogIsIndexedByMeasureValue) {
  const auto& all = AllMeasures();
  ASSERT_EQ(all.size(), 14u);
  std::set<std::string_view> names;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<int>(all[i].measure), static_cast<int>(i + 1));
    EXPECT_EQ(FindMeasure(static_cast<int>(i + 1)), &all[i]);
    EXPECT_LT(all[i].min_value, all[i].max_value) << all[i].name;
    EXPECT_FALSE(all[i].ucum_unit.empty()) << all[i].name;
    EXPECT_TRUE(names.insert(all[i].name).second) << all[i].name;
  }
  EXPECT_EQ(FindMeasure(0), nullptr);
  EXPECT_EQ(FindMeasure(15), nullptr);
  EXPECT_EQ(FindMeasure(-1), nullptr);
}

TEST(InstrumentsTest, CodesAndRulesFromDesign) {
  const MeasureInfo* nprs = FindMeasure(static_cast<int>(Measure::kNprs));
  EXPECT_EQ(nprs->loinc, "72514-3");
  EXPECT_EQ(nprs->mcid_points, 2);
  EXPECT_EQ(nprs->mcid_percent, 30);
  EXPECT_TRUE(nprs->integer);
  const MeasureInfo* odi = FindMeasure(static_cast<int>(Measure::kOdi));
  EXPECT_EQ(odi->loinc, "97909-6");
  EXPECT_EQ(odi->ucum_unit, "%");
  EXPECT_EQ(odi->mcid_points, 10);
  const MeasureInfo* rmdq = FindMeasure(static_cast<int>(Measure::kRmdq));
  EXPECT_TRUE(rmdq->loinc.empty());  // no LOINC code: local system
  EXPECT_EQ(rmdq->mcid_points, 5);
  EXPECT_EQ(FindMeasure(static_cast<int>(Measure::kPsfs))->direction,
            Direction::kHigherIsBetter);
  EXPECT_EQ(FindMeasure(static_cast<int>(Measure::kSixMinuteWalk))->loinc, "64098-7");
  EXPECT_EQ(FindMeasure(static_cast<int>(Measure::kDailySteps))->loinc, "41950-7");
  EXPECT_EQ(FindMeasure(static_cast<int>(Measure::kDailySteps))->ucum_unit, "/d");
}

// A responder threshold comes with its source, and a measure without one
// has no rule at all (docs/outcomes.md, "Thresholds").
TEST(InstrumentsTest, EveryThresholdIsCited) {
  for (const MeasureInfo& m : AllMeasures()) {
    if (m.threshold == ThresholdKind::kNone) {
      EXPECT_EQ(m.mcid_points, 0) << m.name;
      EXPECT_EQ(m.mcid_percent, 0) << m.name;
      EXPECT_TRUE(m.threshold_source.empty()) << m.name;
    } else {
      EXPECT_GT(m.mcid_points, 0) << m.name;
      EXPECT_FALSE(m.threshold_source.empty()) << m.name;
    }
  }
  // The flexion rule is the MDC95 from the SEM (2.77 x 4.6), not the SEM.
  const MeasureInfo* flexion = FindMeasure(static_cast<int>(Measure::kLumbarFlexion));
  EXPECT_EQ(flexion->threshold, ThresholdKind::kMdc95);
  EXPECT_NEAR(flexion->mcid_points, 1.959964 * std::sqrt(2.0) * 4.6, 0.005);
}

}  // namespace
}  // namespace tractus::analytics
