#include "outcomes/cohort_shares.h"

#include <gtest/gtest.h>

#include "outcomes/outcomes.h"

namespace tractus::outcomes {
namespace {

const std::string kClusterKey(48, 'c');
const std::string kMerge = "merge-0123456789abcdef";

analytics::EpisodeSummary Summary(int i) {
  analytics::EpisodeSummary s;
  s.baseline = 6 + i % 3;
  for (int w = 0; w < analytics::kEpisodeWeeks; w += 1 + i % 2) s.weekly[w] = 7 - w * 0.5;
  s.last_week = 12;
  if (i % 2 == 0) s.first_sustained_response_week = 4 + i % 5;
  s.dropped_out = i % 7 == 0;
  for (int w = 0; w < analytics::kEpisodeWeeks; ++w) s.dose_through_week[w] = 1000.0 * i * (w + 1);
  s.today_day = 60 + 3 * i;  // episodes at different weeks
  s.record_key = 0x9e3779b97f4a7c15ULL * (i + 1);  // as a shard's keys would be
  return s;
}

v1::GetCohortOutcomesRequest Cohort() {
  v1::GetCohortOutcomesRequest c;
  c.set_condition(v1::CONDITION_SCIATICA);
  c.add_clinic_ids("cl_b");
  c.add_clinic_ids("cl_a");
  return c;
}

class CohortSharesTest : public ::testing::Test {
 protected:
  CohortShares Shard(const std::string& id, const std::string& key = kClusterKey) {
    auto shares = CohortShares::Create(key, id, &clock_);
    EXPECT_TRUE(shares.ok());
    return std::move(*shares);
  }
  v1::MergeCohortPartialsRequest Merge(std::initializer_list<std::string> partials) {
    v1::MergeCohortPartialsRequest req;
    *req.mutable_cohort() = Cohort();
    req.set_merge_id(kMerge);
    for (const std::string& p : partials) req.add_partials(p);
    return req;
  }
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
};

TEST_F(CohortSharesTest, MergedSharesComputeTheSameCohortAsOneServer) {
  std::vector<analytics::EpisodeSummary> all, a, b;
  for (int i = 0; i < 40; ++i) {
    all.push_back(Summary(i));
    (i < 13 ? a : b).push_back(Summary(i));
  }
  CohortShares one = Shard("sh_0000000000000001");
  CohortShares two = Shard("sh_0000000000000002");
  v1::GetCohortOutcomesRequest reordered = Cohort();  // clinic order does not matter
  reordered.mutable_clinic_ids()->SwapElements(0, 1);
  auto opened = two.Open(Merge({one.Seal(Cohort(), kMerge, a).sealed(),
                                two.Seal(reordered, kMerge, b).sealed()}));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->shard_ids,
            (std::vector<std::string>{"sh_0000000000000001", "sh_0000000000000002"}));
  // Protected figures, bit for bit: the record keys travel in the shares.
  const std::string merged = CohortToProto(analytics::ComputeCohort(opened->episodes)).SerializeAsString();
  EXPECT_EQ(merged, CohortToProto(analytics::ComputeCohort(all)).SerializeAsString());
  EXPECT_NE(merged, CohortToProto(analytics::ComputeCohort(all, analytics::Protection::kNone))
                        .SerializeAsString());
  // Without the keys (a share that dropped them) the figures would differ.
  for (analytics::EpisodeSummary& e : opened->episodes) e.record_key = 0;
  EXPECT_NE(CohortToProto(analytics::ComputeCohort(opened->episodes)).SerializeAsString(), merged);
}

TEST_F(CohortSharesTest, ShareRevealsNothingReadable) {
  CohortShares one = Shard("sh_0000000000000001");
  const std::string sealed = one.Seal(Cohort(), kMerge, {Summary(1)}).sealed();
  EXPECT_EQ(sealed.find("sh_0000000000000001"), std::string::npos);
  EXPECT_EQ(sealed.find(kMerge), std::string::npos);
}

TEST_F(CohortSharesTest, RefusesSharesThatDoNotBelongTogether) {
  CohortShares one = Shard("sh_0000000000000001");
  CohortShares two = Shard("sh_0000000000000002");
  const std::string share = one.Seal(Cohort(), kMerge, {Summary(1)}).sealed();

  // Counting one shard twice would lift a small cell over the threshold.
  auto twice = two.Open(Merge({share, share}));
  EXPECT_TRUE(absl::IsInvalidArgument(twice.status()));
  EXPECT_NE(twice.status().message().find("partials[1]"), std::string::npos);

  v1::GetCohortOutcomesRequest other = Cohort();
  other.set_condition(v1::CONDITION_SPINAL_STENOSIS);
  EXPECT_TRUE(absl::IsInvalidArgument(
      two.Open(Merge({one.Seal(other, kMerge, {}).sealed()})).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      two.Open(Merge({one.Seal(Cohort(), "another-merge-id-000", {}).sealed()})).status()));

  CohortShares foreign = Shard("sh_0000000000000003", std::string(48, 'x'));
  EXPECT_TRUE(absl::IsInvalidArgument(
      two.Open(Merge({foreign.Seal(Cohort(), kMerge, {}).sealed()})).status()));
  std::string tampered = share;
  tampered[tampered.size() / 2] ^= 0x20;
  EXPECT_TRUE(absl::IsInvalidArgument(two.Open(Merge({tampered})).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(two.Open(Merge({})).status()));

  v1::MergeCohortPartialsRequest bad_id = Merge({share});
  bad_id.set_merge_id("short");
  EXPECT_TRUE(absl::IsInvalidArgument(two.Open(bad_id).status()));
}

TEST_F(CohortSharesTest, SharesExpire) {
  CohortShares one = Shard("sh_0000000000000001");
  const std::string share = one.Seal(Cohort(), kMerge, {Summary(1)}).sealed();
  clock_.Advance(kShareLifetime - absl::Seconds(1));
  EXPECT_TRUE(one.Open(Merge({share})).ok());
  clock_.Advance(absl::Seconds(2));
  EXPECT_TRUE(absl::IsFailedPrecondition(one.Open(Merge({share})).status()));
}

TEST(CohortDigestTest, DependsOnEveryFilterField) {
  const std::string base = CohortDigest(Cohort());
  v1::GetCohortOutcomesRequest c = Cohort();
  c.mutable_start_from()->set_year(2026);
  EXPECT_NE(CohortDigest(c), base);
  c = Cohort();
  c.mutable_start_to()->set_year(2026);
  EXPECT_NE(CohortDigest(c), base);
  c = Cohort();
  c.add_clinic_ids("cl_c");
  EXPECT_NE(CohortDigest(c), base);
  c = Cohort();
  c.add_clinic_ids("cl_a");  // a repeat names no new clinic
  EXPECT_EQ(CohortDigest(c), base);
}

}  // namespace
}  // namespace tractus::outcomes
