package dynamic

import (
	"fmt"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Types resolves message and extension types through a Source, for Any
// fields, extensions and status details. It prefers the source's
// descriptors (the server's version of a type) and falls back to the types
// compiled into grpcsh: the well-known types and google.rpc's details. It
// satisfies protojson's and proto.Unmarshal's resolver interfaces.
type Types struct {
	src   Source
	mu    sync.Mutex
	cache map[protoreflect.FullName]protoreflect.MessageType
}

// NewTypes resolves through src; src may be nil (only built-in types).
func NewTypes(src Source) *Types {
	return &Types{src: src, cache: map[protoreflect.FullName]protoreflect.MessageType{}}
}

// MessageType returns the dynamic type of a descriptor, cached so that every
// message of one type shares one dynamicpb.MessageType.
func (t *Types) MessageType(md protoreflect.MessageDescriptor) protoreflect.MessageType {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mt, ok := t.cache[md.FullName()]; ok && mt.Descriptor() == md {
		return mt
	}
	mt := dynamicpb.NewMessageType(md)
	t.cache[md.FullName()] = mt
	return mt
}

func (t *Types) FindMessageByName(name protoreflect.FullName) (protoreflect.MessageType, error) {
	if t.src != nil {
		if d, err := t.src.FindSymbol(name); err == nil {
			if md, ok := d.(protoreflect.MessageDescriptor); ok {
				return t.MessageType(md), nil
			}
		}
	}
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(name); err == nil {
		return mt, nil
	}
	return nil, protoregistry.NotFound
}

func (t *Types) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	name := url
	if i := strings.LastIndexByte(url, '/'); i >= 0 {
		name = url[i+1:]
	}
	return t.FindMessageByName(protoreflect.FullName(name))
}

func (t *Types) FindExtensionByName(name protoreflect.FullName) (protoreflect.ExtensionType, error) {
	if t.src != nil {
		if d, err := t.src.FindSymbol(name); err == nil {
			if xd, ok := d.(protoreflect.ExtensionDescriptor); ok {
				return dynamicpb.NewExtensionType(xd), nil
			}
		}
	}
	if xt, err := protoregistry.GlobalTypes.FindExtensionByName(name); err == nil {
		return xt, nil
	}
	return nil, protoregistry.NotFound
}

func (t *Types) FindExtensionByNumber(message protoreflect.FullName, field protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	if t.src != nil {
		if exts, err := t.src.FindExtensions(message); err == nil {
			for _, x := range exts {
				if x.Number() == field {
					return dynamicpb.NewExtensionType(x), nil
				}
			}
		}
	}
	if xt, err := protoregistry.GlobalTypes.FindExtensionByNumber(message, field); err == nil {
		return xt, nil
	}
	return nil, protoregistry.NotFound
}

// New returns an empty dynamic message of md's type.
func (t *Types) New(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	return t.MessageType(md).New().Interface().(*dynamicpb.Message)
}

func (t *Types) String() string { return fmt.Sprintf("Types(%T)", t.src) }
