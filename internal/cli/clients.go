package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// writeClients renders the matrix: failing causes first, each with its
// clients and what they log, then the clients that work. one is the check
// command for one client, with the options of this one (--connect,
// --ca-bundle, --servername), less --profile.
func writeClients(w io.Writer, m *diagnose.ClientMatrix, color bool, one string) {
	fail := m.Failing()
	fmt.Fprintf(w, "Clients for %s: %d work, %d fail\n", m.Target, len(m.Clients)-fail, fail)
	var causes []cause.Code
	for c := range m.ByCause {
		if c != cause.OK {
			causes = append(causes, c)
		}
	}
	sort.Slice(causes, func(i, j int) bool {
		if len(m.ByCause[causes[i]]) != len(m.ByCause[causes[j]]) {
			return len(m.ByCause[causes[i]]) > len(m.ByCause[causes[j]])
		}
		return causes[i] < causes[j]
	})
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	for _, c := range causes {
		fmt.Fprintf(w, "\n%s %s (%d)\n", paint("1;31", "FAIL"), paint("1;31", string(c)), len(m.ByCause[c]))
		for _, v := range m.Clients {
			if v.Cause != c {
				continue
			}
			fmt.Fprintf(w, "  %-27s %s\n", v.Profile, v.Summary)
			if v.ClientLog != "" {
				fmt.Fprintf(w, "  %-27s %s\n", "", paint("2", "logs: "+v.ClientLog))
			}
		}
	}
	if ok := m.ByCause[cause.OK]; len(ok) > 0 {
		fmt.Fprintf(w, "\n%s (%d)\n  %s\n", paint("1;32", "OK"), len(ok), wrap(strings.Join(ok, ", "), 100, "  "))
	}
	for addr, sr := range m.Server {
		report.Server(w, report.Style{Color: color}, addr, sr)
	}
	fmt.Fprintf(w, "\nOne client in full: %s --profile ID\n", one)
}

func wrap(s string, width int, indent string) string {
	var out, line strings.Builder
	for _, word := range strings.Fields(s) {
		if line.Len()+len(word)+1 > width && line.Len() > 0 {
			out.WriteString(line.String() + "\n" + indent)
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	out.WriteString(line.String())
	return out.String()
}
