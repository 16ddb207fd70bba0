#include "storage/proto_io.h"

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/test_dir.h"
#include "tractus/v1/session.pb.h"

namespace tractus::storage {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

v1::Session SessionNamed(const std::string& id) {
  v1::Session s;
  s.set_session_id(id);
  s.set_device_id("dev_" + id);
  s.mutable_summary()->set_sample_count(static_cast<int64_t>(id.size()));
  return s;
}

TEST(ProtoIoTest, GetRecordListReadsInKeyOrderOntoOneArena) {
  TestDir dir;
  auto store = *Store::Open(dir.path(), StoreOptions{.sync_writes = false});
  WriteBatch batch;
  for (const char* id : {"s-a", "s-bb", "s-ccc"}) {
    PutRecord(batch, Cf::kSessions, SessionKey(id), SessionNamed(id));
  }
  batch.Put(Cf::kSessions, SessionKey("s-bad"), "\xff\xff not a session");
  ASSERT_THAT(store->Write(batch), IsOk());

  // In the order asked for, not key order.
  auto list = GetRecordList<v1::Session>(
      *store, Cf::kSessions, {SessionKey("s-ccc"), SessionKey("s-a"), SessionKey("s-bb")},
      "session");
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->size(), 3u);
  std::vector<std::string> ids;
  for (const v1::Session& s : *list) {
    ids.push_back(s.session_id());
    EXPECT_EQ(s.device_id(), "dev_" + s.session_id());
    EXPECT_NE(s.GetArena(), nullptr);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"s-ccc", "s-a", "s-bb"}));
  EXPECT_EQ((*list)[2].summary().sample_count(), 4);

  EXPECT_THAT(GetRecordList<v1::Session>(*store, Cf::kSessions, {}, "session"), IsOk());
  EXPECT_THAT(GetRecordList<v1::Session>(*store, Cf::kSessions,
                                         {SessionKey("s-a"), SessionKey("s-x"), SessionKey("s-bb")},
                                         "session"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("(2 of 3)")));
  EXPECT_THAT(GetRecordList<v1::Session>(*store, Cf::kSessions,
                                         {SessionKey("s-a"), SessionKey("s-x")}, "session"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("(2 of 2)")));
  EXPECT_THAT(GetRecordList<v1::Session>(*store, Cf::kSessions,
                                         {SessionKey("s-a"), SessionKey("s-bad")}, "session"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("session")));
}

}  // namespace
}  // namespace tractus::storage
