#include "outcomes/summary_snapshot.h"

#include <gtest/gtest.h>

#include "common/status_matchers.h"

namespace tractus::outcomes {
namespace {

using testing::IsOk;
using testing::StatusIs;

bool Same(const analytics::EpisodeSummary& a, const analytics::EpisodeSummary& b) {
  return a.baseline == b.baseline && a.weekly == b.weekly && a.last_week == b.last_week &&
         a.first_sustained_response_week == b.first_sustained_response_week &&
         a.dropped_out == b.dropped_out && a.dose_through_week == b.dose_through_week &&
         a.today_day == b.today_day;
}

SummarySnapshot Example() {
  SummarySnapshot s;
  s.build_id = "4eb3b35c";
  s.store_identity = "7d1c-identity";
  s.sequence = 123456789;
  analytics::EpisodeSummary full;
  full.baseline = 7;
  for (size_t i = 0; i < full.weekly.size(); ++i) full.weekly[i] = 7 - 0.25 * i;
  full.last_week = 12;
  full.first_sustained_response_week = 6;
  for (size_t i = 0; i < full.dose_through_week.size(); ++i) {
    full.dose_through_week[i] = 123456.789 * static_cast<double>(i);
  }
  analytics::EpisodeSummary sparse;  // nothing but what is always there
  sparse.dropped_out = true;
  sparse.last_week = -1;
  analytics::EpisodeSummary gaps;
  gaps.baseline = 0;
  gaps.weekly[0] = 5;
  gaps.weekly[12] = 1e-300;
  s.summaries = {{"ep_a", full}, {"ep_b", sparse}, {"ep_\0c", gaps}};
  return s;
}

TEST(SummarySnapshotTest, RoundTrips) {
  const SummarySnapshot s = Example();
  auto back = DecodeSummarySnapshot(EncodeSummarySnapshot(s));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->build_id, s.build_id);
  EXPECT_EQ(back->store_identity, s.store_identity);
  EXPECT_EQ(back->sequence, s.sequence);
  ASSERT_EQ(back->summaries.size(), s.summaries.size());
  for (size_t i = 0; i < s.summaries.size(); ++i) {
    EXPECT_EQ(back->summaries[i].first, s.summaries[i].first);
    EXPECT_TRUE(Same(back->summaries[i].second, s.summaries[i].second)) << i;
  }
  EXPECT_THAT(DecodeSummarySnapshot(EncodeSummarySnapshot(SummarySnapshot{})), IsOk());
}

TEST(SummarySnapshotTest, AnyDamageIsDataLoss) {
  const std::string bytes = EncodeSummarySnapshot(Example());
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::string flipped = bytes;
    flipped[at] ^= 0x20;
    EXPECT_THAT(DecodeSummarySnapshot(flipped), StatusIs(absl::StatusCode::kDataLoss)) << at;
    EXPECT_THAT(DecodeSummarySnapshot(bytes.substr(0, at)), StatusIs(absl::StatusCode::kDataLoss))
        << at;
  }
  EXPECT_THAT(DecodeSummarySnapshot(bytes + "x"), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace tractus::outcomes
