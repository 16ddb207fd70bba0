#include "services/received_upload.h"

#include <gtest/gtest.h>

#include <vector>

#include "device_gateway/test_chunks.h"

namespace tractus::services {
namespace {

grpc::ByteBuffer InSlices(const std::string& bytes, size_t parts) {
  std::vector<grpc::Slice> slices;
  const size_t step = bytes.size() / parts + 1;
  for (size_t at = 0; at < bytes.size(); at += step) {
    slices.emplace_back(bytes.data() + at, std::min(step, bytes.size() - at));
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

v1::UploadSessionRequest ChunkRequest() {
  v1::UploadSessionRequest req;
  *req.mutable_chunk() = device_gateway::TestChunk(3, 500, 390);
  return req;
}

TEST(ReceivedUploadRequestTest, ParsesAndKeepsTheChunkBytesFromManySlices) {
  const v1::UploadSessionRequest req = ChunkRequest();
  grpc::ByteBuffer buffer = InSlices(req.SerializeAsString(), 3);
  ReceivedUploadRequest received;
  ASSERT_TRUE(ParseReceivedUpload(&buffer, &received).ok());
  EXPECT_EQ(received.message.SerializeAsString(), req.SerializeAsString());
  EXPECT_EQ(received.chunk_wire, req.chunk().SerializeAsString());
}

TEST(ReceivedUploadRequestTest, AHeaderHasNoChunkBytes) {
  v1::UploadSessionRequest req;
  req.mutable_header()->set_session_id("s-1");
  grpc::ByteBuffer buffer = InSlices(req.SerializeAsString(), 1);
  ReceivedUploadRequest received;
  received.chunk_wire = "stale";
  ASSERT_TRUE(ParseReceivedUpload(&buffer, &received).ok());
  EXPECT_EQ(received.message.header().session_id(), "s-1");
  EXPECT_TRUE(received.chunk_wire.empty());
}

// Garbage is read (so the handler can answer INVALID_ARGUMENT rather than
// gRPC ending the stream) and marked undecodable, with nothing in it.
TEST(ReceivedUploadRequestTest, GarbageIsMarkedUndecodable) {
  grpc::ByteBuffer buffer = InSlices(std::string("\x12\xff\xff\xff\xff\x0f", 6), 1);
  ReceivedUploadRequest received;
  received.message.mutable_end()->set_chunk_count(3);  // left from a previous read
  EXPECT_TRUE(ParseReceivedUpload(&buffer, &received).ok());
  EXPECT_TRUE(received.undecodable);
  EXPECT_EQ(received.message.message_case(), v1::UploadSessionRequest::MESSAGE_NOT_SET);
  EXPECT_TRUE(received.chunk_wire.empty());
}

}  // namespace
}  // namespace tractus::services
