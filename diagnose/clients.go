package diagnose

import "github.com/tlsdoctor/tlsdoctor/cause"

// ClientVerdict is one profile's verdict in the --clients matrix.
type ClientVerdict struct {
	Profile    string     `json:"profile"`
	Name       string     `json:"name"`
	Cause      cause.Code `json:"cause"`
	Summary    string     `json:"summary"`
	Confidence Confidence `json:"confidence"`
	Rule       string     `json:"rule"`
	Fix        []string   `json:"fix,omitempty"`
	ClientLog  string     `json:"client_log,omitempty"`
}

// ClientMatrix is the verdict of every client profile for one target.
type ClientMatrix struct {
	SchemaVersion int                     `json:"schema_version"`
	Target        string                  `json:"target"`
	Clients       []ClientVerdict         `json:"clients"`
	ByCause       map[cause.Code][]string `json:"by_cause"`
	// Server is the scan of each address (with --server).
	Server map[string]*ServerReport `json:"server,omitempty"`
	// First is the whole diagnosis of the first client, whose check
	// captured the chain the others share: a scan's summary takes the
	// certificates and what was negotiated from it. Not serialized.
	First *Diagnosis `json:"-"`
}

// NewClientMatrix groups verdicts by cause.
func NewClientMatrix(target string, verdicts []ClientVerdict) *ClientMatrix {
	m := &ClientMatrix{SchemaVersion: SchemaVersion, Target: target, Clients: verdicts, ByCause: map[cause.Code][]string{}}
	for _, v := range verdicts {
		m.ByCause[v.Cause] = append(m.ByCause[v.Cause], v.Profile)
	}
	return m
}

// Failing reports how many clients fail.
func (m *ClientMatrix) Failing() int {
	n := 0
	for _, v := range m.Clients {
		if v.Cause != cause.OK {
			n++
		}
	}
	return n
}
