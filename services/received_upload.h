// ReceivedUploadRequest: an UploadSessionRequest read off the wire together
// with the bytes it was parsed from, so that a chunk is stored as the table
// sent it instead of being serialized again (a tenth of an upload's server
// CPU). DeviceServiceImpl registers UploadSession with this request type.
#ifndef TRACTUS_SERVICES_RECEIVED_UPLOAD_H_
#define TRACTUS_SERVICES_RECEIVED_UPLOAD_H_

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>
#include <grpcpp/support/sync_stream.h>

#include "absl/strings/string_view.h"
#include "tractus/v1/session.pb.h"

namespace tractus::services {

struct ReceivedUploadRequest {
  v1::UploadSessionRequest message;
  // The serialized TelemetryChunk inside `wire` when the request is exactly
  // one chunk field (as every table sends it); empty otherwise, and then
  // the chunk must be serialized to be stored.
  absl::string_view chunk_wire;
  grpc::Slice wire;  // owns what chunk_wire points into
  // The bytes did not parse as an UploadSessionRequest (`message` is then
  // empty): the handler answers INVALID_ARGUMENT instead of gRPC ending the
  // stream as if the table had half-closed.
  bool undecodable = false;
};

using UploadStream = grpc::ServerReaderWriter<v1::UploadSessionResponse, ReceivedUploadRequest>;

}  // namespace tractus::services

namespace grpc {

// How gRPC reads a ReceivedUploadRequest: one contiguous copy of the
// message (none when it arrived in one slice), parsed in place.
template <>
class SerializationTraits<tractus::services::ReceivedUploadRequest, void> {
 public:
  static Status Serialize(const tractus::services::ReceivedUploadRequest& msg, ByteBuffer* buffer,
                          bool* own_buffer);
  static Status Deserialize(ByteBuffer* buffer, tractus::services::ReceivedUploadRequest* msg);
};

}  // namespace grpc

#endif  // TRACTUS_SERVICES_RECEIVED_UPLOAD_H_
