package evidence

import "time"

// RevocationFetch is one fetch of revocation status: an OCSP request to a
// responder named in a certificate's AIA extension, or a download of a CRL
// from its CRL distribution point. The response is kept raw; package
// diagnose parses and verifies it.
type RevocationFetch struct {
	Kind     string        `json:"kind"` // "ocsp" or "crl"
	URL      string        `json:"url"`
	For      string        `json:"for"`    // subject of the certificate asked about
	Serial   string        `json:"serial"` // its serial number, hex
	Response []byte        `json:"response,omitempty"`
	Err      *Failure      `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}
