package report

import (
	"fmt"
	"io"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

// writeReproducers lists the commands that show the verdict without
// tlsdoctor, each with the line to look for in its output.
func writeReproducers(w io.Writer, s Style, title string, reps []diagnose.Reproducer) {
	if len(reps) == 0 {
		return
	}
	addrs := map[string]bool{}
	for _, r := range reps {
		addrs[r.Addr] = true
	}
	fmt.Fprintf(w, "\n%s\n", s.bold(title))
	last := ""
	for _, r := range reps {
		head := r.What
		if len(addrs) > 1 {
			head = r.Addr + ": " + head
		}
		if head != last {
			fmt.Fprintf(w, "  %s\n", head)
			last = head
		}
		for _, n := range r.Needs {
			fmt.Fprintf(w, "    %s %s\n", s.dim("first write"), n)
		}
		if r.Requires != "" {
			fmt.Fprintf(w, "    %s %s\n", s.dim("only with an openssl for which this succeeds:"), r.Requires)
		}
		fmt.Fprintf(w, "    $ %s\n", r.Command)
		fmt.Fprintf(w, "    %s %s\n", s.dim("look for:"), r.Expect)
		if r.ExpectAbsent != "" {
			fmt.Fprintf(w, "    %s %s\n", s.dim("and no line with:"), r.ExpectAbsent)
		}
		if r.Note != "" {
			fmt.Fprintf(w, "    %s\n", s.dim("note: "+r.Note))
		}
	}
}
