#include "services/received_upload.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace tractus::services {

absl::string_view ChunkWireOf(absl::string_view request_wire) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(request_wire.data()),
                                            static_cast<int>(request_wire.size()));
  const uint32_t expected_tag = WireFormatLite::MakeTag(v1::UploadSessionRequest::kChunkFieldNumber,
                                                        WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  uint32_t length = 0;
  if (in.ReadTag() != expected_tag || !in.ReadVarint32(&length)) return {};
  const size_t start = static_cast<size_t>(in.CurrentPosition());
  if (start + length != request_wire.size()) return {};  // more than the one field
  return request_wire.substr(start, length);
}

}  // namespace tractus::services

namespace grpc {

using tractus::services::ReceivedUploadRequest;

Status SerializationTraits<ReceivedUploadRequest, void>::Serialize(const ReceivedUploadRequest& msg,
                                                                   ByteBuffer* buffer,
                                                                   bool* own_buffer) {
  return SerializationTraits<tractus::v1::UploadSessionRequest>::Serialize(msg.message, buffer,
                                                                           own_buffer);
}

Status SerializationTraits<ReceivedUploadRequest, void>::Deserialize(ByteBuffer* buffer,
                                                                     ReceivedUploadRequest* msg) {
  if (buffer == nullptr) return Status(StatusCode::INTERNAL, "No payload");
  Status dumped = buffer->DumpToSingleSlice(&msg->wire);
  buffer->Clear();
  msg->chunk_wire = {};
  if (!dumped.ok()) return dumped;
  const absl::string_view wire(reinterpret_cast<const char*>(msg->wire.begin()), msg->wire.size());
  if (!msg->message.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return Status(StatusCode::INTERNAL, "the upload message does not parse");
  }
  if (msg->message.has_chunk()) msg->chunk_wire = tractus::services::ChunkWireOf(wire);
  return Status::OK;
}

}  // namespace grpc
