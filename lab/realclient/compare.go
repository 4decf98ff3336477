package realclient

import (
	"regexp"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// Row is one observation beside the verdict of the profile that simulates
// the client.
type Row struct {
	Observation
	Profile   string     `json:"profile"`
	Verdict   cause.Code `json:"verdict"`
	Summary   string     `json:"summary"`
	Predicted string     `json:"predicted_log,omitempty"` // the profile's log line for the verdict
	// FirstFlight marks an endpoint that sends only its first flight and
	// never finishes a handshake (see FirstFlight); Closed is what the
	// profile says its client logs when the server closes or resets.
	FirstFlight bool   `json:"first_flight,omitempty"`
	Closed      string `json:"-"`
}

// FirstFlight lists the lab endpoints that answer a ClientHello with a
// hand-built TLS 1.2 first flight and stop there (lab/subtle.go,
// rawFlights): what they test is whether a client refuses the flight. A
// client that accepts it goes on with its key exchange, and the server
// closes.
var FirstFlight = map[string]bool{"dh-1024": true, "dh-composite": true, "reneg-unsafe": true, "dup-extension": true, "unoffered-suite": true}

// WentOn reports that the client accepted a first flight: it failed only
// when the server closed, as its profile says it logs a close or a reset.
func (r *Row) WentOn() bool {
	return r.FirstFlight && !r.Works && r.Own && r.Closed != "" && LogMatches(r.Closed, r.Message)
}

// VerdictAgrees reports whether the profile and the real client agree on
// works or fails. Against a first-flight endpoint, works is going on past
// the flight.
func (r *Row) VerdictAgrees() bool { return (r.Works || r.WentOn()) == (r.Verdict == cause.OK) }

// LogAgreement says whether the client's message is the one its profile
// predicts.
type LogAgreement string

const (
	LogAgrees        LogAgreement = "agrees"
	LogDiffers       LogAgreement = "differs"
	LogNotPredicted  LogAgreement = "not predicted" // the profile names no log for this cause
	LogNotApplicable LogAgreement = ""              // the client worked, or the message is not the client's
)

// LogAgreement compares the message with the prediction, when both exist.
func (r *Row) LogAgreement() LogAgreement {
	switch {
	case r.Works || r.Verdict == cause.OK || !r.Own || r.WentOn():
		return LogNotApplicable
	case r.Predicted == "":
		return LogNotPredicted
	case LogMatches(r.Predicted, r.Message):
		return LogAgrees
	}
	return LogDiffers
}

var wildcard = regexp.MustCompile(`\.\.\.|<[a-z][a-z0-9 ._-]*>`)

// LogMatches reports whether message is one of the lines predicted
// describes. A prediction lists alternatives separated by " | "; in each,
// "..." and placeholders such as <host> stand for any text, and the rest
// must occur in the message in order (case does not matter: Chromium says
// net::ERR_..., its error page NET::ERR_...).
func LogMatches(predicted, message string) bool {
	message = strings.ToLower(message)
	for _, alt := range strings.Split(predicted, " | ") {
		alt = strings.ToLower(strings.TrimSpace(alt))
		if alt == "" {
			continue
		}
		rest, ok := message, true
		for _, seg := range wildcard.Split(alt, -1) {
			i := strings.Index(rest, seg)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(seg):]
		}
		if ok {
			return true
		}
	}
	return false
}
