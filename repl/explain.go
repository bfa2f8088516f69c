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
