#include "common/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"

namespace tractus {
namespace {

TEST(WorkPoolTest, RunsEveryTaskOnItsOwnThreads) {
  WorkPool pool(3);
  absl::Mutex mu;
  std::set<std::thread::id> seen;
  std::atomic<int> ran{0};
  for (int i = 0; i < 1000; ++i) {
    pool.Post([&] {
      absl::MutexLock lock(&mu);
      seen.insert(std::this_thread::get_id());
      ++ran;
    });
  }
  pool.Stop();  // runs what is queued
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_LE(seen.size(), 3u);
  EXPECT_EQ(seen.count(std::this_thread::get_id()), 0u);
}

// A blocked task holds one thread; the others go on.
TEST(WorkPoolTest, ABlockedTaskDoesNotStopTheOthers) {
  WorkPool pool(2);
  absl::Notification release, other_ran;
  pool.Post([&] { release.WaitForNotification(); });
  pool.Post([&] { other_ran.Notify(); });
  EXPECT_TRUE(other_ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  release.Notify();
}

TEST(WorkPoolTest, TasksPostedAfterStopRunInThePostingThread) {
  WorkPool pool(1);
  pool.Stop();
  std::thread::id ran_on;
  pool.Post([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace tractus
