package fleet

import (
	"sort"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

// Record is what a summary needs of one target's verdict. It is read from a
// scan's NDJSON line (scan merge, --resume) or made from a live Result.
type Record struct {
	ID         string                   `json:"id"`
	Target     string                   `json:"target"`
	Source     string                   `json:"source,omitempty"`
	Where      string                   `json:"where,omitempty"`
	Mode       string                   `json:"mode,omitempty"`
	Profile    string                   `json:"profile,omitempty"`
	Cause      cause.Code               `json:"cause"`
	Confidence string                   `json:"confidence,omitempty"`
	Summary    string                   `json:"summary"`
	Error      string                   `json:"error,omitempty"`
	Addresses  []RecordAddress          `json:"addresses"`
	Clients    []diagnose.ClientVerdict `json:"clients"`
}

// RecordAddress is an address of a Record: its leaf certificate.
type RecordAddress struct {
	Addr         string               `json:"addr"`
	Negotiated   *diagnose.Negotiated `json:"negotiated,omitempty"`
	Certificates []RecordCert         `json:"certificates"`
}

// RecordCert is what a summary uses of a certificate.
type RecordCert struct {
	Issuer   string `json:"issuer"`
	NotAfter string `json:"not_after"`
}

// RecordOf makes the summary record of a live result.
func RecordOf(r *Result, id, source string, mode Mode) *Record {
	rec := &Record{ID: id, Target: r.Job.Target.Input, Source: source, Mode: string(mode)}
	if r.Job.Options.Profile != nil {
		rec.Profile = r.Job.Options.Profile.ID
	}
	switch {
	case r.Err != nil:
		rec.Cause, rec.Error = "ERROR", r.Err.Error()
	case r.Clients != nil:
		// The record's cause is the first failing client's, and so is its
		// profile: "default: PROTOCOL_VERSION_MISMATCH" when the default
		// client passes would mislead.
		rec.Clients = r.Clients.Clients
		rec.Cause = cause.OK
		for _, v := range r.Clients.Clients {
			if v.Cause != cause.OK {
				rec.Cause, rec.Profile, rec.Summary, rec.Confidence = v.Cause, v.Profile, v.Summary, string(v.Confidence)
				break
			}
		}
		if d := r.Clients.First; d != nil {
			// The certificates and what was negotiated, from the check
			// whose capture every client shared.
			rec.Addresses = recordAddresses(d)
			if rec.Cause == cause.OK {
				rec.Summary, rec.Confidence = d.Summary, string(d.Confidence)
			}
		}
	case r.Diagnosis != nil:
		d := r.Diagnosis
		rec.Cause, rec.Summary, rec.Confidence = d.Cause, d.Summary, string(d.Confidence)
		rec.Addresses = recordAddresses(d)
	}
	return rec
}

func recordAddresses(d *diagnose.Diagnosis) []RecordAddress {
	var out []RecordAddress
	for _, a := range d.Addresses {
		x := RecordAddress{Addr: a.Addr, Negotiated: a.Negotiated}
		if len(a.Certificates) > 0 {
			x.Certificates = []RecordCert{{a.Certificates[0].Issuer, a.Certificates[0].NotAfter}}
		}
		out = append(out, x)
	}
	return out
}

// Failed reports whether the record is a failure (ModeFull: for a client).
func (r *Record) Failed() bool {
	if r.Error != "" || r.Cause == "ERROR" {
		return true
	}
	if len(r.Clients) > 0 {
		for _, v := range r.Clients {
			if v.Cause != cause.OK {
				return true
			}
		}
		return false
	}
	return r.Cause.Failed()
}

// Summary groups many verdicts: causes with counts and examples, issuers,
// the expiry horizon and the failing clients. It holds counters and a few
// examples, never the verdicts themselves.
type Summary struct {
	Targets int `json:"targets"`
	OK      int `json:"ok"`
	Failed  int `json:"failed"`
	// Causes is every cause seen, most frequent first (see Sorted).
	Causes map[cause.Code]*Group `json:"causes"`
	// Issuers counts leaf issuers (at most MaxIssuers distinct; the rest
	// are counted under "(other)").
	Issuers map[string]int `json:"issuers"`
	// Expiry is the horizon of the leaf certificates seen.
	Expiry struct {
		Expired  Group `json:"expired"`
		In7Days  Group `json:"within_7_days"`
		In30Days Group `json:"within_30_days"`
	} `json:"expiry"`
	// Clients counts, per client profile, the targets that fail for it
	// (ModeFull).
	Clients map[string]int `json:"failing_clients,omitempty"`
	now     time.Time
}

// Group is a count and a few examples.
type Group struct {
	Count    int      `json:"count"`
	Examples []string `json:"examples,omitempty"`
	// Clients counts, per client profile, the targets in the group that
	// fail for it with this cause (ModeFull), and Detail is the verdict of
	// the first of them ("java-8: ..."), which says more than the cause's
	// general description.
	Clients map[string]int `json:"clients,omitempty"`
	Detail  string         `json:"detail,omitempty"`
}

func (g *Group) add(example string) {
	g.Count++
	if len(g.Examples) < MaxExamples {
		g.Examples = append(g.Examples, example)
	}
}

// Limits of a Summary.
const (
	MaxExamples = 3
	MaxIssuers  = 1000
)

// NewSummary starts an empty summary judging expiry at now.
func NewSummary(now time.Time) *Summary {
	return &Summary{Causes: map[cause.Code]*Group{}, Issuers: map[string]int{}, Clients: map[string]int{}, now: now}
}

// Add counts one record.
func (s *Summary) Add(r *Record) {
	s.Targets++
	example := r.Target
	if r.Source != "" {
		example += " (" + r.Source + ")"
	}
	if r.Failed() {
		s.Failed++
	} else {
		s.OK++
	}
	group := func(c cause.Code) *Group {
		g := s.Causes[c]
		if g == nil {
			g = &Group{}
			s.Causes[c] = g
		}
		return g
	}
	if len(r.Clients) == 0 {
		group(r.Cause).add(example)
	} else {
		seen := map[cause.Code]bool{}
		for _, v := range r.Clients {
			if v.Cause == cause.OK {
				continue
			}
			s.Clients[v.Profile]++
			g := group(v.Cause)
			if !seen[v.Cause] {
				seen[v.Cause] = true
				g.add(example)
			}
			if g.Clients == nil {
				g.Clients = map[string]int{}
				g.Detail = v.Profile + ": " + v.Summary
			}
			g.Clients[v.Profile]++
		}
		if len(seen) == 0 {
			group(cause.OK).add(example)
		}
	}
	seenIssuer := map[string]bool{}
	for _, a := range r.Addresses {
		if len(a.Certificates) == 0 {
			continue
		}
		leaf := a.Certificates[0]
		if !seenIssuer[leaf.Issuer] {
			seenIssuer[leaf.Issuer] = true
			if _, ok := s.Issuers[leaf.Issuer]; ok || len(s.Issuers) < MaxIssuers {
				s.Issuers[leaf.Issuer]++
			} else {
				s.Issuers["(other)"]++
			}
		}
		if len(seenIssuer) > 1 {
			continue // one expiry per target: the first address's leaf
		}
		na, err := time.Parse(time.RFC3339, leaf.NotAfter)
		if err != nil {
			continue
		}
		switch left := na.Sub(s.now); {
		case left <= 0:
			s.Expiry.Expired.add(example)
		case left < 7*24*time.Hour:
			s.Expiry.In7Days.add(example)
		case left < 30*24*time.Hour:
			s.Expiry.In30Days.add(example)
		}
	}
}

// Sorted lists the causes, failures first, most frequent first.
func (s *Summary) Sorted() []cause.Code {
	var out []cause.Code
	for c := range s.Causes {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a == cause.OK) != (b == cause.OK) {
			return b == cause.OK
		}
		if s.Causes[a].Count != s.Causes[b].Count {
			return s.Causes[a].Count > s.Causes[b].Count
		}
		return a < b
	})
	return out
}

// TopIssuers lists up to n issuers, most frequent first.
func (s *Summary) TopIssuers(n int) []string {
	var out []string
	for i := range s.Issuers {
		out = append(out, i)
	}
	sort.Slice(out, func(i, j int) bool {
		if s.Issuers[out[i]] != s.Issuers[out[j]] {
			return s.Issuers[out[i]] > s.Issuers[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
