package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/explain"
	"github.com/tlsdoctor/tlsdoctor/fleet"
)

// writeSummary prints the grouped summary of a scan.
// checked is how many targets were checked in took (the rest came from a
// --resume file), for the rate.
func writeSummary(w io.Writer, s *fleet.Summary, mode fleet.Mode, took time.Duration, checked int, notes []string, color bool) {
	paint := func(code, text string) string {
		if !color {
			return text
		}
		return "\x1b[" + code + "m" + text + "\x1b[0m"
	}
	head := fmt.Sprintf("\nScanned %d target", s.Targets)
	if s.Targets != 1 {
		head += "s"
	}
	if took > 0 {
		round := 10 * time.Millisecond
		if took < time.Second {
			round = time.Millisecond
		}
		head += fmt.Sprintf(" in %s (%.0f/s)", took.Round(round), float64(checked)/took.Seconds())
	}
	if mode != "" {
		head += ", mode " + string(mode)
	}
	fmt.Fprintf(w, "%s: %d OK, %d fail\n", head, s.OK, s.Failed)
	if len(notes) > 0 {
		fmt.Fprintf(w, "(%s)\n", strings.Join(notes, "; "))
	}
	for _, c := range s.Sorted() {
		g := s.Causes[c]
		label := paint("1;31", "FAIL "+string(c))
		if c == cause.OK {
			label = paint("1;32", "OK")
		}
		fmt.Fprintf(w, "\n%s (%d)\n", label, g.Count)
		switch {
		case g.Detail != "":
			fmt.Fprintf(w, "  %s\n", explain.Clip(g.Detail, 300))
		case c != cause.OK:
			if info, ok := cause.Lookup(c); ok {
				fmt.Fprintf(w, "  %s\n", info.Summary)
			}
		}
		if len(g.Clients) > 0 {
			fmt.Fprintf(w, "  for %s\n", clientCounts(g.Clients, g.Count))
		}
		for _, ex := range g.Examples {
			fmt.Fprintf(w, "  e.g. %s\n", ex)
		}
	}
	if len(s.Clients) > 0 {
		fmt.Fprintf(w, "\nFailing clients (targets where each fails):\n")
		var ids []string
		for id := range s.Clients {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool {
			if s.Clients[ids[i]] != s.Clients[ids[j]] {
				return s.Clients[ids[i]] > s.Clients[ids[j]]
			}
			return ids[i] < ids[j]
		})
		for _, id := range ids {
			fmt.Fprintf(w, "  %6d  %s\n", s.Clients[id], id)
		}
	}
	if top := s.TopIssuers(10); len(top) > 0 {
		fmt.Fprintf(w, "\nIssuers of the leaf certificates:\n")
		for _, i := range top {
			fmt.Fprintf(w, "  %6d  %s\n", s.Issuers[i], i)
		}
		if n := len(s.Issuers); n > len(top) {
			fmt.Fprintf(w, "  ... and %d more\n", n-len(top))
		}
		fmt.Fprintf(w, "\nExpiry: %d expired, %d within 7 days, %d within 30 days\n", s.Expiry.Expired.Count, s.Expiry.In7Days.Count, s.Expiry.In30Days.Count)
		for _, x := range []struct {
			name string
			g    fleet.Group
		}{{"expired", s.Expiry.Expired}, {"< 7 days", s.Expiry.In7Days}, {"< 30 days", s.Expiry.In30Days}} {
			for _, ex := range x.g.Examples {
				fmt.Fprintf(w, "  %-9s %s\n", x.name, ex)
			}
		}
	}
	if s.Failed > 0 {
		fmt.Fprintf(w, "\nOne target in full: tlsdoctor check TARGET with its --profile and this scan's --connect, --ca-bundle and\n--no-system-roots; every target: --json\n")
	}
}

// csvWriter writes one row per target.
type csvWriter struct {
	w *csv.Writer
}

var csvHeader = []string{"id", "target", "source", "where", "mode", "profile", "cause", "confidence", "summary", "addresses", "version", "cipher_suite", "issuer", "not_after", "failing_clients"}

func newCSVWriter(w io.Writer) *csvWriter {
	c := &csvWriter{w: csv.NewWriter(w)}
	c.w.Write(csvHeader)
	return c
}

func (c *csvWriter) write(r *fleet.Record) {
	var addrs []string
	var version, suite, issuer, notAfter string
	for _, a := range r.Addresses {
		addrs = append(addrs, a.Addr)
		if version == "" && a.Negotiated != nil {
			version, suite = a.Negotiated.Version, a.Negotiated.CipherSuite
		}
		if issuer == "" && len(a.Certificates) > 0 {
			issuer, notAfter = a.Certificates[0].Issuer, a.Certificates[0].NotAfter
		}
	}
	var failing []string
	for _, v := range r.Clients {
		if v.Cause != cause.OK {
			failing = append(failing, v.Profile+"="+string(v.Cause))
		}
	}
	summary := r.Summary
	if r.Error != "" {
		summary = r.Error
	}
	c.w.Write([]string{r.ID, r.Target, r.Source, r.Where, r.Mode, r.Profile, string(r.Cause), r.Confidence, summary,
		strings.Join(addrs, " "), version, suite, issuer, notAfter, strings.Join(failing, " ")})
}

func (c *csvWriter) flush() { c.w.Flush() }

// sarifWriter streams a SARIF 2.1.0 log: one result per failing target,
// located at the line of the configuration (or target file) it came from.
// The results come first and the tool (with a rule per cause seen) last, so
// nothing but the set of causes is held.
type sarifWriter struct {
	w     *bufio.Writer
	n     int
	rules map[cause.Code]bool
}

func newSARIFWriter(w io.Writer) *sarifWriter {
	s := &sarifWriter{w: bufio.NewWriter(w), rules: map[cause.Code]bool{}}
	s.w.WriteString(`{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"results":[`)
	return s
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
	Partial   map[string]any  `json:"partialFingerprints,omitempty"`
	Props     map[string]any  `json:"properties,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifLocation struct {
	Physical struct {
		Artifact struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn,omitempty"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

func (s *sarifWriter) write(r *fleet.Record) {
	if !r.Failed() {
		return
	}
	code := r.Cause
	if r.Error != "" {
		code = "ERROR"
	}
	s.rules[code] = true
	msg := r.Target + ": " + r.Summary
	if r.Error != "" {
		msg = r.Target + ": " + r.Error
	}
	if len(r.Clients) > 0 {
		var failing []string
		for _, v := range r.Clients {
			if v.Cause != cause.OK {
				failing = append(failing, v.Profile+" ("+string(v.Cause)+")")
			}
		}
		msg = r.Target + ": fails for " + strings.Join(failing, ", ")
	}
	res := sarifResult{RuleID: string(code), Level: "error", Message: sarifText{msg},
		Partial: map[string]any{"tlsdoctorTarget/v1": r.ID}, Props: map[string]any{"target": r.Target, "profile": r.Profile}}
	if file, line, col, ok := splitSource(r.Source); ok && file != "-" {
		var loc sarifLocation
		loc.Physical.Artifact.URI = file
		loc.Physical.Region.StartLine, loc.Physical.Region.StartColumn = line, col
		res.Locations = []sarifLocation{loc}
	}
	data, _ := json.Marshal(res)
	if s.n > 0 {
		s.w.WriteByte(',')
	}
	s.n++
	s.w.Write(data)
}

func (s *sarifWriter) close() {
	var rules []map[string]any
	var codes []string
	for c := range s.rules {
		codes = append(codes, string(c))
	}
	sort.Strings(codes)
	for _, c := range codes {
		info, ok := cause.Lookup(cause.Code(c))
		desc, help := "the target could not be checked", "see the message"
		if ok {
			desc, help = info.Summary, info.Fix
		}
		rules = append(rules, map[string]any{"id": c, "shortDescription": sarifText{desc}, "help": sarifText{help},
			"helpUri": "https://github.com/tlsdoctor/tlsdoctor/blob/main/docs/causes.md"})
	}
	tool, _ := json.Marshal(map[string]any{"driver": map[string]any{"name": "tlsdoctor", "version": Version,
		"informationUri": "https://github.com/tlsdoctor/tlsdoctor", "rules": rules}})
	s.w.WriteString(`],"tool":`)
	s.w.Write(tool)
	s.w.WriteString("}]}\n")
	s.w.Flush()
}

// splitSource splits file:line[:col].
func splitSource(src string) (file string, line, col int, ok bool) {
	parts := strings.Split(src, ":")
	if len(parts) < 2 {
		return "", 0, 0, false
	}
	nums := 0
	for i := len(parts) - 1; i >= 1 && nums < 2; i-- {
		if _, err := strconv.Atoi(parts[i]); err != nil {
			break
		}
		nums++
	}
	if nums == 0 {
		return "", 0, 0, false
	}
	file = strings.Join(parts[:len(parts)-nums], ":")
	line, _ = strconv.Atoi(parts[len(parts)-nums])
	if nums == 2 {
		col, _ = strconv.Atoi(parts[len(parts)-1])
	}
	return file, line, col, true
}

// clientCounts lists the clients of a cause group, most targets first; the
// count is shown when a client fails on fewer than all of the group's.
func clientCounts(clients map[string]int, total int) string {
	ids := make([]string, 0, len(clients))
	for id := range clients {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if clients[ids[i]] != clients[ids[j]] {
			return clients[ids[i]] > clients[ids[j]]
		}
		return ids[i] < ids[j]
	})
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id
		if clients[id] < total {
			parts[i] += fmt.Sprintf(" (%d)", clients[id])
		}
	}
	return strings.Join(parts, ", ")
}
