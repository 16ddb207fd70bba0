#include "storage/rocksdb_status.h"

#include "gtest/gtest.h"

namespace tractus::storage {
namespace {

using absl::StatusCode;

struct Case {
  rocksdb::Status in;
  StatusCode want;
};

TEST(RocksDbStatusTest, MapsEveryCode) {
  const Case cases[] = {
      {rocksdb::Status::OK(), StatusCode::kOk},
      {rocksdb::Status::NotFound("k"), StatusCode::kNotFound},
      {rocksdb::Status::Corruption("block checksum"), StatusCode::kDataLoss},
      {rocksdb::Status::NoSpace("disk full"), StatusCode::kResourceExhausted},
      {rocksdb::Status::IOError("EIO"), StatusCode::kUnavailable},
      {rocksdb::Status::Busy(), StatusCode::kAborted},
      {rocksdb::Status::TryAgain(), StatusCode::kAborted},
      {rocksdb::Status::Aborted(), StatusCode::kAborted},
      {rocksdb::Status::ShutdownInProgress(), StatusCode::kUnavailable},
      {rocksdb::Status::Incomplete(), StatusCode::kUnavailable},
      {rocksdb::Status::TimedOut(), StatusCode::kDeadlineExceeded},
      {rocksdb::Status::InvalidArgument("bad option"), StatusCode::kInternal},
      {rocksdb::Status::NotSupported(), StatusCode::kInternal},
      {rocksdb::Status::MergeInProgress(), StatusCode::kUnknown},
      {rocksdb::Status::Expired(), StatusCode::kUnknown},
      {rocksdb::Status::CompactionTooLarge(), StatusCode::kUnknown},
      {rocksdb::Status::ColumnFamilyDropped(), StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    absl::Status got = FromRocksDb(c.in, "get");
    EXPECT_EQ(got.code(), c.want) << c.in.ToString();
    if (!c.in.ok()) {
      EXPECT_EQ(got.message().substr(0, 5), "get: ");
    }
  }
}

}  // namespace
}  // namespace tractus::storage
