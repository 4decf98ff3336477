package diagnose

import (
	"fmt"

	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// httpResult judges the HTTP exchange after a good handshake.
func (c *ctx) httpResult(a *evidence.Address, r *AddressResult) {
	h := a.HTTP
	if h == nil {
		summary := "the TLS handshake succeeds for this client"
		if c.run.Target.HTTP {
			summary += " (no HTTP request was made)"
		}
		r.decide(ruleTLSOnly, summary)
		c.okEvidence(a, r)
		return
	}
	switch h.Outcome {
	case "response":
		r.decide(ruleHTTPResponse, fmt.Sprintf("the TLS handshake and the HTTP exchange succeed for this client: %s", h.StatusLine))
		r.HTTPStatus = h.StatusLine
		c.okEvidence(a, r)
		r.Evidence = append(r.Evidence, fmt.Sprintf("%s -> %s", h.Request, h.StatusLine))
		if h.Interim > 0 {
			r.Evidence = append(r.Evidence, fmt.Sprintf("after %s", plural(h.Interim, "interim (1xx) response")))
		}
		if h.StatusCode >= 500 {
			r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the back end answers %s: TLS is fine, the application is not", h.StatusLine)})
		}
	case "tls_record":
		r.decide(ruleDoubleTLS, "TLS succeeds, but the reply to the HTTP request is another TLS record: TLS is terminated twice",
			h.Request+" sent inside TLS", "reply (decrypted): "+hexdump(h.First), "a TLS record inside TLS means the next hop expects TLS again")
		r.Fix = []string{"make one hop plain: e.g. a TLS listener on the load balancer in front of a TLS back end needs TCP/TLS passthrough, or the back-end port must be plain HTTP",
			"AWS API Gateway with an NLB: change the NLB listener protocol to TCP or TLS as the targets expect"}
	case "not_http":
		ev := []string{h.Request + " sent", "reply: " + hexdump(h.First)}
		if h.StatusLine != "" {
			ev = append(ev, fmt.Sprintf("the status line %q does not parse", h.StatusLine))
		}
		r.decide(ruleNotHTTP, "TLS succeeds, but the reply is not valid HTTP", ev...)
		r.Fix = []string{"the service behind the TLS listener does not speak HTTP/1.1 on this port: fix the back end or the port (AWS logs this as: Not a valid protocol version)"}
	case "interim_only":
		r.decide(ruleInterimOnly, fmt.Sprintf("TLS succeeds, but the server answers only with interim responses (%s) and never a final one", h.StatusLine),
			h.Request+" sent", fmt.Sprintf("%d interim responses, the last %q; HTTP clients give up after %d", h.Interim, h.StatusLine, evidence.MaxInterim))
		r.Fix = []string{"fix the back end: a 1xx response must be followed by a final response (RFC 9110 15.2); a proxy or framework that loops on 100 Continue is broken"}
	case "headers_too_large":
		r.decide(ruleHeadersTooLarge, fmt.Sprintf("TLS succeeds, but the response's header block is larger than %s, more than HTTP clients accept", sizeStr(evidence.MaxHeaderBytes)),
			h.Request+" sent", fmt.Sprintf("%d bytes of headers read without reaching their end", h.HeaderBytes))
		r.Fix = []string{"fix the back end: it sends endless or huge headers (a redirect or cookie loop, a header echoed back)"}
	case "truncated":
		r.decide(ruleHTTPTruncated, "TLS succeeds, but the server ends the connection in the middle of its HTTP reply",
			h.Request+" sent", fmt.Sprintf("%d bytes of the reply's headers arrived, then: %s", h.HeaderBytes, errMsg(h.Err)), "first bytes: "+hexdump(h.First))
		r.Fix = []string{"check the service behind the TLS listener: it dies or is killed while answering (crash, out of memory, an idle time-out shorter than its response time)"}
	case "alert":
		r.decide(ruleHTTPAlert, fmt.Sprintf("after the handshake the server sends the alert %s instead of an HTTP reply", h.Alert),
			h.Request+" sent", "reply: alert "+h.Alert.String())
		r.Fix = []string{fmt.Sprintf("look in the server's log for why it sends %s after the handshake", h.Alert.Name())}
	default:
		what := "closes the connection"
		switch h.Outcome {
		case "reset":
			what = "resets the connection"
		case "timeout":
			what = fmt.Sprintf("sends nothing for %s", durStr(h.Duration))
		}
		r.decide(ruleHTTPNoReply, fmt.Sprintf("TLS succeeds, but the server %s without an HTTP reply", what), h.Request+" sent", "no reply: "+errMsg(h.Err))
		r.Fix = []string{"check the service behind the TLS listener: it accepts TLS but does not answer HTTP (crashed worker, wrong upstream, idle time-out shorter than the client's)"}
	}
}

func (c *ctx) okEvidence(a *evidence.Address, r *AddressResult) {
	if r.Negotiated != nil {
		r.Evidence = append(r.Evidence, fmt.Sprintf("negotiated %s, %s", r.Negotiated.Version, r.Negotiated.CipherSuite))
	}
	if len(r.Certificates) > 0 {
		leaf := r.Certificates[0]
		r.Evidence = append(r.Evidence, fmt.Sprintf("certificate %q, valid to %s, names %s", leaf.Subject, leaf.NotAfter, clipList(leaf.Names, maxNames)))
	}
	if !c.p.Verifies() {
		r.Evidence = append(r.Evidence, "this client does not verify certificates")
	}
}
