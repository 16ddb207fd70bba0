#include "common/ordered_work.h"

#include <atomic>
#include <string>

#include "gtest/gtest.h"

namespace tractus {
namespace {

TEST(OrderedWorkTest, ResultsComeBackInSubmissionOrder) {
  std::atomic<int> running{0}, most{0};
  OrderedWork<int, int> pool(3, 8, [&](int& x) {
    const int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    // Later items finish first often enough to catch reordering.
    std::this_thread::sleep_for(std::chrono::microseconds((x % 7) * 50));
    --running;
    return x * x;
  });
  std::vector<int> got;
  const auto consume = [&](int& y) {
    got.push_back(y);
    return absl::OkStatus();
  };
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(pool.Submit(i, consume).ok());
  ASSERT_TRUE(pool.Finish(consume).ok());
  ASSERT_EQ(got.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(got[i], i * i);
  EXPECT_LE(most.load(), 3);
}

TEST(OrderedWorkTest, NoMoreThanTheWindowIsInFlight) {
  std::atomic<int> started{0};
  OrderedWork<int, int> pool(2, 4, [&](int& x) {
    ++started;
    return x;
  });
  int consumed = 0;
  const auto consume = [&](int&) {
    ++consumed;
    return absl::OkStatus();
  };
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(pool.Submit(i, consume).ok());
    // Submitted i + 1 items; at most 4 are not yet consumed.
    EXPECT_GE(consumed, i + 1 - 4);
  }
  ASSERT_TRUE(pool.Finish(consume).ok());
  EXPECT_EQ(consumed, 100);
  EXPECT_EQ(started.load(), 100);
}

TEST(OrderedWorkTest, TheFirstConsumerErrorIsReturnedAndTheRestDropped) {
  OrderedWork<int, int> pool(2, 4, [](int& x) { return x; });
  int consumed = 0;
  const auto consume = [&](int& y) -> absl::Status {
    ++consumed;
    if (y == 10) return absl::DataLossError("disk full");
    return absl::OkStatus();
  };
  absl::Status s;
  for (int i = 0; i < 100 && s.ok(); ++i) s = pool.Submit(i, consume);
  if (s.ok()) s = pool.Finish(consume);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(consumed, 11);
}

}  // namespace
}  // namespace tractus
