#!/usr/bin/python3
"""Sends raw messages on one DeviceService/UploadSession stream and prints
the responses' sizes and the final status -- for bytes no generated client
would send (tests/e2e_gateway_test.cc).

  raw_upload.py ADDRESS CREDENTIAL HEX_MESSAGE...

Prints one line per response ("response N bytes") and then
"status CODE_NAME MESSAGE".
"""
import sys

import grpc


def main():
    address, credential, messages = sys.argv[1], sys.argv[2], sys.argv[3:]
    channel = grpc.insecure_channel(address)
    call = channel.stream_stream("/tractus.v1.DeviceService/UploadSession",
                                 request_serializer=None, response_deserializer=None)
    responses = call(iter(bytes.fromhex(m) for m in messages),
                     metadata=[("authorization", "Bearer " + credential)], timeout=20)
    try:
        for r in responses:
            print(f"response {len(r)} bytes")
        print("status OK")
    except grpc.RpcError as e:
        print(f"status {e.code().name} {e.details()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
