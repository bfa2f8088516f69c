package main

// grpcsh completion bash|zsh|fish prints a completion script; the scripts
// call the hidden grpcsh __complete WORDS..., which answers one candidate a
// line (":files" / ":dirs" ask the shell to complete a path). The logic is
// repl's (repl/complete.go), shared with the TUI's ":" bar.

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/grpcsh/grpcsh/repl"
)

// completeVerb is the hidden command the scripts run.
const completeVerb = "__complete"

// completeWait bounds how long a tab waits for a server's schema: a slow
// or absent server costs the user this much once, then completion goes on
// without names.
const completeWait = time.Second

// verbs are the subcommands completed (canonical names; aliases work too).
var verbs = []string{"call", "completion", "describe", "explain", "list", "template", "test"}

func runCompletion(args []string, stdout, stderr io.Writer) int {
	if args[0] == completeVerb {
		c := commandLine().Complete(args[1:])
		if c.Files {
			fmt.Fprintln(stdout, ":files")
		} else if c.Dirs {
			fmt.Fprintln(stdout, ":dirs")
		}
		for _, it := range c.Items {
			fmt.Fprintln(stdout, it)
		}
		return repl.ExitOK
	}
	if len(args) != 2 || completionScripts[args[1]] == "" {
		fmt.Fprintln(stderr, "grpcsh: completion takes one of bash, zsh, fish\nInstall: see 'Shell completion' in the README, e.g. source <(grpcsh completion bash)")
		return repl.ExitUsage
	}
	fmt.Fprint(stdout, completionScripts[args[1]])
	return repl.ExitOK
}

// commandLine is grpcsh's command line for completion: the flags as
// parseArgs declares them.
func commandLine() repl.CommandLine {
	cfg, err := parseArgs(nil)
	var flags []repl.CompFlag
	if err == nil {
		flags = repl.FlagsOf(cfg.flags)
	}
	for i := range flags {
		if flags[i].Name == "env" { // a NAME of the collection, or a FILE
			flags[i].Values = repl.EnvNames("")
		}
	}
	return repl.CommandLine{
		Flags:    flags,
		Verbs:    verbs,
		VerbArgs: map[string][]string{"completion": {"bash", "fish", "zsh"}},
		Names:    completionNames,
	}
}

// completionNames fetches the schema the line points at (its TARGET, its
// -proto or -protoset files, or --demo), through the cache.
func completionNames(flagArgs []string, target, verb string) (repl.SchemaNames, error) {
	args := slices.Clone(flagArgs)
	if target != "" {
		args = append(args, target)
	}
	// A placeholder argument, so that the verb's own checks pass.
	cfg, err := parseArgs(append(args, verb, "x"))
	if err != nil {
		return repl.SchemaNames{}, err
	}
	key := target
	if cfg.demo {
		key = "--demo"
	}
	files := cfg.session.Paths()
	return repl.CachedNames(repl.CompleteCacheDir(), repl.CompleteCacheKey(key, files), repl.CompleteCacheTTL, func() (repl.SchemaNames, error) {
		ctx, cancel := context.WithTimeout(context.Background(), completeWait)
		defer cancel()
		if cfg.demo {
			srv, err := startDemo()
			if err != nil {
				return repl.SchemaNames{}, err
			}
			defer srv.Stop(0)
			cfg.session.Conn.Target = srv.Target()
		}
		cfg.session.Context = ctx
		s, err := repl.NewSession(ctx, cfg.session)
		if err != nil {
			return repl.SchemaNames{}, err
		}
		defer s.Close()
		return repl.CollectNames(ctx, s)
	})
}

// completionScripts are the scripts, by shell. Each hands the words up to
// the cursor to grpcsh __complete.
var completionScripts = map[string]string{
	"bash": `# grpcsh completion for bash: source <(grpcsh completion bash)
_grpcsh() {
    local i w words=() piece="${COMP_WORDS[COMP_CWORD]}"
    # bash splits words at ':' and '=' (COMP_WORDBREAKS): join the pieces
    # of host:port and -flag=value back into one word.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        if (( ${#words[@]} > 0 )) && [[ "$w" == ":" || "$w" == "=" || "${words[-1]}" == *: || "${words[-1]}" == *= ]] && [[ -n "$w" || "${words[-1]}" == *[:=] ]]; then
            words[-1]+="$w"
        else
            words+=("$w")
        fi
    done
    local cur="${words[-1]}" line
    local IFS=$'\n'
    COMPREPLY=()
    for line in $(command grpcsh __complete "${words[@]}" 2>/dev/null); do
        case "$line" in
        :files) compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -f -- "$cur")) ;;
        :dirs) compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -d -- "$cur")) ;;
        *) COMPREPLY+=("$line") ;;
        esac
    done
    # Candidates replace only the piece after the last ':' or '='.
    if [[ "$cur" != "$piece" && "$piece" != ":" && "$piece" != "=" ]]; then
        local lead="${cur%"$piece"}"
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="${COMPREPLY[i]#"$lead"}"; done
    elif [[ "$piece" == ":" || "$piece" == "=" ]]; then
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="${COMPREPLY[i]#"${cur%"$piece"}"}"; COMPREPLY[i]="${COMPREPLY[i]#"$piece"}"; done
    fi
}
complete -F _grpcsh grpcsh
`,
	"zsh": `#compdef grpcsh
# grpcsh completion for zsh: grpcsh completion zsh > "${fpath[1]}/_grpcsh"
# (or source <(grpcsh completion zsh) after compinit)
_grpcsh() {
    local -a out items
    local line
    out=("${(@f)$(command grpcsh __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    for line in "${out[@]}"; do
        case "$line" in
        :files) _files ;;
        :dirs) _files -/ ;;
        '') ;;
        *) items+=("$line") ;;
        esac
    done
    (( ${#items} )) && compadd -Q -- "${items[@]}"
    return 0
}
if (( $+functions[compdef] )); then
    compdef _grpcsh grpcsh
fi
`,
	"fish": `# grpcsh completion for fish: grpcsh completion fish > ~/.config/fish/completions/grpcsh.fish
function __grpcsh_complete
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    for line in (command grpcsh __complete $words 2>/dev/null)
        switch $line
            case ':files'
                __fish_complete_path (commandline -ct)
            case ':dirs'
                __fish_complete_directories (commandline -ct)
            case '*'
                echo $line
        end
    end
end
complete -c grpcsh -f -a '(__grpcsh_complete)'
`,
}
