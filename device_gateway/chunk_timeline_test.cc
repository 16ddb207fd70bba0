#include "device_gateway/chunk_timeline.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tractus::device_gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ChunkTimelineTest, InOrderChunksFormThePrefix) {
  ChunkTimeline t;
  EXPECT_EQ(t.next_seq(), 0u);
  EXPECT_FALSE(t.SpanOf(0).has_value());
  t.Add(0, {0, 99});
  t.Add(1, {100, 199});
  EXPECT_EQ(t.next_seq(), 2u);
  EXPECT_TRUE(t.Stored(0));
  EXPECT_FALSE(t.Stored(2));
  ASSERT_TRUE(t.SpanOf(1).has_value());
  EXPECT_EQ(t.SpanOf(1)->last_ms, 199);
  EXPECT_FALSE(t.SpanOf(0).has_value());  // not kept: nothing new can neighbour it
  EXPECT_THAT(t.StoredAbove(), IsEmpty());
  EXPECT_EQ(t.stored_count(), 2u);
}

TEST(ChunkTimelineTest, GapsKeepChunksAboveUntilFilled) {
  ChunkTimeline t;
  t.Add(0, {0, 99});
  t.Add(3, {300, 399});
  t.Add(2, {200, 299});
  EXPECT_EQ(t.next_seq(), 1u);
  EXPECT_THAT(t.StoredAbove(), ElementsAre(2u, 3u));
  EXPECT_EQ(t.SpanOf(2)->first_ms, 200);
  EXPECT_FALSE(t.Stored(1));
  t.Add(1, {100, 199});  // fills the gap: 2 and 3 join the prefix
  EXPECT_EQ(t.next_seq(), 4u);
  EXPECT_THAT(t.StoredAbove(), IsEmpty());
  EXPECT_EQ(t.SpanOf(3)->last_ms, 399);
  EXPECT_EQ(t.stored_count(), 4u);
}

}  // namespace
}  // namespace tractus::device_gateway
