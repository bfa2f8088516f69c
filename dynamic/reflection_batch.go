package dynamic

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jhump/protoreflect/v2/grpcreflect"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// servicesLoader is a source that loads every service at once, cheaper
// than listing them and then looking each one up on its own.
type servicesLoader interface {
	loadServices() (services []protoreflect.ServiceDescriptor, broken []error, err error)
}

func (r *ReflectionSource) loadServices() ([]protoreflect.ServiceDescriptor, []error, error) {
	return r.loadServicesIn(r.opts.Context)
}

func (v reflectionView) loadServices() ([]protoreflect.ServiceDescriptor, []error, error) {
	return v.r.loadServicesIn(v.ctx)
}

// loadServicesIn lists the services and fetches each one's file in ONE
// lookup, on one reflection stream: a short method name (`call SayHello`)
// then costs one stream instead of one per service, each of which paid
// its own opening and its own wait for the server to end it (Reset
// drains the stream). The whole batch is bounded by one Timeout, like
// any lookup. A service that cannot be loaded is reported in broken,
// worded as its own lookup would have been, and the others are still
// loaded; running out of time or being interrupted fails the whole batch.
func (r *ReflectionSource) loadServicesIn(ctx context.Context) ([]protoreflect.ServiceDescriptor, []error, error) {
	var services []protoreflect.ServiceDescriptor
	var broken []error
	err := r.do(ctx, "listing services", func() error {
		names, err := r.client.ListServices()
		if err != nil {
			return err
		}
		slices.Sort(names)
		for _, name := range names {
			fd, err := r.client.FileContainingSymbol(name)
			if err != nil && (r.lookup.Err() != nil || status.Code(err) == codes.DeadlineExceeded) {
				return err // the lookup's time is up: do words it
			}
			var sd protoreflect.ServiceDescriptor
			if err == nil {
				sd, _ = findInFile(fd, name).(protoreflect.ServiceDescriptor)
			}
			switch {
			case sd != nil:
				services = append(services, sd)
			case err == nil, grpcreflect.IsElementNotFoundError(err) && missingImport(err) == "":
				broken = append(broken, fmt.Errorf("%s: %w on the server", SafeLine(string(name)), ErrNotFound))
			default:
				broken = append(broken, r.explain("looking up "+SafeLine(string(name)), err))
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return services, broken, nil
}

// methodProber is a source that can find a short method name without
// loading every service.
type methodProber interface {
	probeMethod(dotted string) (matches []protoreflect.MethodDescriptor, ok bool, err error)
}

func (r *ReflectionSource) probeMethod(dotted string) ([]protoreflect.MethodDescriptor, bool, error) {
	return r.probeMethodIn(r.opts.Context, dotted)
}

func (v reflectionView) probeMethod(dotted string) ([]protoreflect.MethodDescriptor, bool, error) {
	return v.r.probeMethodIn(v.ctx, dotted)
}

// probeMethodIn finds the methods a short name ("SayHello",
// "Greeter.SayHello") can mean by asking the server for the file of
// SERVICE.METHOD for each service whose name fits, on one stream: the
// services that lack the method answer "not found" with no file, so only
// the file that has it is fetched and built. Loading every service's file
// instead (what listing the methods takes) costs a one-shot `call
// SayHello` some milliseconds of CPU building descriptors it never uses.
// ok is false when the probe cannot answer alone: no match (the error
// lists the close matches, which needs every method), or a lookup that
// failed for another reason than "not found", whose wording the full
// load gives. err is the lookup's own failure (no reflection, out of
// time, interrupted): loading every service would only fail the same way
// after waiting as long again.
func (r *ReflectionSource) probeMethodIn(ctx context.Context, dotted string) ([]protoreflect.MethodDescriptor, bool, error) {
	svcPart, method := "", dotted
	if i := strings.LastIndexByte(dotted, '.'); i >= 0 {
		svcPart, method = dotted[:i], dotted[i+1:]
	}
	if method == "" {
		return nil, false, nil
	}
	var matches []protoreflect.MethodDescriptor
	clean := true
	err := r.do(ctx, "looking up "+SafeLine(dotted), func() error {
		names, err := r.client.ListServices()
		if err != nil {
			return err
		}
		slices.Sort(names)
		for _, s := range names {
			if svcPart != "" && string(s) != svcPart && !strings.HasSuffix(string(s), "."+svcPart) {
				continue
			}
			full := s + "." + protoreflect.FullName(method)
			fd, err := r.client.FileContainingSymbol(full)
			if err != nil {
				if !grpcreflect.IsElementNotFoundError(err) || missingImport(err) != "" || r.lookup.Err() != nil {
					clean = false
					return nil
				}
				continue
			}
			if md, ok := findInFile(fd, full).(protoreflect.MethodDescriptor); ok {
				matches = append(matches, md)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if !clean || len(matches) == 0 {
		return nil, false, nil
	}
	return matches, true, nil
}
