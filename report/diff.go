package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

// Entry is one verdict of a snapshot: a target as one client sees it, or
// a target's client matrix (check --clients).
type Entry struct {
	Diagnosis *diagnose.Diagnosis
	Clients   *diagnose.ClientMatrix
}

// Key pairs entries across snapshots: the target, and the client or "clients".
func (e Entry) Key() string {
	if e.Diagnosis != nil {
		return e.Diagnosis.Target + " " + e.Diagnosis.Profile
	}
	if e.Clients != nil {
		return e.Clients.Target + " clients"
	}
	return ""
}

// Diff is what changed between two sets of verdicts (two runs, two JSON
// documents, two scans).
type Diff struct {
	SchemaVersion int          `json:"schema_version"`
	Before        string       `json:"before"`
	After         string       `json:"after"`
	Changed       int          `json:"changed"` // targets that changed, appeared or disappeared
	Unchanged     int          `json:"unchanged"`
	Targets       []TargetDiff `json:"targets"`
}

// Change is a value before and after.
type Change struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

func change(before, after string) *Change {
	if before == after {
		return nil
	}
	return &Change{Before: before, After: after}
}

// TargetDiff is what changed for one target (and client).
type TargetDiff struct {
	Target  string  `json:"target"`
	Profile string  `json:"profile,omitempty"`
	Status  string  `json:"status"` // changed, unchanged, added, removed
	Cause   *Change `json:"cause,omitempty"`
	// Now is the cause after (or before, for a removed target).
	Now          cause.Code     `json:"now"`
	TargetChange *Change        `json:"target_change,omitempty"` // when two single documents of different targets are compared
	ProfileDiff  *Change        `json:"profile_change,omitempty"`
	Summary      string         `json:"summary,omitempty"` // the verdict after, when the cause changed
	Addresses    []AddressDiff  `json:"addresses,omitempty"`
	Clients      []ClientChange `json:"clients,omitempty"`
}

// AddressDiff is what changed at one address.
type AddressDiff struct {
	Addr         string       `json:"addr"`
	Status       string       `json:"status"` // changed, added, removed
	Cause        *Change      `json:"cause,omitempty"`
	Version      *Change      `json:"version,omitempty"`
	CipherSuite  *Change      `json:"cipher_suite,omitempty"`
	HTTP         *Change      `json:"http,omitempty"`
	Certificates []CertChange `json:"certificates,omitempty"`
	Server       []string     `json:"server,omitempty"` // what the server accepts (check --server), in words
}

// CertChange is one certificate of the chain that changed.
type CertChange struct {
	Position int    `json:"position"` // 0 is the leaf
	Role     string `json:"role"`
	Status   string `json:"status"` // replaced, added, removed, source
	Subject  string `json:"subject"`
	// Fields are the fields that differ, for a replaced certificate:
	// subject, issuer, serial, not_before, not_after, names, key, signature,
	// source.
	Fields map[string]Change `json:"fields,omitempty"`
}

// ClientChange is one client whose verdict changed (check --clients).
type ClientChange struct {
	Profile string `json:"profile"`
	Cause   Change `json:"cause"`
}

// Compare pairs the entries of before and after by target and client (two
// single entries are paired whatever they are) and says what changed.
func Compare(beforeLabel string, before []Entry, afterLabel string, after []Entry) *Diff {
	d := &Diff{SchemaVersion: diagnose.SchemaVersion, Before: beforeLabel, After: afterLabel, Targets: []TargetDiff{}}
	add := func(td TargetDiff) {
		d.Targets = append(d.Targets, td)
		if td.Status == "unchanged" {
			d.Unchanged++
		} else {
			d.Changed++
		}
	}
	if len(before) == 1 && len(after) == 1 && (before[0].Diagnosis != nil) == (after[0].Diagnosis != nil) {
		add(compareEntry(before[0], after[0]))
		return d
	}
	seen := map[string]bool{}
	for _, b := range before {
		k := b.Key()
		seen[k] = true
		i := slices.IndexFunc(after, func(a Entry) bool { return a.Key() == k })
		if i < 0 {
			add(lone(b, "removed"))
			continue
		}
		add(compareEntry(b, after[i]))
	}
	for _, a := range after {
		if !seen[a.Key()] {
			seen[a.Key()] = true
			add(lone(a, "added"))
		}
	}
	return d
}

func lone(e Entry, status string) TargetDiff {
	if e.Diagnosis != nil {
		return TargetDiff{Target: e.Diagnosis.Target, Profile: e.Diagnosis.Profile, Status: status, Now: e.Diagnosis.Cause, Summary: e.Diagnosis.Summary}
	}
	return TargetDiff{Target: e.Clients.Target, Profile: "clients", Status: status}
}

func compareEntry(b, a Entry) TargetDiff {
	if b.Diagnosis != nil && a.Diagnosis != nil {
		return CompareDiagnoses(b.Diagnosis, a.Diagnosis)
	}
	td := TargetDiff{Target: a.Clients.Target, Profile: "clients", Status: "unchanged", TargetChange: change(b.Clients.Target, a.Clients.Target)}
	for _, av := range a.Clients.Clients {
		bc := cause.Code("(not checked)")
		if i := slices.IndexFunc(b.Clients.Clients, func(v diagnose.ClientVerdict) bool { return v.Profile == av.Profile }); i >= 0 {
			bc = b.Clients.Clients[i].Cause
		}
		if bc != av.Cause {
			td.Clients = append(td.Clients, ClientChange{Profile: av.Profile, Cause: Change{string(bc), string(av.Cause)}})
		}
	}
	for _, bv := range b.Clients.Clients {
		if !slices.ContainsFunc(a.Clients.Clients, func(v diagnose.ClientVerdict) bool { return v.Profile == bv.Profile }) {
			td.Clients = append(td.Clients, ClientChange{Profile: bv.Profile, Cause: Change{string(bv.Cause), "(not checked)"}})
		}
	}
	if len(td.Clients) > 0 || td.TargetChange != nil {
		td.Status = "changed"
	}
	return td
}

// CompareDiagnoses says what changed between two verdicts: the cause, and
// per address the cause, version, suite, HTTP status, certificates and,
// when both scanned the server, what it accepts.
func CompareDiagnoses(b, a *diagnose.Diagnosis) TargetDiff {
	td := TargetDiff{Target: a.Target, Profile: a.Profile, Status: "unchanged", Now: a.Cause,
		Cause: change(string(b.Cause), string(a.Cause)), TargetChange: change(b.Target, a.Target), ProfileDiff: change(b.Profile, a.Profile)}
	if td.Cause != nil {
		td.Summary = a.Summary
	}
	// Addresses pair by address; two checks with no address in common (a
	// service moved, two ports compared) pair in order.
	byOrder := len(a.Addresses) == len(b.Addresses) && !slices.ContainsFunc(a.Addresses, func(x diagnose.AddressResult) bool {
		return slices.ContainsFunc(b.Addresses, func(y diagnose.AddressResult) bool { return x.Addr == y.Addr })
	})
	for n, aa := range a.Addresses {
		i := slices.IndexFunc(b.Addresses, func(x diagnose.AddressResult) bool { return x.Addr == aa.Addr })
		if byOrder {
			i = n
		}
		if i < 0 {
			td.Addresses = append(td.Addresses, AddressDiff{Addr: aa.Addr, Status: "added", Cause: &Change{"", string(aa.Cause)}})
			continue
		}
		if ad := compareAddress(&b.Addresses[i], &aa); ad != nil {
			td.Addresses = append(td.Addresses, *ad)
		}
	}
	for _, ba := range b.Addresses {
		if !byOrder && !slices.ContainsFunc(a.Addresses, func(x diagnose.AddressResult) bool { return x.Addr == ba.Addr }) {
			td.Addresses = append(td.Addresses, AddressDiff{Addr: ba.Addr, Status: "removed", Cause: &Change{string(ba.Cause), ""}})
		}
	}
	if td.Cause != nil || td.TargetChange != nil || td.ProfileDiff != nil || len(td.Addresses) > 0 {
		td.Status = "changed"
	}
	return td
}

func negotiated(a *diagnose.AddressResult) (string, string) {
	if a.Negotiated == nil {
		return "", ""
	}
	return a.Negotiated.Version, a.Negotiated.CipherSuite
}

func compareAddress(b, a *diagnose.AddressResult) *AddressDiff {
	d := &AddressDiff{Addr: a.Addr, Status: "changed", Cause: change(string(b.Cause), string(a.Cause))}
	if b.Addr != a.Addr {
		d.Addr = b.Addr + " -> " + a.Addr
	}
	if b.HTTPStatus != "" && a.HTTPStatus != "" {
		// A verdict records the status only when the exchange succeeded.
		d.HTTP = change(b.HTTPStatus, a.HTTPStatus)
	}
	bv, bs := negotiated(b)
	av, as := negotiated(a)
	d.Version, d.CipherSuite = change(bv, av), change(bs, as)
	d.Certificates = compareChains(b.Certificates, a.Certificates)
	if b.Server != nil && a.Server != nil {
		d.Server = compareServer(b.Server, a.Server)
	}
	if d.Cause == nil && d.HTTP == nil && d.Version == nil && d.CipherSuite == nil && len(d.Certificates) == 0 && len(d.Server) == 0 && b.Addr == a.Addr {
		return nil
	}
	return d
}

func compareChains(b, a []diagnose.Certificate) []CertChange {
	var out []CertChange
	for i := 0; i < max(len(a), len(b)); i++ {
		switch {
		case i >= len(b):
			out = append(out, CertChange{Position: i, Role: a[i].Role, Status: "added", Subject: a[i].Subject, Fields: certFields(diagnose.Certificate{}, a[i])})
		case i >= len(a):
			out = append(out, CertChange{Position: i, Role: b[i].Role, Status: "removed", Subject: b[i].Subject})
		case b[i].SHA256 != a[i].SHA256:
			out = append(out, CertChange{Position: i, Role: a[i].Role, Status: "replaced", Subject: a[i].Subject, Fields: certFields(b[i], a[i])})
		case b[i].Source != a[i].Source:
			out = append(out, CertChange{Position: i, Role: a[i].Role, Status: "source", Subject: a[i].Subject,
				Fields: map[string]Change{"source": {b[i].Source, a[i].Source}}})
		}
	}
	return out
}

func certFields(b, a diagnose.Certificate) map[string]Change {
	m := map[string]Change{}
	for _, f := range []struct{ name, b, a string }{
		{"subject", b.Subject, a.Subject}, {"issuer", b.Issuer, a.Issuer}, {"serial", b.Serial, a.Serial},
		{"not_before", b.NotBefore, a.NotBefore}, {"not_after", b.NotAfter, a.NotAfter},
		{"names", strings.Join(b.Names, ", "), strings.Join(a.Names, ", ")}, {"key", b.Key, a.Key},
		{"signature", b.Signature, a.Signature}, {"source", b.Source, a.Source},
	} {
		if f.b != f.a {
			m[f.name] = Change{f.b, f.a}
		}
	}
	return m
}

// compareServer lists, in words, what the server accepts now that it did
// not, and what it no longer accepts.
func compareServer(b, a *diagnose.ServerReport) []string {
	var out []string
	versions := func(r *diagnose.ServerReport) map[string][]string {
		m := map[string][]string{}
		for _, v := range r.Versions {
			if v.Accepted {
				m[v.Version] = v.Suites
			}
		}
		return m
	}
	bv, av := versions(b), versions(a)
	for _, v := range a.Versions {
		bs, wasOn := bv[v.Version]
		as, isOn := av[v.Version]
		switch {
		case isOn && !wasOn:
			out = append(out, v.Version+" now accepted")
		case wasOn && !isOn:
			out = append(out, v.Version+" no longer accepted")
		case isOn:
			if add := minus(as, bs); len(add) > 0 {
				out = append(out, fmt.Sprintf("%s suites added: %s", v.Version, strings.Join(add, ", ")))
			}
			if rm := minus(bs, as); len(rm) > 0 {
				out = append(out, fmt.Sprintf("%s suites removed: %s", v.Version, strings.Join(rm, ", ")))
			}
		}
	}
	for _, g := range []struct {
		name string
		b, a []string
	}{{"groups (TLS 1.3)", b.Groups13, a.Groups13}, {"groups (TLS 1.2)", b.Groups12, a.Groups12}} {
		if add := minus(g.a, g.b); len(add) > 0 {
			out = append(out, g.name+" added: "+strings.Join(add, ", "))
		}
		if rm := minus(g.b, g.a); len(rm) > 0 {
			out = append(out, g.name+" removed: "+strings.Join(rm, ", "))
		}
	}
	if b.NoSNI != a.NoSNI {
		out = append(out, fmt.Sprintf("without SNI: %s -> %s", b.NoSNI, a.NoSNI))
	}
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// DiffText writes d for people: each target that changed, then a count.
func DiffText(w io.Writer, d *Diff, s Style) {
	for _, t := range d.Targets {
		if t.Status == "unchanged" && !s.Verbose {
			continue
		}
		writeTargetDiff(w, s, t, "")
	}
	if d.Changed == 0 {
		fmt.Fprintf(w, "No change between %s and %s (%s compared).\n", d.Before, d.After, plural(d.Unchanged, "verdict"))
		return
	}
	fmt.Fprintf(w, "%s changed, %d unchanged.\n", plural(d.Changed, "verdict"), d.Unchanged)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// WriteTargetDiff writes one target's changes, each line after prefix
// (check --watch prints the time there).
func WriteTargetDiff(w io.Writer, s Style, t TargetDiff, prefix string) {
	writeTargetDiff(w, s, t, prefix)
}

func writeTargetDiff(w io.Writer, s Style, t TargetDiff, prefix string) {
	who := t.Target
	if t.Profile != "" {
		who += " (" + t.Profile + ")"
	}
	paint := func(c string) string {
		if c == "" {
			return "-"
		}
		if c == string(cause.OK) {
			return s.green(c)
		}
		if cause.Code(c).Known() {
			return s.red(c)
		}
		return c
	}
	switch t.Status {
	case "added", "removed":
		fmt.Fprintf(w, "%s%s %s: %s\n", prefix, s.bold(who), t.Status, paint(string(t.Now)))
		return
	case "unchanged":
		fmt.Fprintf(w, "%s%s unchanged: %s\n", prefix, s.bold(who), paint(string(t.Now)))
		return
	}
	head := s.bold(who)
	if t.Cause != nil {
		head += fmt.Sprintf(": %s -> %s", paint(t.Cause.Before), paint(t.Cause.After))
	} else if t.Now != "" {
		head += ": still " + paint(string(t.Now))
	}
	fmt.Fprintf(w, "%s%s\n", prefix, head)
	in := prefix + "  "
	if t.Summary != "" {
		fmt.Fprintf(w, "%s%s\n", in, t.Summary)
	}
	if t.TargetChange != nil {
		fmt.Fprintf(w, "%starget: %s -> %s\n", in, t.TargetChange.Before, t.TargetChange.After)
	}
	if t.ProfileDiff != nil {
		fmt.Fprintf(w, "%sclient: %s -> %s\n", in, t.ProfileDiff.Before, t.ProfileDiff.After)
	}
	for _, a := range t.Addresses {
		line := a.Addr
		switch {
		case a.Status != "changed":
			line += " " + a.Status
		case a.Cause != nil:
			line += fmt.Sprintf(": %s -> %s", paint(a.Cause.Before), paint(a.Cause.After))
		}
		fmt.Fprintf(w, "%s%s\n", in, line)
		sub := in + "  "
		for _, c := range []struct {
			name string
			ch   *Change
		}{{"version", a.Version}, {"cipher suite", a.CipherSuite}, {"HTTP", a.HTTP}} {
			if c.ch != nil {
				fmt.Fprintf(w, "%s%s: %s -> %s\n", sub, c.name, orNone(c.ch.Before), orNone(c.ch.After))
			}
		}
		for _, c := range a.Certificates {
			switch c.Status {
			case "added", "removed":
				fmt.Fprintf(w, "%s%s %s: %s\n", sub, c.Role, c.Status, c.Subject)
			case "source":
				ch := c.Fields["source"]
				fmt.Fprintf(w, "%s%s %s: %s -> %s\n", sub, c.Role, c.Subject, sourceWord(ch.Before), sourceWord(ch.After))
			default:
				fmt.Fprintf(w, "%s%s replaced: %s\n", sub, c.Role, c.Subject)
				for _, f := range []string{"subject", "issuer", "serial", "not_before", "not_after", "names", "key", "signature", "source"} {
					if ch, ok := c.Fields[f]; ok {
						fmt.Fprintf(w, "%s  %-10s %s -> %s\n", sub, f, orNone(ch.Before), orNone(ch.After))
					}
				}
			}
		}
		for _, l := range a.Server {
			fmt.Fprintf(w, "%s%s\n", sub, l)
		}
	}
	for _, c := range t.Clients {
		fmt.Fprintf(w, "%s%-27s %s -> %s\n", in, c.Profile, paint(c.Cause.Before), paint(c.Cause.After))
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sourceWord(s string) string {
	switch s {
	case "aia":
		return "fetched from the AIA URL"
	case "served":
		return "sent by the server"
	case "trust store":
		return "from the trust store"
	}
	return orNone(s)
}
