package hostile_test

import "google.golang.org/grpc/mem"

// emptyMsg and rawCodec send an empty request without generated code.
type emptyMsg struct{}

type rawCodec struct{}

func (rawCodec) Marshal(any) (mem.BufferSlice, error) { return nil, nil }
func (rawCodec) Unmarshal(mem.BufferSlice, any) error { return nil }
func (rawCodec) Name() string                         { return "proto" }
