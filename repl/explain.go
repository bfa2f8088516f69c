package repl

import (
	"fmt"
	"io"
	"strings"

	"github.com/grpcsh/grpcsh/dynamic"
)

// explainAfter does what explain's flags ask once the lesson is printed:
// -write DIR (with -force) writes the project; then a failed -send is the
// command's error.
func explainAfter(w io.Writer, cmd *Command, lesson *dynamic.Lesson) error {
	dir, write := cmd.Flag("write")
	if _, force := cmd.Flag("force"); force && !write {
		return usageErrorf("explain: -force goes with -write DIR")
	}
	if write {
		_, force := cmd.Flag("force")
		written, err := lesson.WriteProject(dir, force)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s into %s\n", strings.Join(written, ", "), dir)
	}
	if lesson.SendErr != nil {
		return fmt.Errorf("explain -send: %w", lesson.SendErr)
	}
	return nil
}

// explainFlag reads explain's -send, -write DIR or -force (f), and
// returns the word after it.
func (p *Parser) explainFlag(cmd *Command, f Word) (Word, error) {
	name := strings.TrimLeft(f.Text, "-")
	flag := Flag{Name: name, Pos: f.Pos}
	switch name {
	case "send", "force":
	case "write":
		dir, ok, err := p.word()
		if err != nil {
			return Word{}, err
		}
		if !ok {
			return Word{}, p.errorf(p.pos(), "-write needs DIR")
		}
		flag.Value = dir.Text
	default:
		return Word{}, p.errorf(f.Pos, "unknown explain flag %q: want -send, -write DIR or -force", f.Text)
	}
	cmd.Flags = append(cmd.Flags, flag)
	next, ok, err := p.word()
	if err != nil {
		return Word{}, err
	}
	if !ok {
		return Word{}, p.errorf(p.pos(), "explain needs METHOD (usage: explain %s)", commandByName["explain"].Usage)
	}
	return next, nil
}
