#include "device_gateway/commit_queue.h"

#include <variant>

#include "absl/synchronization/notification.h"
#include "common/status_matchers.h"
#include "device_gateway/gateway_test_util.h"

namespace tractus::device_gateway {
namespace {

using testing::IsOk;

class CommitQueueTest : public GatewayTest {
 protected:
  Uploads::Opened Open(const v1::Device& device, const std::string& id) {
    auto opened = uploads_->OpenSession(device, Header(id, Now0() - absl::Minutes(40)));
    EXPECT_THAT(opened, IsOk());
    return *opened;
  }

  std::vector<Uploads::AcceptedChunk> Accept(const Uploads::Opened& s, uint32_t first, int n) {
    std::vector<Uploads::AcceptedChunk> out;
    for (uint32_t seq = first; seq < first + static_cast<uint32_t>(n); ++seq) {
      auto decision = uploads_->AcceptChunk(s, Chunk(seq));
      EXPECT_THAT(decision, IsOk());
      out.push_back(std::get<Uploads::AcceptedChunk>(*decision));
    }
    return out;
  }

  int StoredChunks() {
    int n = 0;
    EXPECT_THAT(store_->Scan(storage::Cf::kTelemetry, "", "",
                             [&](absl::string_view, absl::string_view) { return ++n, true; }),
                IsOk());
    return n;
  }

  static v1::SessionEnd End(uint32_t chunks) {
    v1::SessionEnd end;
    end.set_chunk_count(chunks);
    end.set_outcome(v1::SESSION_OUTCOME_COMPLETED);
    return end;
  }
};

// What several streams submit while a write is under way goes out in the
// next write, together; every session is settled (it can be finished).
TEST_F(CommitQueueTest, SubmissionsWaitingForAWriteShareTheNext) {
  const v1::Device a = EnrollDevice(clinic_id_);
  const v1::Device b = EnrollDevice(clinic_id_);
  const Uploads::Opened sa = Open(a, "s-1");
  const Uploads::Opened sb = Open(b, "s-1");
  CommitQueue commits(uploads_.get(), 1);
  absl::Notification first_done, release;
  commits.Submit(&sa, Accept(sa, 0, 1), [&](absl::Status s) {
    EXPECT_THAT(s, IsOk());
    first_done.Notify();
    release.WaitForNotification();  // holds the only committer
  });
  first_done.WaitForNotification();
  absl::Mutex mu;
  std::vector<absl::Status> outcomes;
  const auto record = [&](absl::Status s) {
    absl::MutexLock lock(&mu);
    outcomes.push_back(s);
  };
  commits.Submit(&sa, Accept(sa, 1, 2), record);
  commits.Submit(&sb, Accept(sb, 0, 3), record);
  commits.Submit(&sb, Accept(sb, 3, 1), record);
  release.Notify();
  commits.Stop();
  ASSERT_EQ(outcomes.size(), 3u);
  for (const absl::Status& s : outcomes) EXPECT_THAT(s, IsOk());
  EXPECT_EQ(commits.counts().groups, 2);
  EXPECT_EQ(commits.counts().submissions, 4);
  EXPECT_EQ(StoredChunks(), 7);
  EXPECT_THAT(uploads_->FinishSession(sa, End(3)), IsOk());
  EXPECT_THAT(uploads_->FinishSession(sb, End(4)), IsOk());
}

// A group never grows past its byte bound (but holds at least one).
TEST_F(CommitQueueTest, GroupsAreBoundedInBytes) {
  const v1::Device a = EnrollDevice(clinic_id_);
  const Uploads::Opened sa = Open(a, "s-1");
  CommitQueue commits(uploads_.get(), 1, /*max_group_bytes=*/1);
  absl::Notification first_done, release;
  commits.Submit(&sa, Accept(sa, 0, 1), [&](absl::Status) {
    first_done.Notify();
    release.WaitForNotification();
  });
  first_done.WaitForNotification();
  for (uint32_t seq = 1; seq < 4; ++seq) commits.Submit(&sa, Accept(sa, seq, 1), [](auto) {});
  release.Notify();
  commits.Stop();
  EXPECT_EQ(commits.counts().groups, 4);
  EXPECT_EQ(StoredChunks(), 4);
}

TEST_F(CommitQueueTest, SubmissionsAfterStopAreCommittedAtOnce) {
  const v1::Device a = EnrollDevice(clinic_id_);
  const Uploads::Opened sa = Open(a, "s-1");
  CommitQueue commits(uploads_.get(), 2);
  commits.Stop();
  bool done = false;
  commits.Submit(&sa, Accept(sa, 0, 2), [&](absl::Status s) { done = s.ok(); });
  EXPECT_TRUE(done);
  EXPECT_EQ(StoredChunks(), 2);
}

}  // namespace
}  // namespace tractus::device_gateway
