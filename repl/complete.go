package repl

// Completion, for the shells (grpcsh __complete, behind the scripts of
// grpcsh completion) and for the TUI's ":" bar: what the word under the
// cursor can become. Flags come from their one declaration (a flag.FlagSet,
// the command table, ConnFlags); services, methods and messages from the
// session's descriptors.

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Completion is what the current word can become.
type Completion struct {
	// Items are the candidates: whole words that start with the word.
	Items []string
	// Files and Dirs say the word is a path: the shell completes it.
	Files, Dirs bool
}

// SchemaNames are the names a schema offers to complete.
type SchemaNames struct {
	Services []string `json:"services"`
	Methods  []string `json:"methods"` // pkg.Service/Method
	Messages []string `json:"messages"`
}

// CollectNames gathers the names of every service of the session, its
// methods, and the messages of their files (nested ones included) and of
// their requests and responses; ctx bounds the reflection lookups.
func CollectNames(ctx context.Context, s *Session) (SchemaNames, error) {
	svcs, err := s.ServicesContext(ctx)
	if err != nil {
		return SchemaNames{}, err
	}
	var n SchemaNames
	msgs := map[string]bool{}
	var addMsgs func(ms protoreflect.MessageDescriptors)
	addMsgs = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			msgs[string(m.FullName())] = true
			addMsgs(m.Messages())
		}
	}
	for _, sd := range svcs {
		n.Services = append(n.Services, string(sd.FullName()))
		addMsgs(sd.ParentFile().Messages())
		ms := sd.Methods()
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			n.Methods = append(n.Methods, string(sd.FullName())+"/"+string(m.Name()))
			msgs[string(m.Input().FullName())] = true
			msgs[string(m.Output().FullName())] = true
		}
	}
	for m := range msgs {
		n.Messages = append(n.Messages, m)
	}
	sort.Strings(n.Services)
	sort.Strings(n.Methods)
	sort.Strings(n.Messages)
	return n, nil
}

// schemaWords are the names the first argument of verb takes (the script
// command or the one-shot verb, aliases included); ok is false for verbs
// whose argument is no schema name.
func schemaWords(verb string, n SchemaNames) (words []string, ok bool) {
	switch verb {
	case "call", "invoke", "explain", "learn":
		return n.Methods, true
	case "list", "ls":
		return n.Services, true
	case "template", "tmpl":
		return slices.Concat(n.Messages, n.Methods), true
	case "describe", "desc":
		return slices.Concat(n.Services, n.Methods, n.Messages), true
	}
	return nil, false
}

// takesSchema says verb's first argument is a schema name.
func takesSchema(verb string) bool {
	_, ok := schemaWords(verb, SchemaNames{})
	return ok
}

// schemaCompletion completes cur as the first argument of verb.
func schemaCompletion(verb string, n SchemaNames, cur string) Completion {
	words, _ := schemaWords(verb, n)
	if cur != "" && !strings.Contains(cur, ".") {
		// grpcsh takes a short name (SayHello, Greeter/SayHello) when it is
		// unambiguous, so `call Say` completes to one as well.
		words = append(slices.Clone(words), shortNames(words)...)
	}
	return Completion{Items: withPrefix(words, cur)}
}

// shortNames are the unambiguous short forms of full names: Method and
// Service/Method of pkg.Service/Method, Name of pkg.Name.
func shortNames(full []string) []string {
	var forms []string
	count := map[string]int{}
	for _, w := range full {
		var f []string
		if svc, m, ok := strings.Cut(w, "/"); ok {
			f = []string{m, svc[strings.LastIndex(svc, ".")+1:] + "/" + m}
		} else if i := strings.LastIndex(w, "."); i >= 0 {
			f = []string{w[i+1:]}
		}
		for _, s := range f {
			if count[s]++; count[s] == 1 {
				forms = append(forms, s)
			}
		}
	}
	return slices.DeleteFunc(forms, func(s string) bool { return count[s] > 1 })
}

// CompFlag is one flag as completion sees it.
type CompFlag struct {
	Name        string
	Value       bool     // takes a value
	Values      []string // the values it takes, when they are few
	Files, Dirs bool     // its value is a file, a directory
}

// FlagsOf describes the flags of fs (in name order) from their
// declarations: a value that names a file or a folder in the usage text
// completes as a path, "a|b|c" or "…: a or b" as those words; connection
// flags add their ConnFlag's Value and Choices.
func FlagsOf(fs *flag.FlagSet) []CompFlag {
	var out []CompFlag
	fs.VisitAll(func(f *flag.Flag) {
		out = append(out, compFlag(f.Name, !isBoolFlag(f.Value), f.Usage))
	})
	return out
}

func isBoolFlag(v flag.Value) bool {
	b, ok := v.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

var (
	compFileWord = regexp.MustCompile(`(?i)(^|[^@\w])(file|FILE)\b`)
	compDirWord  = regexp.MustCompile(`(?i)\b(directory|folder|dir)\b`)
	compAlts     = regexp.MustCompile(`\b([a-z0-9-]+(?:\|[a-z0-9-]+)+)\b`)
	compOr       = regexp.MustCompile(`:\s*([a-z0-9-]+(?:,\s*[a-z0-9-]+)*)\s+or\s+([a-z0-9-]+)\s*$`)
)

func compFlag(name string, value bool, usage string) CompFlag {
	f := CompFlag{Name: name, Value: value}
	if !value {
		return f
	}
	if cf := connFlagByName(name); cf != nil {
		f.Values = cf.Choices
		f.Files = cf.Value == "FILE"
		f.Dirs = cf.Value == "DIR"
	} else if sf := schemaFlagByName(name); sf != nil {
		// connect's -proto, -protoset, -import-path (no usage text here).
		f.Files = sf.Value == "FILE"
		f.Dirs = sf.Value == "DIR"
	}
	switch {
	case f.Files || f.Dirs || f.Values != nil:
	case compFileWord.MatchString(usage): // "NAME or a dotenv FILE" is a file
		f.Files = true
	case compDirWord.MatchString(usage):
		f.Dirs = true
	case compAlts.MatchString(usage):
		f.Values = strings.Split(compAlts.FindStringSubmatch(usage)[1], "|")
	case compOr.MatchString(usage):
		m := compOr.FindStringSubmatch(usage)
		for _, v := range strings.Split(m[1], ",") {
			f.Values = append(f.Values, strings.TrimSpace(v))
		}
		f.Values = append(f.Values, m[2])
	}
	return f
}

// withPrefix keeps the words that start with prefix, sorted, once each.
func withPrefix(words []string, prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func flagNames(flags []CompFlag, dashes string) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		out = append(out, dashes+f.Name)
	}
	return out
}

func findCompFlag(flags []CompFlag, word string) *CompFlag {
	name := strings.TrimLeft(word, "-")
	for i := range flags {
		if flags[i].Name == name {
			return &flags[i]
		}
	}
	return nil
}

// valueCompletion completes the value of f.
func valueCompletion(f *CompFlag, cur string) Completion {
	return Completion{Items: withPrefix(f.Values, cur), Files: f.Files, Dirs: f.Dirs}
}

// CommandLine describes the command line being completed (grpcsh's own:
// grpcsh [flags] [TARGET] VERB ARG).
type CommandLine struct {
	Flags []CompFlag
	Verbs []string
	// VerbArgs are the words some verbs take ("completion": bash zsh fish).
	VerbArgs map[string][]string
	// Names fetches the schema of the line's target or files: flagArgs are
	// the flags on the line (with their values), target its TARGET ("" for
	// none), verb the verb whose argument is completed. Called only when a
	// schema name is to be completed.
	Names func(flagArgs []string, target, verb string) (SchemaNames, error)
}

// Complete completes the last of args (the word under the cursor, "" for
// a new one); args are the words after the program's name.
func (l CommandLine) Complete(args []string) Completion {
	if len(args) == 0 {
		args = []string{""}
	}
	cur, prev := args[len(args)-1], args[:len(args)-1]
	var flagArgs, positional []string
	for i := 0; i < len(prev); i++ {
		w := prev[i]
		if strings.HasPrefix(w, "-") && w != "-" {
			flagArgs = append(flagArgs, w)
			f := findCompFlag(l.Flags, strings.SplitN(w, "=", 2)[0])
			if f != nil && f.Value && !strings.Contains(w, "=") {
				if i+1 == len(prev) { // the current word is this flag's value
					return valueCompletion(f, cur)
				}
				i++
				flagArgs = append(flagArgs, prev[i])
			}
			continue
		}
		positional = append(positional, w)
	}
	if name, val, ok := strings.Cut(cur, "="); ok && strings.HasPrefix(cur, "-") {
		if f := findCompFlag(l.Flags, name); f != nil && f.Value {
			c := valueCompletion(f, val)
			for i := range c.Items {
				c.Items[i] = name + "=" + c.Items[i]
			}
			return c
		}
	}
	if strings.HasPrefix(cur, "-") {
		return Completion{Items: withPrefix(flagNames(l.Flags, "-"), cur)}
	}
	target, verb, verbArgs := "", "", 0
	for _, p := range positional {
		switch {
		case verb != "":
			verbArgs++
		case slices.Contains(l.Verbs, p):
			verb = p
		case target == "":
			target = p
		}
	}
	switch {
	case verb == "":
		return Completion{Items: withPrefix(l.Verbs, cur)}
	case l.VerbArgs[verb] != nil && verbArgs == 0:
		return Completion{Items: withPrefix(l.VerbArgs[verb], cur)}
	case verb == "test":
		return Completion{Files: true}
	case !takesSchema(verb) || verbArgs > 0 || l.Names == nil:
		return Completion{}
	}
	n, err := l.Names(flagArgs, target, verb)
	if err != nil {
		return Completion{}
	}
	return schemaCompletion(verb, n, cur)
}

// LineCompletion is the completion of a line of the command language: Items
// replace line[Start:].
type LineCompletion struct {
	Completion
	Start int
}

// CompleteLine completes the last word of line (the text before the
// cursor) in the command language: command names, a command's flags (and
// connect's values), the services, methods and messages of the session, and
// ${NAME} from let and the environment file. Paths are completed here, not
// left to a shell. ctx bounds any reflection lookup.
func (x *Executor) CompleteLine(ctx context.Context, line string) LineCompletion {
	start := strings.LastIndexAny(line, " \t") + 1
	cur := line[start:]
	words := strings.Fields(line[:start])
	if i := strings.LastIndex(cur, "${"); i >= 0 && !strings.Contains(cur[i:], "}") {
		return LineCompletion{Completion{Items: withPrefix(x.varRefs(cur[:i]), cur)}, start}
	}
	if len(words) == 0 {
		return LineCompletion{Completion{Items: withPrefix(commandNames(), cur)}, start}
	}
	spec := commandByName[words[0]]
	if spec == nil {
		return LineCompletion{Start: start}
	}
	var flags []CompFlag
	for name, value := range spec.Flags {
		flags = append(flags, compFlag(name, value, ""))
	}
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	args := 0
	for i := 1; i < len(words); i++ {
		if f := findCompFlag(flags, words[i]); f != nil && strings.HasPrefix(words[i], "-") {
			if f.Value {
				if i+1 == len(words) {
					return LineCompletion{pathCompletion(valueCompletion(f, cur), cur), start}
				}
				i++
			}
			continue
		}
		args++
	}
	switch {
	case strings.HasPrefix(cur, "-"):
		return LineCompletion{Completion{Items: withPrefix(flagNames(flags, "-"), cur)}, start}
	case args > 0:
		return LineCompletion{Start: start} // call's JSON, a second argument
	case words[0] == "help":
		return LineCompletion{Completion{Items: withPrefix(commandNames(), cur)}, start}
	case words[0] == "set" || words[0] == "unset":
		return LineCompletion{Completion{Items: withPrefix(settingNames(), cur)}, start}
	case words[0] == "env":
		c := pathCompletion(Completion{Files: true}, cur)
		c.Items = withPrefix(append(c.Items, EnvNames(x.Session.Collection())...), cur)
		return LineCompletion{c, start}
	case !takesSchema(words[0]):
		return LineCompletion{Start: start}
	}
	n, err := CollectNames(ctx, x.Session)
	if err != nil {
		return LineCompletion{Start: start}
	}
	return LineCompletion{schemaCompletion(words[0], n, cur), start}
}

// varRefs are "${NAME}" for every let binding and environment-file
// variable, after lead (the word's text before "${").
func (x *Executor) varRefs(lead string) []string {
	var out []string
	for name := range x.vars {
		out = append(out, lead+"${"+name+"}")
	}
	if e := x.Session.Env(); e != nil {
		for name := range e.Vars {
			out = append(out, lead+"${"+name+"}")
		}
	}
	return out
}

// pathCompletion lists the files (or folders) that complete cur, for the
// TUI, which has no shell to do it: folders end with "/".
func pathCompletion(c Completion, cur string) Completion {
	if !c.Files && !c.Dirs {
		return c
	}
	dir, base := filepath.Split(cur)
	entries, err := os.ReadDir(filepath.Join(".", dir))
	if err != nil {
		return Completion{}
	}
	var items []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		switch {
		case e.IsDir():
			items = append(items, dir+name+"/")
		case c.Files:
			items = append(items, dir+name)
		}
	}
	return Completion{Items: withPrefix(items, cur)}
}

// EnvNames are the environments of a collection (its env/NAME.env files),
// for -env NAME and the env command; collection "" is DefaultCollection.
func EnvNames(collection string) []string {
	if collection == "" {
		collection = DefaultCollection
	}
	files, _ := filepath.Glob(filepath.Join(collection, "env", "*.env"))
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".env"))
	}
	return names
}
