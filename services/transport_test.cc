#include "services/transport.h"

#include "common/status_matchers.h"
#include "gtest/gtest.h"

namespace tractus::services {
namespace {

using ::tractus::testing::IsOk;
using ::tractus::testing::StatusIs;

TEST(TransportTest, Loopback) {
  for (const char* host : {"127.0.0.1", "127.8.9.10", "localhost", "[::1]", "::1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "10.0.0.7", "[::]", "example.org", "", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(TransportTest, ParseListen) {
  auto parsed = ParseListen("[::1]:50051", "listen");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->host, "[::1]");
  EXPECT_EQ(parsed->port, 50051);
  EXPECT_THAT(ParseListen("nohost", "listen"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseListen("h:70000", "listen"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TransportTest, PlaintextOnlyOnLoopbackUnlessAllowed) {
  EXPECT_THAT(MakeServerCredentials({}, "127.0.0.1", false), IsOk());
  EXPECT_THAT(MakeServerCredentials({}, "0.0.0.0", false),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(MakeServerCredentials({}, "0.0.0.0", true), IsOk());
}

TEST(TransportTest, TlsFilesMustBeReadableAndPaired) {
  EXPECT_THAT(MakeServerCredentials({"/nonexistent/cert.pem", "/nonexistent/key.pem", ""},
                                    "0.0.0.0", false),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(MakeServerCredentials({"cert.pem", "", ""}, "127.0.0.1", false),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(MakeServerCredentials({"", "", "ca.pem"}, "127.0.0.1", false),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace tractus::services
