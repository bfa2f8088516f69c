// Package dynamic is grpcsh's engine: it knows nothing of terminals.
//
//   - Source (source.go) finds descriptors: server reflection (v1, falling
//     back to v1alpha), .proto files compiled at run time, protosets, or a
//     composite of them. Types (types.go) resolves Any and extensions
//     through a Source.
//   - FindMethod and FindDescriptor (names.go) accept the names people type.
//   - ParseJSON, Formatter and Template (message.go) turn JSON into dynamic
//     messages and back.
//   - Client.Start (invoke.go) runs all four kinds of RPC over one
//     connection, delivering headers, messages and the final status as
//     events; DecodeStatus (status.go) decodes status details.
//   - Describe and Export (describe.go) print descriptors as .proto source
//     and write protosets.
//   - Dial (conn.go) connects: targets, TLS, failover, metadata.
package dynamic
