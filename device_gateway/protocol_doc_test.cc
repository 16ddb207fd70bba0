// docs/protocol.md's worked example decodes as the page says: the bytes a
// table maker copies are a valid UploadSessionRequest holding that chunk.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_replace.h"
#include "device_gateway/telemetry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {
namespace {

using ::testing::ElementsAre;

std::string ExampleBytes() {
  std::ifstream in(TRACTUS_PROTOCOL_DOC_PATH);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- example chunk -->\n`", end = "`\n<!-- end of example chunk -->";
  const size_t from = doc.find(begin), to = doc.find(end);
  EXPECT_NE(from, std::string::npos);
  EXPECT_NE(to, std::string::npos);
  if (from == std::string::npos || to == std::string::npos) return "";
  const std::string hex =
      absl::StrReplaceAll(doc.substr(from + begin.size(), to - from - begin.size()), {{" ", ""}});
  return absl::HexStringToBytes(hex);
}

TEST(ProtocolDocTest, TheWorkedChunkDecodesAsThePageSays) {
  v1::UploadSessionRequest req;
  ASSERT_TRUE(req.ParseFromString(ExampleBytes()));
  ASSERT_TRUE(req.has_chunk());
  EXPECT_EQ(req.chunk().seq(), 0u);
  Samples s;
  ASSERT_FALSE(DecodeChunk(req.chunk(), &s).has_value());
  EXPECT_THAT(s.offset_ms, ElementsAre(0, 100, 200));
  EXPECT_THAT(s.measured_dn, ElementsAre(3900, 3905, 3910));
  EXPECT_THAT(s.target_dn, ElementsAre(3900, 3900, 3900));
  EXPECT_THAT(s.angle_decideg, ElementsAre(100, 100, 100));
  EXPECT_THAT(s.flags, ElementsAre(0u, 0u, static_cast<uint32_t>(v1::SAMPLE_FLAG_PATIENT_STOP)));
  // And the page's bytes are exactly what a protobuf encoder writes.
  EXPECT_EQ(req.SerializeAsString(), ExampleBytes());
}

}  // namespace
}  // namespace tractus::device_gateway
