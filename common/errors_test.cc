#include "common/errors.h"

#include "common/status_matchers.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace tractus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::StatusIs;

TEST(ErrorsTest, ViolationsToStatusCarriesEveryField) {
  Violations v;
  EXPECT_TRUE(v.ToStatus().ok());
  v.Add("observations[0].value", "must be 0..10, got 11");
  v.Add("observations[2].instrument", "required");
  absl::Status s = v.ToStatus();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("observations[0].value")));
  EXPECT_THAT(std::string(s.message()), HasSubstr("and 1 more"));
  auto got = FieldViolationsOf(s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].field, "observations[0].value");
  EXPECT_EQ(got[1].field, "observations[2].instrument");
  EXPECT_EQ(got[1].description, "required");
}

TEST(ErrorsTest, FieldViolationsOfPlainStatusIsEmpty) {
  EXPECT_TRUE(FieldViolationsOf(absl::NotFoundError("x")).empty());
}

TEST(ErrorsTest, RetryDelayIsEncoded) {
  absl::Status s = WithRetryDelay(absl::ResourceExhaustedError("busy"),
                                  absl::Milliseconds(1500));
  auto payload = s.GetPayload(kRetryInfoTypeUrl);
  ASSERT_TRUE(payload.has_value());
  google::rpc::RetryInfo info;
  ASSERT_TRUE(info.ParseFromString(std::string(*payload)));
  EXPECT_EQ(info.retry_delay().seconds(), 1);
  EXPECT_EQ(info.retry_delay().nanos(), 500000000);
}

}  // namespace
}  // namespace tractus
