#include "services/status_mapping.h"

#include "common/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace tractus::services {
namespace {

TEST(StatusMappingTest, EveryCodeKeepsItsNumber) {
  for (int c = 0; c <= 16; ++c) {
    absl::Status in(static_cast<absl::StatusCode>(c), c == 0 ? "" : "detail");
    grpc::Status out = ToGrpcStatus(in, "test/Method");
    EXPECT_EQ(static_cast<int>(out.error_code()), c);
  }
}

TEST(StatusMappingTest, ClientErrorsKeepTheirMessage) {
  for (auto code : {absl::StatusCode::kNotFound, absl::StatusCode::kAlreadyExists,
                    absl::StatusCode::kFailedPrecondition, absl::StatusCode::kUnavailable,
                    absl::StatusCode::kResourceExhausted, absl::StatusCode::kAborted}) {
    grpc::Status out = ToGrpcStatus(absl::Status(code, "episode ep_1 not found"), "m");
    EXPECT_EQ(out.error_message(), "episode ep_1 not found");
    EXPECT_TRUE(out.error_details().empty());
  }
}

TEST(StatusMappingTest, ServerErrorsHideTheirDetail) {
  for (auto code : {absl::StatusCode::kInternal, absl::StatusCode::kDataLoss,
                    absl::StatusCode::kUnknown}) {
    grpc::Status out =
        ToGrpcStatus(absl::Status(code, "/var/lib/tractus/000123.sst: checksum"), "m");
    EXPECT_EQ(out.error_message().find("sst"), std::string::npos);
    EXPECT_FALSE(out.error_message().empty());
  }
}

TEST(StatusMappingTest, FieldViolationsTravelAsBadRequest) {
  Violations v;
  v.Add("observations[2].value", "must be 0..10, got 12");
  grpc::Status out = ToGrpcStatus(v.ToStatus(), "m");
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(out.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "observations[2].value");
}

TEST(StatusMappingTest, RetryDelayTravelsAsRetryInfo) {
  grpc::Status out = ToGrpcStatus(
      WithRetryDelay(absl::ResourceExhaustedError("slow down"), absl::Seconds(2)), "m");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(out.error_details()));
  google::rpc::RetryInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.retry_delay().seconds(), 2);
}

}  // namespace
}  // namespace tractus::services
