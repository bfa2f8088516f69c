package tui

import (
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The method tree's filter. Each word of the filter must match a method:
// fuzzily on its name (the letters in order, so "fdc" finds FullDuplexCall),
// or as a plain substring of its full name (so "showcase" or "greeter"
// narrows to a service). The fuzzy scorer is github.com/sahilm/fuzzy, the
// one bubbles' list uses: it ranks a match at the start, after a separator
// or at a capital (a word start) and runs of adjacent letters first.
// Fuzzy matching is on the name only: on "pkg.Service.Method" three
// letters are a subsequence of almost everything.

// filterMatch is how a method (or a broken service's name) matched.
type filterMatch struct {
	ok    bool
	score int
	hits  []int // byte offsets in the name of the letters matched fuzzily
}

// nameBonus puts a fuzzy match on the method's name above a substring
// match of its service or package.
const nameBonus = 1000

// matchMethod matches the filter's words against a method.
func matchMethod(name, full string, terms []string) filterMatch {
	out := filterMatch{ok: true}
	lowerFull := strings.ToLower(full)
	for _, w := range terms {
		if ms := fuzzy.Find(w, []string{name}); len(ms) > 0 {
			out.score += nameBonus + ms[0].Score
			out.hits = append(out.hits, ms[0].MatchedIndexes...)
			continue
		}
		if strings.Contains(lowerFull, w) {
			continue
		}
		return filterMatch{}
	}
	slices.Sort(out.hits)
	out.hits = slices.Compact(out.hits)
	return out
}

// rankedService is a service's matching methods, best first.
type rankedService struct {
	sd      protoreflect.ServiceDescriptor
	best    int
	methods []rankedMethod
}

type rankedMethod struct {
	md protoreflect.MethodDescriptor
	filterMatch
}

// rankServices filters services' methods by terms and orders them: the
// services by their best method, the methods of each by score; ties keep
// the alphabetical order.
func rankServices(svcs []protoreflect.ServiceDescriptor, terms []string) []rankedService {
	if len(terms) == 0 {
		return nil
	}
	var out []rankedService
	for _, sd := range svcs {
		rs := rankedService{sd: sd}
		for i := 0; i < sd.Methods().Len(); i++ {
			md := sd.Methods().Get(i)
			fm := matchMethod(string(md.Name()), string(md.FullName()), terms)
			if !fm.ok {
				continue
			}
			if len(rs.methods) == 0 || fm.score > rs.best {
				rs.best = fm.score
			}
			rs.methods = append(rs.methods, rankedMethod{md: md, filterMatch: fm})
		}
		if len(rs.methods) == 0 {
			continue
		}
		slices.SortStableFunc(rs.methods, func(a, b rankedMethod) int { return b.score - a.score })
		out = append(out, rs)
	}
	slices.SortStableFunc(out, func(a, b rankedService) int { return b.best - a.best })
	return out
}
