// Package cause is the stable catalog of root causes of a failing TLS
// handshake (docs/causes.md). Codes are public interface: the JSON output,
// exit codes, metric labels and web API use them verbatim. The catalog is
// append-only; an existing code is never renamed.
//
// Package cause imports nothing of the project and is imported by everything.
package cause

// Code is one root cause, e.g. "CHAIN_INCOMPLETE".
type Code string

// Info is the metadata of one code, as written in docs/causes.md.
type Info struct {
	Code    Code   `json:"code"`
	Layer   string `json:"layer"`   // network, transport, negotiation, certificate, application, fleet, or "-"
	Summary string `json:"summary"` // what happened
	Fix     string `json:"fix"`     // the typical first fix
}

// All returns every code's metadata in catalog order. The slice is a copy.
func All() []Info {
	out := make([]Info, len(catalog))
	copy(out, catalog)
	return out
}

// Lookup returns the metadata of c, and whether c is in the catalog.
func Lookup(c Code) (Info, bool) {
	for _, in := range catalog {
		if in.Code == c {
			return in, true
		}
	}
	return Info{}, false
}

// Known reports whether c is in the catalog.
func (c Code) Known() bool { _, ok := Lookup(c); return ok }

// Info returns the metadata of c; an unknown code gets an Info naming it alone.
func (c Code) Info() Info {
	if in, ok := Lookup(c); ok {
		return in
	}
	return Info{Code: c}
}

// Failed reports whether c means the connection fails for the client (every
// code but OK).
func (c Code) Failed() bool { return c != OK }

func (c Code) String() string { return string(c) }
