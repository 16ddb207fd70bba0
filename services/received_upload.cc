#include "services/received_upload.h"

#include <string>

#include "device_gateway/telemetry.h"

namespace tractus::services {

absl::Status ParseReceivedUpload(grpc::ByteBuffer* buffer, ReceivedUploadRequest* out) {
  out->chunk_wire = {};
  out->undecodable = false;
  out->message.Clear();
  const grpc::Status dumped = buffer->DumpToSingleSlice(&out->wire);
  buffer->Clear();
  if (!dumped.ok()) return absl::InternalError("the request's bytes could not be read");
  const absl::string_view wire(reinterpret_cast<const char*>(out->wire.begin()),
                               out->wire.size());
  if (!out->message.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    out->message.Clear();
    out->undecodable = true;
    return absl::OkStatus();
  }
  if (out->message.has_chunk()) out->chunk_wire = device_gateway::ChunkWireOf(wire);
  return absl::OkStatus();
}

grpc::ByteBuffer SerializeToByteBuffer(const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace tractus::services
