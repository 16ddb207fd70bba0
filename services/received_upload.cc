#include "services/received_upload.h"

#include "device_gateway/telemetry.h"

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
  msg->undecodable = false;
  if (!dumped.ok()) return dumped;
  const absl::string_view wire(reinterpret_cast<const char*>(msg->wire.begin()), msg->wire.size());
  if (!msg->message.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    msg->message.Clear();
    msg->undecodable = true;  // answered by the handler
    return Status::OK;
  }
  if (msg->message.has_chunk()) msg->chunk_wire = tractus::device_gateway::ChunkWireOf(wire);
  return Status::OK;
}

}  // namespace grpc
