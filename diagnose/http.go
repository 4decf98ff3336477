package diagnose

import (
	"fmt"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// httpResult judges the HTTP exchange after a good handshake.
func (c *ctx) httpResult(a *evidence.Address, r *AddressResult) {
	h := a.HTTP
	if h == nil {
		r.Cause = cause.OK
		r.Summary = "the TLS handshake succeeds for this client"
		if c.run.Target.HTTP {
			r.Summary += " (no HTTP request was made)"
		}
		c.okEvidence(a, r)
		return
	}
	switch h.Outcome {
	case "response":
		r.Cause = cause.OK
		r.HTTPStatus = h.StatusLine
		r.Summary = fmt.Sprintf("the TLS handshake and the HTTP exchange succeed for this client: %s", h.StatusLine)
		c.okEvidence(a, r)
		r.Evidence = append(r.Evidence, fmt.Sprintf("%s -> %s", h.Request, h.StatusLine))
		if h.StatusCode >= 500 {
			r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the back end answers %s: TLS is fine, the application is not", h.StatusLine)})
		}
	case "tls_record":
		r.Cause = cause.DoubleTLS
		r.Summary = "TLS succeeds, but the reply to the HTTP request is another TLS record: TLS is terminated twice"
		r.Evidence = []string{h.Request + " sent inside TLS", "reply (decrypted): " + hexdump(h.First), "a TLS record inside TLS means the next hop expects TLS again"}
		r.Fix = []string{"make one hop plain: e.g. a TLS listener on the load balancer in front of a TLS back end needs TCP/TLS passthrough, or the back-end port must be plain HTTP",
			"AWS API Gateway with an NLB: change the NLB listener protocol to TCP or TLS as the targets expect"}
	case "not_http":
		r.Cause = cause.HTTPInvalidResponse
		r.Summary = "TLS succeeds, but the reply is not valid HTTP"
		r.Evidence = []string{h.Request + " sent", "reply: " + hexdump(h.First)}
		r.Fix = []string{"the service behind the TLS listener does not speak HTTP/1.1 on this port: fix the back end or the port (AWS logs this as: Not a valid protocol version)"}
	case "alert":
		r.Cause = cause.ServerAlert
		r.Summary = fmt.Sprintf("after the handshake the server sends the alert %s instead of an HTTP reply", h.Alert)
		r.Evidence = []string{h.Request + " sent", "reply: alert " + h.Alert.String()}
	default:
		r.Cause = cause.HTTPNoResponse
		what := "closes the connection"
		switch h.Outcome {
		case "reset":
			what = "resets the connection"
		case "timeout":
			what = fmt.Sprintf("sends nothing for %s", durStr(h.Duration))
		}
		r.Summary = fmt.Sprintf("TLS succeeds, but the server %s without an HTTP reply", what)
		r.Evidence = []string{h.Request + " sent", "no reply: " + errMsg(h.Err)}
		r.Fix = []string{"check the service behind the TLS listener: it accepts TLS but does not answer HTTP (crashed worker, wrong upstream, idle time-out shorter than the client's)"}
	}
}

func errMsg(f *evidence.Failure) string {
	if f == nil {
		return "connection closed"
	}
	return f.Message
}

func (c *ctx) okEvidence(a *evidence.Address, r *AddressResult) {
	if r.Negotiated != nil {
		r.Evidence = append(r.Evidence, fmt.Sprintf("negotiated %s, %s", r.Negotiated.Version, r.Negotiated.CipherSuite))
	}
	if len(r.Certificates) > 0 {
		leaf := r.Certificates[0]
		r.Evidence = append(r.Evidence, fmt.Sprintf("certificate %q, valid to %s, names %v", leaf.Subject, leaf.NotAfter, leaf.Names))
	}
	if !c.p.Verifies() {
		r.Evidence = append(r.Evidence, "this client does not verify certificates")
	}
}
