// ReceivedUploadRequest: an UploadSessionRequest read off the wire together
// with the bytes it was parsed from, so that a chunk is stored as the table
// sent it instead of being serialized again (a tenth of an upload's server
// CPU). UploadSession is served on raw bytes (upload_reactor.h), which
// ParseReceivedUpload turns into one of these.
#ifndef TRACTUS_SERVICES_RECEIVED_UPLOAD_H_
#define TRACTUS_SERVICES_RECEIVED_UPLOAD_H_

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tractus/v1/session.pb.h"

namespace tractus::services {

// Not movable in general: `chunk_wire` points into `wire`, whose bytes a
// small slice keeps inside itself.
struct ReceivedUploadRequest {
  v1::UploadSessionRequest message;
  // The serialized TelemetryChunk inside `wire` when the request is exactly
  // one chunk field (as every table sends it); empty otherwise, and then
  // the chunk must be serialized to be stored.
  absl::string_view chunk_wire;
  grpc::Slice wire;  // owns what chunk_wire points into
  // The bytes did not parse as an UploadSessionRequest (`message` is then
  // empty): the stream answers INVALID_ARGUMENT.
  bool undecodable = false;
};

// Reads `buffer` (emptied) into `*out`: one contiguous copy of the message
// (none when it arrived in one slice), parsed in place. Bytes that do not
// parse set `undecodable`; a non-OK status only if the bytes could not be
// read at all.
absl::Status ParseReceivedUpload(grpc::ByteBuffer* buffer, ReceivedUploadRequest* out);

// `message` serialized, as gRPC sends it.
grpc::ByteBuffer SerializeToByteBuffer(const google::protobuf::MessageLite& message);

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_RECEIVED_UPLOAD_H_
