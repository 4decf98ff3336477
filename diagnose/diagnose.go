package diagnose

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/internal/memo"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Options are the inputs a diagnosis needs besides the run.
type Options struct {
	// Profile is the client to judge for. It may differ from run.Profile
	// when a run whose failure precedes anything client-specific (DNS, TCP,
	// a silent port) is judged for every client.
	Profile *profile.Profile
	// SystemRoots returns the system trust store (with the embedded Mozilla
	// fallback); nil means empty. It is called only when a chain is judged
	// and the run used the system store. The run's ExtraRoots are added.
	SystemRoots func() *x509.CertPool
	// SystemRootCerts lists the system roots as certificates, for building
	// paths through signatures Go refuses, and for telling a missing root
	// from a missing intermediate (optional).
	SystemRootCerts func() []*x509.Certificate
}

// ctx carries what every rule needs.
type ctx struct {
	run         *evidence.Run
	p           *profile.Profile
	rootsFn     func() (roots, all *x509.CertPool) // the profile's anchors; system + extra
	trustKeyFn  func() any                         // names what rootsFn and knownFn return
	rootCertsFn func() []*x509.Certificate         // the profile's anchors, as certificates
	knownFn     func() []*x509.Certificate         // CA certificates known but not trusted by the profile
	aia         []*x509.Certificate
	at          time.Time
	badExtra    int // CAs recorded in the run that do not parse
}

// Run diagnoses run for opts.Profile.
func Run(run *evidence.Run, opts Options) *Diagnosis {
	p := opts.Profile
	c := &ctx{run: run, p: p, at: run.JudgeTime()}
	useSystem := opts.SystemRoots != nil && !run.NoSystemRoots
	var extra []*x509.Certificate
	for _, der := range run.ExtraRoots {
		if cert, err := x509.ParseCertificate(der); err == nil {
			extra = append(extra, cert)
		} else {
			c.badExtra++
		}
	}
	system := sync.OnceValue(func() *x509.CertPool {
		if useSystem {
			if s := opts.SystemRoots(); s != nil {
				return s
			}
		}
		return noRoots
	})
	systemCerts := sync.OnceValue(func() []*x509.Certificate {
		if opts.SystemRootCerts != nil && !run.NoSystemRoots {
			return opts.SystemRootCerts()
		}
		return nil
	})
	c.rootsFn = sync.OnceValues(func() (*x509.CertPool, *x509.CertPool) {
		extraPool := x509.NewCertPool()
		all := system().Clone()
		for _, cert := range extra {
			extraPool.AddCert(cert)
			all.AddCert(cert)
		}
		switch p.Trust {
		case profile.TrustSystem:
			return all, all
		case profile.TrustBundleOnly:
			return extraPool, all
		case profile.TrustPublic:
			return system(), all
		case profile.TrustAnyRoot:
			// A root the server sends, or a public one; never --ca-bundle,
			// which this client cannot be given.
			anyRoots := system().Clone()
			for _, r := range c.servedRoots() {
				anyRoots.AddCert(r)
			}
			return anyRoots, all
		}
		return nil, all
	})
	c.rootCertsFn = sync.OnceValue(func() []*x509.Certificate {
		switch p.Trust {
		case profile.TrustBundleOnly:
			return extra
		case profile.TrustPublic:
			return systemCerts()
		case profile.TrustAnyRoot:
			return append(append([]*x509.Certificate{}, systemCerts()...), c.servedRoots()...)
		}
		return append(append([]*x509.Certificate{}, extra...), systemCerts()...)
	})
	// trustKeyFn names what rootsFn and knownFn return, for chain's memo:
	// the kind of trust, the system pool and list as given (pointers, kept
	// alive by the key) and the hash of the other certificates they hold.
	c.trustKeyFn = sync.OnceValue(func() any {
		sc := systemCerts()
		k := trustKey{kind: p.Trust, sys: system(), sysCount: len(sc), extra: memo.Certs(extra)}
		if len(sc) > 0 {
			k.sysCerts = &sc[0] // the list's backing array
		}
		if p.Trust == profile.TrustAnyRoot {
			k.served = memo.Certs(c.servedRoots())
		}
		return k
	})
	c.knownFn = sync.OnceValue(func() []*x509.Certificate {
		// What the profile does not trust but tlsdoctor knows: the other
		// side of the bundle/system split.
		switch p.Trust {
		case profile.TrustBundleOnly:
			return systemCerts()
		case profile.TrustPublic, profile.TrustAnyRoot:
			return extra
		}
		return nil
	})
	for _, a := range run.AIA {
		if cert, err := x509.ParseCertificate(a.Certificate); err == nil {
			c.aia = append(c.aia, cert)
		}
	}

	d := &Diagnosis{
		SchemaVersion: SchemaVersion, Tool: run.Tool, CheckedAt: run.Started, JudgedAt: run.JudgeTime(),
		Target: run.Target.Input, ServerName: run.Target.ServerName,
		Profile: p.ID, ProfileName: p.Name, Findings: []Finding{}, Addresses: []AddressResult{},
	}
	if run.DNS != nil && run.DNS.Err != nil || len(run.Addresses) == 0 {
		r := c.dnsFailure()
		r.Summary = sentence(r.Summary)
		d.apply(r)
	} else {
		for i := range run.Addresses {
			d.Addresses = append(d.Addresses, c.address(&run.Addresses[i]))
		}
		d.merge()
	}
	if c.badExtra > 0 {
		d.Findings = append(d.Findings, Finding{Message: fmt.Sprintf("%s recorded in the run (--ca-bundle) do not parse and were not trusted", plural(c.badExtra, "CA certificate"))})
	}
	if run.DeadlineExceeded {
		d.Findings = append(d.Findings, Finding{Message: fmt.Sprintf("the check's overall deadline (%s) ran out: the phases it cut short are missing from the evidence", durStr(run.Deadline))})
	}
	c.runFindings(d)
	return d
}

// noRoots is the system pool of a run without system roots. It is never
// added to (the pools that add to it are clones).
var noRoots = x509.NewCertPool()

// trustKey is chain.Options.TrustKey for a diagnosis.
type trustKey struct {
	kind          profile.Trust
	sys           *x509.CertPool
	sysCerts      **x509.Certificate
	sysCount      int
	extra, served [32]byte
}

// servedRoots are the self-signed CA certificates the server sent.
func (c *ctx) servedRoots() []*x509.Certificate {
	var out []*x509.Certificate
	for _, a := range c.run.Addresses {
		for _, certs := range [][][]byte{handshakeCerts(a.Handshake), helloCerts(a.Hello)} {
			for _, der := range certs {
				if cert, err := x509.ParseCertificate(der); err == nil && cert.IsCA && bytes.Equal(cert.RawIssuer, cert.RawSubject) {
					out = append(out, cert)
				}
			}
		}
	}
	return out
}

func handshakeCerts(h *evidence.Handshake) [][]byte {
	if h == nil {
		return nil
	}
	return h.Certificates
}

func helloCerts(h *evidence.Hello) [][]byte {
	if h == nil {
		return nil
	}
	return h.Certificates
}

func (d *Diagnosis) apply(r AddressResult) {
	d.Cause, d.Summary, d.Verdict = r.Cause, r.Summary, r.Verdict
	d.Findings, d.Artifacts = r.Findings, r.Artifacts
	if d.Findings == nil {
		d.Findings = []Finding{}
	}
	d.Layer = r.Cause.Info().Layer
}

// decide sets the verdict from rule, with the summary and the evidence.
func (r *AddressResult) decide(rule *Rule, summary string, ev ...string) {
	r.Cause, r.Summary = rule.Cause, summary
	r.Rule, r.Confidence, r.Decides, r.FixSide = rule.ID, rule.Confidence, rule.Decides, rule.FixSide
	r.Evidence = ev
}

func (c *ctx) dnsFailure() AddressResult {
	var r AddressResult
	name := c.run.Target.Host
	switch {
	case c.run.DNS == nil || c.run.DNS.Err == nil:
		r.decide(ruleDNSNoAddress, fmt.Sprintf("%s resolves to no address", name), "the resolver returned no address")
	case c.run.DNS.Err.Kind == "dns_not_found":
		r.decide(ruleDNSNotFound, fmt.Sprintf("%s does not resolve: no such name", name), "resolver: "+c.run.DNS.Err.Message)
	case c.run.DNS.Err.Kind == "timeout":
		r.decide(ruleDNSTimeout, fmt.Sprintf("the resolver did not answer for %s in time", name), "resolver: "+c.run.DNS.Err.Message)
	default:
		r.decide(ruleDNSError, fmt.Sprintf("the resolver failed to look up %s (it did not say the name does not exist)", name), "resolver: "+c.run.DNS.Err.Message)
	}
	r.Fix = []string{
		"fix the DNS record for " + name + ", or the resolver the client uses (a private zone the client cannot see is common for back ends)",
		"to test a known address meanwhile: tlsdoctor check " + c.run.Target.Input + " --connect IP",
	}
	return r
}

// address diagnoses one address.
func (c *ctx) address(a *evidence.Address) AddressResult {
	r := AddressResult{Addr: a.Addr, Findings: []Finding{}}
	switch {
	case a.Proxy != nil && (a.Proxy.Stage != "tunnel" || c.proxyCertRefused(a) != nil):
		c.proxyFailure(a, &r)
	case a.Dial.Err != nil:
		c.dialFailure(a, &r)
	case a.Hello == nil && a.Handshake != nil: // one crypto/tls handshake (scan --mode cert)
		c.handshakeOnly(a, &r)
	case a.Hello == nil:
		r.decide(ruleSilent, "TCP connected, but no ClientHello could be sent", "the connection was made; the ClientHello was not sent or not answered")
	case c.attemptsDisagree(a, &r):
	case !a.Hello.Accepted():
		c.helloRefused(a, &r)
	default:
		c.afterHello(a, &r)
	}
	if r.Cause == "" {
		r.decide(ruleTLSOnly, "the TLS handshake succeeds for this client")
	}
	if r.Fix == nil && r.Cause != cause.OK {
		r.Fix = []string{r.Cause.Info().Fix}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Evidence == nil {
		r.Evidence = []string{}
	}
	r.Summary = sentence(r.Summary)
	if a.Scan != nil {
		r.Server = serverReport(a.Scan)
	}
	return r
}

func (c *ctx) dialFailure(a *evidence.Address, r *AddressResult) {
	e := a.Dial.Err
	ev := fmt.Sprintf("TCP connect to %s: %s", a.Addr, e.Message)
	switch e.Kind {
	case "refused":
		r.decide(ruleTCPRefused, fmt.Sprintf("nothing listens on %s: the connection was refused (TCP reset to the SYN)", a.Addr), ev)
		r.Fix = []string{"start the TLS listener on this port, or point the client at the port the back end really listens on",
			"behind a load balancer: check that the target is registered, healthy, and listening on the target port"}
	case "timeout":
		r.decide(ruleTCPTimeout, fmt.Sprintf("the TCP connection to %s was never answered within %s: packets are being dropped", a.Addr, durStr(a.Dial.Duration)), ev)
		r.Fix = []string{"open the port in the firewall, security group or network ACL between the client and " + a.Addr,
			"for AWS API Gateway over a VPC link: the NLB's security group and the targets' must allow the traffic"}
	default:
		r.decide(ruleTCPUnreachable, fmt.Sprintf("%s cannot be reached: %s", a.Addr, e.Message), ev)
		r.Fix = []string{"fix the route between the client and " + a.Addr + " (routing table, VPC peering, VPN)"}
	}
}

func durStr(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
