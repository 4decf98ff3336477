package diagnose

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// proxyText names the proxy and where the client got it from.
func (c *ctx) proxyText() string {
	p := c.run.Proxy
	if p == nil {
		return "the proxy"
	}
	return fmt.Sprintf("the proxy %s (from %s)", p.URL, p.Source)
}

// proxyFix is the first fix for a proxy the client cannot use.
func (c *ctx) proxyFix() string {
	p := c.run.Proxy
	if p != nil && p.Source != "--proxy" {
		return fmt.Sprintf("check the proxy the client is given (%s=%s): is it the right address, and is the proxy running?", p.Source, p.URL)
	}
	return "check the proxy address the client is configured with, and that the proxy is running"
}

// proxyCertRefused judges the certificate of an https:// proxy as this
// client would; it returns the report when the client refuses it.
func (c *ctx) proxyCertRefused(a *evidence.Address) *chain.Report {
	p := a.Proxy
	if p == nil || len(p.ProxyCertificates) == 0 || !c.p.Verifies() {
		return nil
	}
	var certs []*x509.Certificate
	for _, der := range p.ProxyCertificates {
		if cert, err := x509.ParseCertificate(der); err == nil {
			certs = append(certs, cert)
		}
	}
	if len(certs) == 0 {
		return nil
	}
	host := p.Proxy // host:port, IPv6 in brackets
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = strings.Trim(host[:i], "[]")
	}
	rep := chain.Verify(certs, chain.Options{Roots: c.rootsOrEmpty(), RootCerts: c.rootCertsFn(), At: c.at, Host: host,
		CNFallback: c.p.CNFallback, RejectSHA1: c.p.RejectSHA1, MinRSABits: c.p.MinRSABits, MinECBits: c.p.MinECBits})
	if len(rep.Problems) == 0 {
		return nil
	}
	return rep
}

// proxyFailure explains a connection that never reached the server
// because the proxy in front of it failed.
func (c *ctx) proxyFailure(a *evidence.Address, r *AddressResult) {
	p := a.Proxy
	who := c.proxyText()
	e := p.Err
	if e == nil {
		e = &evidence.Failure{Kind: "other", Message: "no detail"}
	}
	switch p.Stage {
	case "dial":
		ev := fmt.Sprintf("TCP connect to %s at %s: %s", who, p.Proxy, e.Message)
		switch e.Kind {
		case "refused":
			r.decide(ruleProxyRefused, fmt.Sprintf("nothing listens at %s: the connection to the proxy was refused, so the client never reaches %s", p.Proxy, c.run.Target.ServerName), ev)
		case "timeout":
			r.decide(ruleProxyTimeout, fmt.Sprintf("the proxy at %s never answered the TCP connection: packets are dropped on the way to it", p.Proxy), ev)
		case "dns_not_found", "dns_error":
			r.decide(ruleProxyDNS, fmt.Sprintf("the proxy's name in %s does not resolve", p.Proxy), ev)
		default:
			r.decide(ruleProxyUnreachable, fmt.Sprintf("the proxy at %s cannot be reached: %s", p.Proxy, e.Message), ev)
		}
		r.Fix = []string{c.proxyFix(), "or, if the server is reachable directly, exempt it from the proxy (NO_PROXY) or unset the proxy"}
	case "tls", "tunnel":
		if rep := c.proxyCertRefused(a); rep != nil {
			ev := []string{fmt.Sprintf("TLS handshake with %s: the proxy presents %s", who, certLine(rep.Path[0]))}
			for _, pr := range rep.Problems {
				ev = append(ev, fmt.Sprintf("the proxy's certificate fails for this client: %s (%s), judged against %s", pr.Detail, pr.Code, c.trustText()))
			}
			r.decide(ruleProxyCertRefused, fmt.Sprintf("this client refuses the certificate of the https:// proxy at %s (%s), so it never reaches %s", p.Proxy, rep.Problems[0].Code, c.run.Target.ServerName), ev...)
		} else {
			r.decide(ruleProxyTLS, fmt.Sprintf("the TLS connection to the https:// proxy at %s fails (%s), before any tunnel to %s", p.Proxy, e.Message, c.run.Target.ServerName),
				fmt.Sprintf("TLS handshake with %s: %s", who, e.Message))
		}
		r.Fix = []string{"make the client trust the proxy's certificate (its CA in the client's trust store), or fix the certificate on the proxy",
			"or reach the proxy over plain http:// (the tunnel to the server is TLS anyway)"}
	case "connect":
		c.proxyRefused(a, r)
	}
}

func (c *ctx) proxyRefused(a *evidence.Address, r *AddressResult) {
	p := a.Proxy
	who := c.proxyText()
	target := strings.TrimPrefix(strings.TrimSuffix(p.Request, " HTTP/1.1"), "CONNECT ")
	var ev []string
	if p.StatusLine != "" {
		ev = []string{fmt.Sprintf("%s answered %q with %q", who, p.Request, p.StatusLine)}
		for _, h := range p.Headers {
			ev = append(ev, "  "+h)
		}
		if len(p.Body) > 0 {
			ev = append(ev, "its page begins: "+quoteBody(p.Body))
		}
	}
	if p.StatusCode == 407 {
		if c.run.Proxy != nil && c.run.Proxy.Auth {
			r.decide(ruleProxyAuth, fmt.Sprintf("%s refuses the credentials the client sends (407 Proxy Authentication Required)", who),
				append(ev, "basic credentials from the proxy URL were sent with the CONNECT and refused")...)
			r.Fix = []string{"check the user name and password in the proxy URL (a password with @, : or / must be percent-encoded)",
				"if the proxy wants another scheme (Negotiate, NTLM: see Proxy-Authenticate above), basic credentials cannot work: use a client that speaks it, or a local relay such as cntlm"}
		} else {
			r.decide(ruleProxyAuth, fmt.Sprintf("%s demands credentials (407 Proxy Authentication Required), and the client sends none", who),
				append(ev, "the CONNECT carried no Proxy-Authorization header")...)
			r.Fix = []string{"put the credentials in the proxy URL: https_proxy=http://user:password@proxy:port (Java: -Dhttps.proxyUser and -Dhttps.proxyPassword, plus an Authenticator)",
				"if the proxy wants Negotiate or NTLM (see Proxy-Authenticate above), use a client that speaks it, or a local relay such as cntlm"}
		}
		return
	}
	switch code := p.StatusCode; {
	case code == 403:
		r.decide(ruleProxyStatus, fmt.Sprintf("%s forbids a tunnel to %s (403): its policy denies the host or the port", who, target), ev...)
		r.Fix = []string{fmt.Sprintf("ask the proxy's administrators to allow CONNECT to %s (squid: the port must be in SSL_ports and no ACL may deny the host)", target)}
	case code == 502 || code == 503:
		r.decide(ruleProxyStatus, fmt.Sprintf("%s could not connect to %s (%d): from the proxy, the server refuses, is unreachable, or its name does not resolve", who, target, code), ev...)
		r.Fix = []string{fmt.Sprintf("check that %s is reachable from the proxy's network (its name, the port, the firewall between proxy and server); the page above often says which", target)}
	case code == 504:
		r.decide(ruleProxyStatus, fmt.Sprintf("%s timed out connecting to %s (504)", who, target), ev...)
		r.Fix = []string{fmt.Sprintf("open the path from the proxy to %s (firewall, security group), or check that the server is up", target)}
	case code == 400 || code == 405 || code == 501:
		r.decide(ruleProxyStatus, fmt.Sprintf("%s does not accept CONNECT (%d): it is not a forward proxy, or not for this port", who, code), ev...)
		r.Fix = []string{"point the client at a forward proxy that supports CONNECT (the port may be a reverse proxy or a web server)"}
	case code != 0:
		r.decide(ruleProxyStatus, fmt.Sprintf("%s would not open a tunnel to %s: %s", who, target, p.StatusLine), ev...)
		r.Fix = []string{"see the proxy's answer above and its log"}
	default:
		e := p.Err
		msg := "no answer"
		if e != nil {
			msg = e.Message
		}
		ev = []string{fmt.Sprintf("%s accepted the TCP connection; after %q: %s", who, p.Request, msg)}
		switch {
		case e != nil && e.Kind == "timeout":
			r.decide(ruleProxySilent, fmt.Sprintf("%s accepts the connection but never answers CONNECT %s within %s", who, target, durStr(p.Duration)), ev...)
			r.Fix = []string{"the proxy may be waiting on its own upstream (a parent proxy, DNS): check its log; or the port is not an HTTP proxy"}
		case e != nil && (e.Kind == "eof" || e.Kind == "reset"):
			r.decide(ruleProxySilent, fmt.Sprintf("%s closes the connection without answering CONNECT %s", who, target), ev...)
			r.Fix = []string{"the proxy drops CONNECT requests it will not serve: check its access rules and log"}
		default:
			r.decide(ruleProxySilent, fmt.Sprintf("%s does not answer CONNECT %s with HTTP: %s", who, target, msg), ev...)
			r.Fix = []string{"check that the address is an HTTP proxy (a TLS port or another service answers like this)"}
		}
	}
	r.Fix = append(r.Fix, "or, if the client can reach the server directly, exempt it from the proxy (NO_PROXY="+c.run.Target.Host+")")
}

func quoteBody(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// runFindings adds what concerns the whole check: a proxy set but not
// used by this client, a client that cannot use the proxy it was given.
func (c *ctx) runFindings(d *Diagnosis) {
	if p := c.run.Proxy; p != nil {
		switch {
		case !p.Used && p.Reason != "":
			d.Findings = append(d.Findings, Finding{Message: "connected directly: " + p.Reason})
		case p.Used && p.Reason != "":
			d.Findings = append(d.Findings, Finding{Message: p.Reason})
		case p.Used:
			d.Findings = append(d.Findings, Finding{Message: fmt.Sprintf("checked through the proxy %s (from %s), as this client would connect", p.URL, p.Source)})
		}
	}
}
