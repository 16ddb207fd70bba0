#!/usr/bin/env bash
# Regenerates the binary seed corpus from seeds/*.txtpb and the key codec's
# golden bytes. Usage: fuzz/make_seeds.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto=$here/../proto
inc=$(dirname "$(dirname "$(command -v protoc)")")/include
enc() {  # enc MESSAGE FILE.proto SEED OUT
  protoc -I"$proto" -I"$inc" --encode="$1" "$proto/$2" <"$here/seeds/$3" >"$4"
}
enc tractus.v1.TelemetryChunk tractus/v1/session.proto telemetry_chunk.txtpb \
  "$here/corpus/telemetry/chunk.bin"
enc tractus.v1.RecordObservationsRequest tractus/v1/observation.proto record_observations.txtpb \
  "$here/corpus/observation/batch.bin"
enc tractus.v1.Observation tractus/v1/observation.proto observation.txtpb \
  "$here/corpus/stored_record/observation.bin"
enc tractus.v1.StartExportRequest tractus/v1/export.proto start_export.txtpb \
  "$here/corpus/export_filter/start_export.bin"
# Key codec golden bytes (storage/key_codec_test.cc).
echo -n "65705f310001000280000000000f42406f310001" | xxd -r -p >"$here/corpus/key_codec/observation_key.bin"
echo -n "010203040506070870745f310001" | xxd -r -p >"$here/corpus/key_codec/request_record.bin"
echo -n "0180000000000000018000000000000002000000037879" | xxd -r -p >"$here/corpus/key_codec/chunk_value.bin"
echo -n "4570745f3100018000000000004e2065705f310001" | xxd -r -p >"$here/corpus/key_codec/episodes_key.bin"
echo "seeds written under $here/corpus"
